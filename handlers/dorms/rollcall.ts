import { actor } from '../../src/core/audit.ts';
import type { BotContext, Services } from '../../src/core/context.ts';
import type { FormOption } from '../../src/core/form-options.ts';
import { FORM_SUBMIT_ACTION, type FormDefinition } from '../../src/core/forms.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import { isNoneWord } from '../../src/core/text.ts';
import { transition } from '../../src/core/transition.ts';
import { keyAbsences } from './absence-keys.ts';
import {
  absenceNotice,
  clearedNotice,
  dayLabel,
  lateReportText,
  PRE_CURFEW_RULE,
  reportedCard,
  reportPageCard,
} from './cards.ts';
import { isLeaderOf, loadRosters, pickDorm, refreshRollCallCards, settings, tellGeneralAffairs } from './common.ts';
import { type EntryRecord, RollCall, type RollCallRecord, rollCallId } from './models.ts';
import {
  type Entry,
  eveningOf,
  isLate,
  isPreCurfew,
  newAbsences,
  parseReport,
  reportLine,
  reportWindow,
} from './rules.ts';

/*
 * §3.3.3 队长每天进行宿舍查房: the leader answers the evening's roll call (card button, form card,
 * guided form, or `查房 …`), may correct it until the cut-off (every version is kept), and each
 * 未归 reaches 综合部 the moment it is reported.
 */

export async function loadRollCall(id: string): Promise<RollCallRecord | null> {
  return RollCall.findById(id).lean<RollCallRecord>();
}

/** The evening's roll call of a dorm; created (unasked) when the leader reports before it was sent. */
export async function rollCallFor(services: Services, date: string, dorm: string): Promise<RollCallRecord> {
  const id = rollCallId(date, dorm);
  const existing = await loadRollCall(id);
  if (existing) return existing;
  const [roster] = await loadRosters(services, [dorm]);
  try {
    await RollCall.create({ _id: id, date, dorm, residents: roster?.residents ?? [], leaders: roster?.leaders ?? [] });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return (await loadRollCall(id))!;
}

/**
 * Records a leader's report (or a correction) once, however many leaders answer at the same moment;
 * tells 综合部 of each new 未归 and of a late report, and shows the result on every copy of the card.
 */
export async function applyReport(ctx: BotContext, rc: RollCallRecord, entries: Entry[]): Promise<boolean> {
  const s = settings(ctx.services);
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  const window = reportWindow(now, rc.date, s.times, tz);
  if (!window.ok) {
    await ctx.toast(window.why);
    return false;
  }
  if (!(await isLeaderOf(ctx, rc.dorm))) {
    await ctx.toast(`只有 ${rc.dorm} 的队长可以上报查房。`);
    return false;
  }
  const before = rc.report?.entries ?? null;
  // §3.3.3 counts who is in at 22:00: a report before it is a 预报, and only one made at or after
  // 22:00 (a new one, a correction, or the same answer again) is the roll call 综合部 hears of
  const pre = isPreCurfew(now, rc.date, tz);
  const standing = rc.report && !rc.report.preCurfew ? rc.report : null;
  const confirming = !pre && !!rc.report?.preCurfew;
  const same = !!before && sameReport(before, entries);
  if (same && !confirming) {
    await ctx.toast(
      `${rc.dorm} 的查房已${rc.report!.preCurfew ? '预报' : '上报'}过同样的结果（${rc.report!.by.name}），没有重复记录。${rc.report!.preCurfew ? PRE_CURFEW_RULE : ''}`,
    );
    return false;
  }
  // a return already recorded stays with the person as long as they are still 未归
  const merged: EntryRecord[] = entries.map((e) => {
    const prev = before?.find((p) => p.staffId === e.staffId && p.status === 'absent');
    const keep = e.status === 'absent' && prev?.returnedAt;
    return { ...e, returnedAt: keep ? prev!.returnedAt : null, returnedBy: keep ? prev!.returnedBy : null };
  });
  // lateness is the first 22:00 report's: a correction after the escalation time does not make it late
  const late = pre ? false : standing ? standing.late : isLate(now, rc.date, s.times, tz);
  const action = !rc.report ? (pre ? '预报' : '上报') : confirming ? (same ? '确认' : '上报') : '更正';
  const report = { at: now, by: actor(ctx), late, preCurfew: pre, entries: merged };
  const entry = {
    at: now,
    by: actor(ctx),
    action,
    detail: reportLine(merged),
    late: isLate(now, rc.date, s.times, tz),
    entries: merged,
  };
  // 查找's key to each new 未归, before the report that says so (absence-keys.ts)
  await keyAbsences(rc._id, before, merged);
  const won = await transition(
    RollCall,
    rc._id,
    rc.version,
    { $set: { report }, $push: { history: entry } },
    ctx.sender?.identity ?? '',
  );
  if (!won) {
    await ctx.toast(
      `${rc.dorm} 的查房刚被别人上报或更正，你的这次没有保存。请发送「查房记录 ${rc.dorm}」看看，需要时再更正。`,
    );
    return false;
  }
  const after: RollCallRecord = { ...rc, version: rc.version + 1, report, history: [...rc.history, entry] };
  ctx.log.info({ rollCall: rc._id, action, late, preCurfew: pre }, 'roll call reported');

  // 综合部 hears of the 22:00 facts only: a 预报's 未归 is who is expected out, not yet an absence
  const told = standing?.entries ?? null;
  const fresh = pre ? [] : newAbsences(told, merged);
  if (fresh.length) await tellGeneralAffairs(ctx.services, absenceNotice(rc, fresh, report.by.name, now, late, tz));
  else if (late && !standing) await tellGeneralAffairs(ctx.services, lateReportText(after, tz));
  // 综合部 was alerted about these people: a correction that clears them is theirs to know too
  const cleared = pre ? [] : newAbsences(merged, told ?? []).map((e) => merged.find((m) => m.staffId === e.staffId)!);
  if (cleared.length) await tellGeneralAffairs(ctx.services, clearedNotice(rc, cleared, report.by.name));

  const card = reportedCard(after, s.times, tz);
  const clicked = ctx.action?.messageId;
  await refreshRollCallCards(ctx.services, rc._id, card, clicked);
  const toldNow = fresh.length ? '已通知综合部。' : '';
  const done = pre ? (rc.report ? '已更正预报' : '已预报') : `已${action}`;
  const text = `${done}：${rc.dorm} ${dayLabel(rc.date)}${late ? '（迟报）' : ''}——${reportLine(merged)}。${pre ? PRE_CURFEW_RULE : toldNow}`;
  // a text channel would get the whole card again as a new message: the one line says it all
  if (ctx.event.kind === 'action' && ctx.can.updatesCards) {
    await ctx.updateCard(card);
    await ctx.toast(text);
  } else {
    await ctx.reply(text);
  }
  return true;
}

/** A repeated tap or message with the same answer is not a correction. */
function sameReport(a: readonly Entry[], b: readonly Entry[]): boolean {
  const key = (es: readonly Entry[]) =>
    es
      .map((e) => `${e.staffId}:${e.status}:${e.note}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}

/** 查房 [宿舍] 全到 | 未归 张三 … | 请假 … | 夜班 … */
export async function reportCommand(ctx: BotContext): Promise<void> {
  const picked = await pickDorm(ctx, ctx.args, '查房 全到');
  if (!picked) return;
  const now = ctx.services.now();
  const date = eveningOf(now, ctx.services.config.timezone);
  const window = reportWindow(now, date, settings(ctx.services).times, ctx.services.config.timezone);
  if (!window.ok) {
    await ctx.reply(window.why);
    return;
  }
  const rc = await rollCallFor(ctx.services, date, picked.dorm);
  const parsed = parseReport(picked.rest, rc.residents);
  if (!parsed.ok) {
    const list = rc.residents.map((r, i) => `${i + 1}.${r.name}`).join(' ');
    await ctx.reply(`${parsed.error}\n${rc.dorm} 名单：${list || '无人'}`);
    return;
  }
  await applyReport(ctx, rc, parsed.entries);
}

async function rollCallFromAction(ctx: BotContext): Promise<RollCallRecord | undefined> {
  const rc = await loadRollCall(ctx.action?.value.id ?? '');
  if (!rc) await ctx.toast('找不到这次查房，请发送「查房 全到」或「查房 未归 姓名」上报。');
  return rc ?? undefined;
}

/** Card button 全部已归. */
export async function allPresentFromCard(ctx: BotContext): Promise<void> {
  const rc = await rollCallFromAction(ctx);
  if (!rc) return;
  await applyReport(
    ctx,
    rc,
    rc.residents.map((r) => ({ ...r, status: 'present', note: '' })),
  );
}

/**
 * Residents per page of the form card. Each page lists its residents in three lists to tick, and
 * Lark refuses a card over 30 KB (about 113 residents listed three times): 50 with names of the
 * longest (20 characters) stay well under it, and under the 200 elements of a JSON 2.0 card.
 */
export const REPORT_PAGE_SIZE = 50;

/** Card button 有人未归/请假/夜班: a form card on Lark (in pages for a big dorm), a guided form elsewhere. */
export async function reportFormFromCard(ctx: BotContext): Promise<void> {
  const rc = await rollCallFromAction(ctx);
  if (!rc) return;
  if (!(await isLeaderOf(ctx, rc.dorm))) {
    await ctx.toast(`只有 ${rc.dorm} 的队长可以上报查房。`);
    return;
  }
  if (ctx.can.formCards && rc.residents.length > REPORT_PAGE_SIZE) {
    await ctx.reply(pageCard(rc, 1, {}));
    return;
  }
  await ctx.services.forms.start(ctx, reportForm.name, '', { id: rc._id });
}

const FIELD_WORDS = { absent: '未归', leave: '请假', nightDuty: '夜班' } as const;
type ListKey = keyof typeof FIELD_WORDS;
const LIST_KEYS = Object.keys(FIELD_WORDS) as ListKey[];

/** The context key carrying what earlier pages ticked in a list (list numbers, space separated). */
const earlierKey = (key: ListKey) => `earlier${key[0]!.toUpperCase()}${key.slice(1)}`;

const pageCount = (rc: Pick<RollCallRecord, 'residents'>) =>
  Math.max(1, Math.ceil(rc.residents.length / REPORT_PAGE_SIZE));

/** The page a submitted form card showed (1 when the form was not paged), or undefined when it makes no sense. */
function pageOf(rc: RollCallRecord, context: Record<string, string>): number | undefined {
  if (context.page === undefined) return 1;
  const page = Number(context.page);
  return Number.isInteger(page) && page >= 1 && page <= pageCount(rc) ? page : undefined;
}

/**
 * One page of the form card of a big dorm: that page's residents in the three lists, what earlier
 * pages ticked carried in the submit value (so nothing is stored between pages), 下一页 until the
 * last page, whose 提交 reports the whole dorm as the one-card form does.
 */
function pageCard(rc: RollCallRecord, page: number, earlier: Partial<Record<ListKey, string>>) {
  const options = residentList(rc).slice((page - 1) * REPORT_PAGE_SIZE, page * REPORT_PAGE_SIZE);
  const value: Record<string, string> = { id: rc._id, page: String(page), form: reportForm.name };
  for (const key of LIST_KEYS) if (earlier[key]) value[earlierKey(key)] = earlier[key]!;
  const fields = reportForm.fields.map((f) => ({ key: f.key, label: f.label, placeholder: f.placeholder, options }));
  return reportPageCard(
    rc,
    { page, pages: pageCount(rc), from: options[0]?.value ?? '', to: options.at(-1)?.value ?? '' },
    earlierLine(earlier),
    { action: FORM_SUBMIT_ACTION, value, fields },
  );
}

/** What earlier pages ticked, as a line on the next page (list numbers only, so it stays short). */
function earlierLine(earlier: Partial<Record<ListKey, string>>): string {
  return LIST_KEYS.filter((k) => earlier[k]?.trim())
    .map((k) => `${FIELD_WORDS[k]} ${earlier[k]!.trim().split(/\s+/).join('、')} 号`)
    .join('；');
}

/** The lists of this page together with those of the pages before it. */
function withEarlier(values: Record<string, string>, context: Record<string, string>): Record<string, string> {
  const out = { ...values };
  for (const key of LIST_KEYS) {
    const parts = [context[earlierKey(key)], listed(values[key]) ? values[key] : ''].filter(
      (v): v is string => !!v?.trim(),
    );
    out[key] = parts.join(' ');
  }
  return out;
}

/** A list left empty or answered 无 on a form card. */
const listed = (v: string | undefined): boolean => !!v?.trim() && !isNoneWord(v);

/** The three lists as one answer, in the words parseReport reads; all empty = 全到. */
function answerText(values: Record<string, string>): string {
  const parts = (Object.keys(FIELD_WORDS) as (keyof typeof FIELD_WORDS)[])
    .filter((k) => listed(values[k]))
    .map((k) => `${FIELD_WORDS[k]} ${values[k]}`);
  return parts.length ? parts.join(' ') : '全到';
}

/** The roll call's residents as the card lists them, by their list number. */
function residentList(rc: Pick<RollCallRecord, 'residents'>): FormOption[] {
  return rc.residents.map((r, i) => ({ label: `${i + 1}. ${r.name}`, value: String(i + 1) }));
}

/** The residents the form card offers: all of them, or those of its page. */
async function residentOptions(_ctx: BotContext, context: Record<string, string>): Promise<FormOption[]> {
  const rc = await loadRollCall(context.id ?? '');
  if (!rc) return [];
  const page = pageOf(rc, context) ?? 1;
  return context.page === undefined
    ? residentList(rc)
    : residentList(rc).slice((page - 1) * REPORT_PAGE_SIZE, page * REPORT_PAGE_SIZE);
}

export const reportForm: FormDefinition = {
  name: 'dorms.report',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '查房上报（未归/请假/夜班）',
  allow: ['team_leader'],
  // on a form card each list is ticked from the residents (values are list numbers, which parseReport reads)
  fields: [
    {
      key: 'absent',
      label: '未归',
      placeholder: '勾选未归的人（没有就不选）',
      options: residentOptions,
      prompt: '谁未归？写姓名或名单序号，多人用空格隔开，可加原因如「张三(联系不上)」；没有请回复「无」',
    },
    {
      key: 'leave',
      label: '请假',
      placeholder: '勾选请假的人',
      options: residentOptions,
      prompt: '谁请假？写姓名或序号；没有请回复「无」',
    },
    {
      key: 'nightDuty',
      label: '夜班执勤',
      placeholder: '勾选夜班执勤的人',
      options: residentOptions,
      prompt: '谁夜班执勤？写姓名或序号；没有请回复「无」',
    },
  ],
  // a page of a big dorm's form card is checked with the pages before it, as one answer
  async validate(ctx, pageValues, context) {
    const rc = await loadRollCall(context.id ?? '');
    if (!rc) return { absent: '找不到这次查房，请发送「查房 …」上报。' };
    if (!pageOf(rc, context)) return { absent: '这张表单已失效，请重新点「有人未归/请假/夜班」。' };
    const window = reportWindow(
      ctx.services.now(),
      rc.date,
      settings(ctx.services).times,
      ctx.services.config.timezone,
    );
    if (!window.ok) return { absent: window.why };
    if (!(await isLeaderOf(ctx, rc.dorm))) return { absent: `只有 ${rc.dorm} 的队长可以上报查房。` };
    const values = withEarlier(pageValues, context);
    const errors: Record<string, string> = {};
    for (const key of LIST_KEYS) {
      if (!listed(values[key])) continue;
      const one = parseReport(`${FIELD_WORDS[key]} ${values[key]}`, rc.residents);
      if (!one.ok) errors[key] = one.error;
    }
    if (Object.keys(errors).length) return errors;
    const all = parseReport(answerText(values), rc.residents);
    return all.ok ? {} : { absent: all.error };
  },
  async submit(ctx, pageValues, context) {
    const rc = await loadRollCall(context.id ?? '');
    const page = rc && pageOf(rc, context);
    const values = withEarlier(pageValues, context);
    if (rc && page && page < pageCount(rc)) {
      await ctx.reply(pageCard(rc, page + 1, Object.fromEntries(LIST_KEYS.map((k) => [k, values[k] ?? '']))));
      return;
    }
    const parsed = rc && parseReport(answerText(values), rc.residents);
    if (!rc || !parsed?.ok) {
      await ctx.toast('没有保存，请重新发送「查房 …」上报。');
      return;
    }
    await applyReport(ctx, rc, parsed.entries);
  },
};
