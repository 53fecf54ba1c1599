import type { Services, StaffContext } from '../../src/core/context.ts';
import { monthOf, parseMonth } from '../../src/core/dates.ts';
import { notify, recipientsWithRole } from '../../src/core/notify.ts';
import { dailyNumber } from '../../src/core/numbering.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import type { Card } from '../../src/core/types.ts';
import { reportCard, reportFieldKey, reportFormCard, reportTemplate, requestCard } from './cards.ts';
import {
  reportId,
  SupplyReport,
  type SupplyReportRecord,
  SupplyRequest,
  SupplyRequestCard,
  type SupplyRequestRecord,
} from './models.ts';
import { reportFiledCard } from './replies.ts';
import { compareWithConfiguration, parseReport, reportLines } from './report-rules.ts';
import { type ConfiguredItem, reportMonthFor } from './rules.ts';
import { supplySettings } from './settings.ts';
import { loadList } from './store.ts';

/*
 * §4.2 物资管理月报: a team leader files their post's report once a month — a form card on Lark, a
 * one-message form elsewhere (the bot sends the template to copy and fill in). It is compared with
 * the post's configured list (§4.1), 综合部 gets it with the differences flagged, and each request
 * becomes a card 综合部 approves or refuses.
 */

/** The post a team leader reports for: their own (staff record), or a reply saying why not. */
async function leaderPost(ctx: StaffContext): Promise<string | undefined> {
  if (!ctx.sender.staffId) {
    await ctx.reply('填报月报需要员工身份：请先绑定（发送「绑定 绑定码」）。');
    return undefined;
  }
  if (!ctx.sender.post) {
    await ctx.reply('你的档案没有设置驻点，无法填报物资月报。请联系行政部设置驻点。');
    return undefined;
  }
  return ctx.sender.post;
}

/** The month asked for (`2026-11`, `11月`), or the one a report filed now is for. */
function monthFrom(ctx: StaffContext, words: string[]): { month: string; rest: string[] } | { error: string } {
  const { services } = ctx;
  const tz = services.config.timezone;
  const now = services.now();
  const idx = words.findIndex((w) => parseMonth(w, now, tz));
  const month =
    idx >= 0
      ? parseMonth(words[idx]!, now, tz)!
      : reportMonthFor(now, tz, supplySettings.of(services.config).reportDay);
  if (month > monthOf(now, tz)) return { error: `${month} 还没到，不能填报。` };
  return { month, rest: words.filter((_, i) => i !== idx) };
}

/** How the outcome is shown: a new message, or (form card) in place of the card that was submitted. */
type Show = (card: Card) => Promise<void>;

async function alreadyFiled(
  ctx: StaffContext,
  post: string,
  month: string,
  show: Show = (c) => ctx.reply(c).then(() => {}),
): Promise<boolean> {
  const r = await SupplyReport.findById(reportId(post, month)).lean<SupplyReportRecord>();
  if (!r) return false;
  await show(
    reportCard(
      r,
      ctx.services.config.timezone,
      `${post} ${month} 的月报已由 ${r.leaderName} 提交，不能重复提交。如需更正，请综合部发送「退回月报 ${post} ${month} 原因」后重新填报。`,
    ),
  );
  return true;
}

/** 物资月报 [月份] [+ the filled-in lines] */
export async function startReport(ctx: StaffContext): Promise<void> {
  const post = await leaderPost(ctx);
  if (!post) return;
  const [head = '', ...body] = ctx.args.split('\n');
  const m = monthFrom(
    ctx,
    head.split(/\s+/).filter((w) => w && w !== post),
  );
  if ('error' in m) {
    await ctx.reply(m.error);
    return;
  }
  if (await alreadyFiled(ctx, post, m.month)) return;
  const items = await loadList(post);
  // one line on the console: 「；」 between items ends a line (reportLines)
  const lines = reportLines([...(m.rest.length ? [m.rest.join(' ')] : []), ...body].join('\n'), items);
  if (!lines.length) {
    if (ctx.can.formCards) await ctx.reply(reportFormCard(post, m.month, items));
    else for (const message of reportTemplate(post, m.month, items)) await ctx.reply(message);
    return;
  }
  const note = lines.find((l) => /^备注[:：]/.test(l))?.replace(/^备注[:：]\s*/, '') ?? '';
  const problems = await fileReport(
    ctx,
    post,
    m.month,
    items,
    lines.filter((l) => !/^备注[:：]/.test(l)).join('\n'),
    note,
  );
  if (problems) await ctx.reply(`月报没有提交，请改正后整段重新发送：\n${problems.map((p) => `⚠ ${p}`).join('\n')}`);
}

/** The report form card (Lark) was submitted: the same parser as the one-message form. */
export async function reportFromCard(ctx: StaffContext): Promise<void> {
  const post = await leaderPost(ctx);
  if (!post) return;
  const month = ctx.action?.value.month ?? '';
  if (ctx.action?.value.post !== post || !/^\d{4}-\d{2}$/.test(month)) {
    await ctx.toast('这张月报表不是你驻点的，请发送「物资月报」重新打开。');
    return;
  }
  const show: Show = (card) => ctx.updateCard(card);
  if (await alreadyFiled(ctx, post, month, show)) return;
  const items = await loadList(post);
  const form = ctx.action?.form ?? {};
  if (ctx.action?.value.items !== JSON.stringify(items.map((i) => i.item))) {
    await ctx.updateCard(reportFormCard(post, month, items, {}, ['配置清单刚刚有变动，请按这张新表重新填写。']));
    await ctx.toast('配置清单有变动，请重新填写。');
    return;
  }
  const split = (s: string | undefined) =>
    (s ?? '')
      .split(/[;；\n]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  const text = [
    ...items.map((it, i) => `${it.item} ${(form[reportFieldKey(i)] ?? '').trim()}`),
    ...split(form.extra),
    ...split(form.requests).map((r) => `申领 ${r}`),
  ].join('\n');
  const problems = await fileReport(ctx, post, month, items, text, (form.note ?? '').trim(), show);
  if (problems) {
    await ctx.updateCard(reportFormCard(post, month, items, form, problems));
    await ctx.toast('有内容需要修改，请看卡片上的红字提示。');
  }
}

/**
 * Checks and files a report; returns the problems instead when it cannot be filed. The first
 * filing for a post and month wins (its `_id`), so a double submit files once.
 */
async function fileReport(
  ctx: StaffContext,
  post: string,
  month: string,
  items: ConfiguredItem[],
  text: string,
  note: string,
  show: Show = (c) => ctx.reply(c).then(() => {}),
): Promise<string[] | undefined> {
  const parsed = parseReport(text, items);
  if (!parsed.ok) return parsed.errors;
  const { services } = ctx;
  const now = services.now();
  const { lines, requests } = parsed.report;
  const configured = (item: string) => items.find((i) => i.item === item)?.quantity ?? null;
  const report = {
    _id: reportId(post, month),
    post,
    month,
    leaderId: ctx.sender.staffId!,
    leaderName: ctx.sender.name,
    lines: lines.map((l) => ({ ...l, configured: configured(l.item) })),
    flags: compareWithConfiguration(lines, items),
    requestNos: [] as string[],
    note: note.slice(0, 200),
    submittedAt: now,
  };
  try {
    await SupplyReport.create(report);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await alreadyFiled(ctx, post, month, show);
    return undefined;
  }
  const created: SupplyRequestRecord[] = [];
  for (const r of requests) {
    const no = await dailyNumber('WZ', now, services.config.timezone);
    const line = lines.find((l) => l.item === r.item);
    const doc = {
      _id: no,
      post,
      month,
      reportId: report._id,
      item: r.item,
      quantity: r.quantity,
      unit: items.find((i) => i.item === r.item)?.unit ?? '',
      reason: r.reason,
      stock: line?.stock ?? null,
      configured: configured(r.item),
      requesterId: report.leaderId,
      requesterName: report.leaderName,
      requestedAt: now,
    };
    await SupplyRequest.create(doc);
    created.push({
      ...doc,
      status: 'pending',
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      refuseReason: null,
      version: 0,
    });
  }
  if (created.length)
    await SupplyReport.updateOne({ _id: report._id }, { $set: { requestNos: created.map((c) => c._id) } });
  report.requestNos = created.map((c) => c._id);
  ctx.log.info({ post, month, flags: report.flags.length, requests: created.length }, 'supply report filed');

  const office = await recipientsWithRole(services, ['general_affairs'], [report.leaderId]);
  await notify(
    services,
    office,
    reportFiledCard(report, `请综合部核对差异${created.length ? '，申领另有审批卡片' : ''}。`),
  );
  for (const q of created) await sendRequestCards(services, q);
  const told = office.length ? '已送综合部' : '注意：暂时没有综合部人员接收，请联系行政部';
  await show(
    reportFiledCard(
      report,
      `已提交，${told}${created.length ? `；申领 ${created.length} 项等待综合部审批，结果会通知你` : ''}。`,
    ),
  );
  return undefined;
}

/** Sends a request's approval card to every 综合部 member but the requester, keeping where each went. */
export async function sendRequestCards(services: Services, q: SupplyRequestRecord): Promise<number> {
  const people = await recipientsWithRole(services, ['general_affairs'], [q.requesterId]);
  const refs = await notify(services, people, requestCard(q));
  if (refs.length)
    await SupplyRequestCard.insertMany(
      refs.map((r) => ({ requestNo: q._id, channel: r.channel, userId: r.userId, messageId: r.messageId ?? null })),
    );
  return refs.length;
}
