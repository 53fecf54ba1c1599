import { DateTime } from 'luxon';
import type { Services, StaffContext } from '../../src/core/context.ts';
import { parsePeriod } from '../../src/core/dates.ts';
import { formatFen } from '../../src/core/money.ts';
import { notify, recipientsWithRole } from '../../src/core/notify.ts';
import { echo } from '../../src/core/text.ts';
import type { Card, Role } from '../../src/core/types.ts';
import { fmt } from './common.ts';
import {
  CATEGORIES,
  COMPLAINT_STATUSES,
  type ComplaintRecord,
  type ComplaintRow,
  complaintRows,
  complaintRowsWhere,
} from './models.ts';
import { CATEGORY_SHORT, STATUS_LABELS, UNRESOLVED } from './rules.ts';

/*
 * §4.3 「为及时了解客户反映的异常内容及处理情况，由客服部和人防部或有关人员将调查处理的情况及时
 * 提出报告，上报公司」: the company's report of a period — the cases accepted, by category and where
 * each stands now, what closed, the fees clients deducted, and by number every case past its time
 * limit (§3.1.3), not yet told to the client (§4.2) or waiting for the chairman (§4.4). 投诉报告 shows
 * it (上报 also sends it to 行政部 and 董事长); schedules/complaints.ts delivers it weekly.
 */

/** §4.3 who reports (客服部, 人防部) and who the company is (行政部, 董事长). */
export const REPORTERS: Role[] = ['customer_service', 'guard_ops', 'admin', 'chairman'];
/** The company the report goes up to. */
export const REPORT_TO: Role[] = ['admin', 'chairman'];

export interface Period {
  from: Date;
  to: Date;
  /** 2026-11-23 至 2026-11-29 */
  label: string;
}

const LIST_LIMIT = 20;

function periodOf(from: DateTime, to: DateTime): Period {
  const last = to.minus({ days: 1 });
  const label = from.hasSame(last, 'day') ? from.toISODate()! : `${from.toISODate()} 至 ${last.toISODate()}`;
  return { from: from.toJSDate(), to: to.toJSDate(), label };
}

/** The week of `day` (Monday to Sunday) in `tz`. */
export function weekOf(day: DateTime): Period {
  const monday = day.startOf('day').minus({ days: day.weekday - 1 });
  return periodOf(monday, monday.plus({ weeks: 1 }));
}

/** The seven days before `day` (the weekly report's period: Monday's report covers Monday to Sunday before). */
export function weekBefore(day: Date, tz: string): Period {
  const end = DateTime.fromJSDate(day, { zone: tz }).startOf('day');
  return periodOf(end.minus({ days: 7 }), end);
}

/** 投诉报告's period as typed: nothing or 本周, 上周, 本月, 上月, a month, a day or a range. */
export function parseReportPeriod(text: string, now: Date, tz: string): Period | { error: string } {
  const t = text.replace(/\s*(~|～|至|到)\s*/g, '~').trim();
  const today = DateTime.fromJSDate(now, { zone: tz });
  if (!t || t === '本周' || t === '这周') return weekOf(today);
  if (t === '上周') return weekOf(today.minus({ weeks: 1 }));
  if (t === '本月' || t === '上月') {
    const start = (t === '本月' ? today : today.minus({ months: 1 })).startOf('month');
    return periodOf(start, start.plus({ months: 1 }));
  }
  const r = parsePeriod(t, now, tz);
  if (!r || r === 'bad')
    return { error: `期间「${echo(t)}」看不懂，请写 本周、上周、本月、上月、2026-11 或 2026-11-01~2026-11-15。` };
  return periodOf(DateTime.fromJSDate(r.from, { zone: tz }), DateTime.fromJSDate(r.to, { zone: tz }));
}

/** A case accepted in the period, as the counts and the chart need it (read from its row). */
export type AcceptedCase = Pick<ComplaintRow, 'category' | 'status' | 'fen'>;

/** What the report is made of, read from the records; `now` decides what is overdue or untold. */
export interface ReportData {
  period: Period;
  accepted: AcceptedCase[];
  closed: number;
  overdue: ComplaintRecord[];
  untold: ComplaintRecord[];
  /** §4.4 decisions promising money, waiting for the chairman. */
  awaitingChairman: ComplaintRecord[];
}

/**
 * One read of the complaints' rows (models.ts complaintRows; `$or` of the five parts' filters),
 * split here: the counts come from the rows, and only the cases each list names (at most
 * LIST_LIMIT + 1 of each) are read whole, by `_id`, and checked against their part's filter again.
 * On FerretDB 1.24 any other filter on the complaints themselves decodes all of them (41 MB, ~4 s
 * of its CPU for the year's 5,000 cases, npm run bench:reports); their rows are ~2 MB.
 */
export async function readReport(period: Period, now: Date): Promise<ReportData> {
  const inPeriod = { $gte: period.from, $lt: period.to };
  const parts = {
    overdue: { overdueAt: { $ne: null }, status: { $in: [...UNRESOLVED] } },
    untold: { clientToldAt: null, status: { $ne: 'closed' }, ackDueAt: { $lte: now } },
    awaitingChairman: { 'approval.status': 'pending' },
  };
  const rows = await complaintRowsWhere({
    $or: [{ acceptedAt: inPeriod }, { closedAt: inPeriod }, parts.overdue, parts.untold, parts.awaitingChairman],
  });
  const within = (d: Date | null | undefined) => !!d && d >= period.from && d < period.to;
  // the first LIST_LIMIT + 1 by `key` (then number), read whole: the card names LIST_LIMIT and says 前 N when there are more
  const first = async (
    part: keyof typeof parts,
    list: ComplaintRow[],
    key: (c: ComplaintRow) => Date,
  ): Promise<ComplaintRecord[]> => {
    const ids = list
      .sort((a, b) => key(a).getTime() - key(b).getTime() || a._id.localeCompare(b._id))
      .slice(0, LIST_LIMIT + 1)
      .map((c) => c._id);
    const out: ComplaintRecord[] = [];
    for await (const c of complaintRows.recordsOf(ids, parts[part])) out.push(c);
    return out;
  };
  return {
    period,
    accepted: rows
      .filter((c) => within(c.acceptedAt))
      .map((c) => ({ category: c.category, status: c.status, fen: c.fen })),
    closed: rows.filter((c) => within(c.closedAt)).length,
    overdue: await first(
      'overdue',
      rows.filter((c) => c.overdueAt != null && UNRESOLVED.includes(c.status)),
      (c) => c.dueAt,
    ),
    untold: await first(
      'untold',
      rows.filter((c) => c.clientToldAt == null && c.status !== 'closed' && !!c.ackDueAt && c.ackDueAt <= now),
      (c) => c.ackDueAt!,
    ),
    awaitingChairman: await first(
      'awaitingChairman',
      rows.filter((c) => c.approval?.status === 'pending'),
      (c) => c.acceptedAt,
    ),
  };
}

/** Counts in a fixed order, only the non-zero ones: 一般性 3｜扣服务费 1 */
function counts<K extends string>(keys: readonly K[], of: (k: K) => number, label: (k: K) => string): string {
  return (
    keys
      .filter((k) => of(k) > 0)
      .map((k) => `${label(k)} ${of(k)}`)
      .join('｜') || '无'
  );
}

/** The report as a card: counts first, then each case that needs someone, by number. */
export function reportCard(services: Pick<Services, 'config'>, d: ReportData): Card {
  const a = d.accepted;
  const fen = a.reduce((sum, c) => sum + (c.fen ?? 0), 0);
  const list = (title: string, cases: ComplaintRecord[], line: (c: ComplaintRecord) => string) =>
    cases.length
      ? [
          `${title}${cases.length > LIST_LIMIT ? `（前 ${LIST_LIMIT} 件）` : ` ${cases.length} 件`}`,
          ...cases.slice(0, LIST_LIMIT).map(line),
        ]
      : [];
  const caseLine = (c: ComplaintRecord) =>
    `• ${c._id} ${c.clientName}｜${CATEGORY_SHORT[c.category]}｜${STATUS_LABELS[c.status]}`;
  const lines = [
    `期间：${d.period.label}（按受理日期）`,
    `本期受理 ${a.length} 件：${counts(
      CATEGORIES,
      (k) => a.filter((c) => c.category === k).length,
      (k) => CATEGORY_SHORT[k],
    )}`,
    `现状：${counts(
      COMPLAINT_STATUSES,
      (k) => a.filter((c) => c.status === k).length,
      (k) => STATUS_LABELS[k],
    )}`,
    `本期结案 ${d.closed} 件${fen ? `；本期受理的投诉中客户扣服务费合计 ${formatFen(fen)}` : ''}`,
    ...list('【逾期未解决（§3.1.3）】', d.overdue, (c) => `${caseLine(c)}｜时限 ${fmt(services, c.dueAt)}`),
    ...list(
      '【未告知客户受理（§4.2）】',
      d.untold,
      (c) => `${caseLine(c)}｜登记 ${fmt(services, c.registeredAt ?? c.acceptedAt)}`,
    ),
    ...list(
      '【处理涉及金额，待董事长核准（§4.4）】',
      d.awaitingChairman,
      (c) => `${caseLine(c)}｜${c.approval?.what ?? ''}`,
    ),
  ];
  const clear = !d.overdue.length && !d.untold.length && !d.awaitingChairman.length;
  return {
    title: `客户投诉报告（§4.3）${d.period.label}`,
    color: clear ? 'blue' : 'orange',
    lines,
    note: `${clear ? '目前没有逾期、未告知或待核准的投诉。' : ''}发送「投诉 编号」查看一件，「投诉列表 逾期」列出全部逾期。`,
  };
}

/** 投诉报告 [期间] [上报]: the report now; 上报 also sends it to 行政部 and 董事长 (§4.3 上报公司). */
export async function complaintReport(ctx: StaffContext): Promise<void> {
  const words = ctx.args.trim().split(/\s+/).filter(Boolean);
  const send = words.includes('上报');
  const period = parseReportPeriod(
    words.filter((w) => w !== '上报').join(' '),
    ctx.services.now(),
    ctx.services.config.timezone,
  );
  if ('error' in period) {
    await ctx.reply(`${period.error}例如：投诉报告 上周`);
    return;
  }
  const card = reportCard(ctx.services, await readReport(period, ctx.services.now()));
  await ctx.reply(card);
  if (!send) return;
  const to = await recipientsWithRole(ctx.services, REPORT_TO, ctx.sender.staffId ? [ctx.sender.staffId] : []);
  if (!to.length) {
    await ctx.reply('没有找到已绑定的行政部或董事长，报告没有上报。');
    return;
  }
  await notify(ctx.services, to, { ...card, title: `${card.title}（${ctx.sender.name} 上报）` });
  ctx.log.info({ period: period.label, to: to.length }, 'complaint report sent');
  await ctx.reply(`已上报行政部和董事长（${to.length} 人）。`);
}
