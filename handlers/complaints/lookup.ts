import type { StaffContext } from '../../src/core/context.ts';
import { readListWords } from '../../src/core/list-filter.ts';
import { echo, escapeRegex } from '../../src/core/text.ts';
import { cardFor, summaryLine } from './card.ts';
import { complaintFromAction, findComplaint, fmt } from './common.ts';
import { type ComplaintRecord, type ComplaintStatus, complaintRows } from './models.ts';
import { CATEGORY_LABELS, categoryFromExactWords, nextFollowUp, STATUS_LABELS, UNRESOLVED } from './rules.ts';

const LIST_LIMIT = 30;

/*
 * Every list here filters through the complaints' rows (models.ts complaintRows): the same Mongo
 * filter, run on ~300-byte rows, then the cases found read by `_id`. On FerretDB 1.24 that filter
 * on the complaints themselves decodes every case (41 MB in a year), whatever the indexes.
 */

/** 投诉 <编号>: the whole record with its audit trail, and the buttons the viewer may press. */
export async function showComplaint(ctx: StaffContext): Promise<void> {
  const found = await findComplaint(ctx, ctx.args, '投诉 TS-20261127-003');
  if (found) await ctx.reply(cardFor(ctx, found.c, { full: true }));
}

/** Button on lists and notifications: 查看 */
export async function showFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  if (c) await ctx.reply(cardFor(ctx, c, { full: true }));
}

const STATUS_WORDS: Record<string, ComplaintStatus[]> = {
  待确认: ['unconfirmed'],
  待客服确认: ['unconfirmed'],
  待调查: ['registered'],
  待处理: ['investigated'],
  待告知: ['decided'],
  回访中: ['following_up'],
  已结案: ['closed'],
  结案: ['closed'],
  未结案: ['unconfirmed', 'registered', 'investigated', 'decided', 'following_up'],
  处理中: ['unconfirmed', 'registered', 'investigated', 'decided', 'following_up'],
};

export interface ListFilter {
  query: Record<string, unknown>;
  label: string[];
}

/**
 * 投诉列表 arguments: the words every list reads the same (全部, 我的, 本月, a month or date range,
 * a status word; src/core/list-filter.ts), then 逾期, a category, or else a client name.
 */
export function parseListFilter(args: string, now: Date, tz: string, me?: string): ListFilter | { error: string } {
  const query: Record<string, unknown> = {};
  const label: string[] = [];
  const read = readListWords(args, now, tz, (w) => (Object.hasOwn(STATUS_WORDS, w) ? STATUS_WORDS[w] : undefined));
  if ('error' in read) return { error: `${read.error}例如：投诉列表 本月` };
  if (read.all) label.push('全部');
  if (read.mine) {
    // mine: the cases the sender accepted, or is named responsible in
    query.$or = [{ 'acceptedBy.staffId': me ?? '-' }, { 'responsible.staffId': me ?? '-' }];
    label.push('我的');
  }
  if (read.status) {
    query.status = { $in: read.status };
    label.push(read.statusWord!);
  }
  if (read.period) {
    query.acceptedAt = { $gte: read.period.from, $lt: read.period.to };
    label.push(read.period.label);
  }
  const client: string[] = [];
  for (const w of read.rest) {
    if (w === '逾期') {
      query.overdueAt = { $ne: null };
      query.status = { $in: [...UNRESOLVED] };
      label.push(w);
      continue;
    }
    // exact words only, so a client called 一般物业 is searched as a client, not a category
    const cat = categoryFromExactWords(w);
    if (cat && !/^\d$/.test(w)) {
      query.category = cat;
      label.push(CATEGORY_LABELS[cat]);
      continue;
    }
    client.push(w);
  }
  if (client.length) {
    const name = client.join(' ');
    query.clientName = { $regex: escapeRegex(name) };
    label.push(`客户「${echo(name)}」`);
  }
  return { query, label };
}

/** 投诉列表 [全部|我的] [状态] [分类] [客户] [本月|月份|日期范围] */
export async function listComplaints(ctx: StaffContext): Promise<void> {
  const f = parseListFilter(ctx.args, ctx.services.now(), ctx.services.config.timezone, ctx.sender.staffId);
  if ('error' in f) {
    await ctx.reply(f.error);
    return;
  }
  const cases = await complaintRows.all(f.query, { sort: { acceptedAt: -1 }, limit: LIST_LIMIT });
  const what = f.label.length ? `（${f.label.join('，')}）` : '';
  if (!cases.length) {
    await ctx.reply(
      `没有符合条件的投诉${what}。可按 全部、我的、状态（待确认/待调查/待处理/待告知/回访中/已结案/逾期）、分类、客户或日期（本月、上月、2026-11）筛选，例如：投诉列表 待调查`,
    );
    return;
  }
  await ctx.reply(
    [
      `投诉 ${cases.length} 件${what}${cases.length === LIST_LIMIT ? `（只显示最近 ${LIST_LIMIT} 件）` : ''}：`,
      ...cases.map((c) => summaryLine(ctx.services, c)),
      '发送「投诉 编号」查看详情。',
    ].join('\n'),
  );
}

/** 逾期投诉: unresolved cases past their time limit (§3.1.3). */
export async function listOverdue(ctx: StaffContext): Promise<void> {
  const now = ctx.services.now();
  const cases = await complaintRows.all(
    { status: { $in: [...UNRESOLVED] }, dueAt: { $lte: now } },
    { sort: { dueAt: 1 }, limit: LIST_LIMIT },
  );
  if (!cases.length) {
    await ctx.reply('目前没有逾期的投诉。');
    return;
  }
  await ctx.reply(
    [
      `逾期投诉 ${cases.length} 件：`,
      ...cases.map(
        (c) =>
          `• ${c._id} ${c.clientName}｜${CATEGORY_LABELS[c.category]}｜${STATUS_LABELS[c.status]}｜时限 ${fmt(ctx.services, c.dueAt)}`,
      ),
      '发送「投诉 编号」查看并处理。',
    ].join('\n'),
  );
}

/** 我的待办: what waits on the sender, by their roles. */
export async function myTodo(ctx: StaffContext): Promise<void> {
  const now = ctx.services.now();
  const sections: string[] = [];
  const add = (
    title: string,
    cases: ComplaintRecord[],
    line = (c: ComplaintRecord) => summaryLine(ctx.services, c),
  ) => {
    if (cases.length) sections.push(`${title}（${cases.length}）：`, ...cases.map(line));
  };
  const find = async (q: Record<string, unknown>) =>
    await complaintRows.all(q, { sort: { acceptedAt: 1 }, limit: LIST_LIMIT });
  const me = ctx.sender.staffId;
  if (me && ctx.hasRole('customer_service', 'team_leader')) {
    const told = await find({
      $or: [{ 'acceptedBy.staffId': me }, { 'registeredBy.staffId': me }],
      clientToldAt: null,
      status: { $ne: 'closed' },
    });
    add('待确认已告知客户受理（§4.2，发送「已告知 编号」）', told);
  }
  if (me && ctx.hasRole('customer_service')) {
    // §4.1: registrations by others wait for 客服部; one's own registration is for a colleague to confirm
    const waiting = (await find({ status: 'unconfirmed' })).filter(
      (c) => (c.registeredBy ?? c.acceptedBy).staffId !== me,
    );
    add('待确认受理（§4.1，发送「确认投诉 编号」，分类不对写「确认投诉 编号 分类 原因」）', waiting);
  }
  if (ctx.hasRole('guard_ops')) add('待调查（发送「调查 编号」）', await find({ status: 'registered' }));
  if (ctx.hasRole('customer_service')) {
    add('待拟定处理（发送「处理投诉 编号」）', await find({ status: 'investigated' }));
    add(
      '待告知客户结果（发送「告知结果 编号」）',
      (await find({ status: 'decided' })).filter((c) => c.appeal?.status !== 'pending'),
    );
    const dueFollowUps = (await find({ status: 'following_up' })).filter(
      (c) => (nextFollowUp(c.followUps)?.dueAt ?? now) <= now,
    );
    add(
      '到期回访（发送「回访 编号 满意/不满意 情况」）',
      dueFollowUps,
      (c) =>
        `• ${c._id} ${c.clientName}｜第 ${nextFollowUp(c.followUps)!.seq} 次回访，计划 ${fmt(ctx.services, nextFollowUp(c.followUps)!.dueAt)}`,
    );
  }
  if (ctx.hasRole('guard_ops'))
    add(
      '改善无效，待提出新对策（§3.1.6，发送「新对策 编号」）',
      await find({ measuresDue: true, status: { $ne: 'closed' } }),
    );
  if (ctx.hasRole('customer_service')) {
    const stalled = (await find({ status: 'following_up' })).filter((c) => !nextFollowUp(c.followUps));
    add('回访已做完但未结案（客户不满意、改善效果未确认或未告知客户受理）', stalled);
  }
  if (me)
    add(
      '待你确认已阅的投诉调查（§3.2.3，发送「已阅 编号」）',
      (await find({ 'responsible.staffId': me })).filter((c) =>
        c.responsible.some((r) => r.staffId === me && !r.seenAt),
      ),
    );
  if (ctx.hasRole('admin', 'chairman'))
    add('待决定的签呈（发送「签呈决定 编号 维持/改为 …」）', await find({ 'appeal.status': 'pending' }));
  if (ctx.hasRole('chairman'))
    add('处理涉及金额，待你核准（§4.4，发送「核准处理 编号」）', await find({ 'approval.status': 'pending' }));
  if (ctx.hasRole('general_affairs'))
    add('逾期投诉（§3.1.3）', await find({ overdueAt: { $ne: null }, status: { $in: [...UNRESOLVED] } }));
  await ctx.reply(
    sections.length ? [`${ctx.sender.name} 的待办：`, ...sections].join('\n') : '你目前没有待办的投诉事项。',
  );
}
