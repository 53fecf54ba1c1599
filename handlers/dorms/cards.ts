import { DateTime } from 'luxon';
import { formatFen } from '../../src/core/money.ts';
import { nameKey } from '../../src/core/text.ts';
import type { Card, CardButton } from '../../src/core/types.ts';
import type { Summary } from './figures-rules.ts';
import type { RentRecord, RollCallRecord } from './models.ts';
import { rentSummary } from './rent-confirm.ts';
import { accountFor, amountChange, awaitsPayeeConfirmation } from './rent-rules.ts';
import {
  CLAUSE,
  CURFEW,
  type EveningTimes,
  formatClock,
  notBack,
  reportLine,
  STATUS_LABELS,
  sinceNoon,
} from './rules.ts';

/*
 * What staff read about dorms: the roll-call card (Lark shows buttons and a form; WeChat and the
 * console show it as text with numbered buttons and the short commands), the texts 综合部 gets, and a
 * rent report (§3.3.4) as its card.
 */

/** 2026-11-27 → 11月27日 */
export function dayLabel(date: string): string {
  const d = DateTime.fromISO(date);
  return `${d.month}月${d.day}日`;
}

export function timeLabel(at: Date | null | undefined, tz: string): string {
  return at ? DateTime.fromJSDate(new Date(at), { zone: tz }).toFormat('HH:mm') : '';
}

export const REPORT_HINT =
  '也可回复：查房 全到 ／ 查房 未归 张三 李四 ／ 查房 请假 王五 ／ 查房 夜班 赵六（名字可换成序号）';

export function rollCallButtons(rc: Pick<RollCallRecord, '_id'>): CardButton[] {
  return [
    { label: '全部已归', action: 'dorms.allPresent', value: { id: rc._id }, style: 'primary' },
    { label: '有人未归/请假/夜班', action: 'dorms.reportForm', value: { id: rc._id } },
  ];
}

/** §3.3.3 counts who is in at 22:00: what a leader is told whenever a report could come before it. */
export const PRE_CURFEW_RULE = `查房以 ${formatClock(CURFEW)} 为准：${formatClock(CURFEW)} 前报的是预报，${formatClock(CURFEW)} 后要再点「全部已归」或发送「查房 …」确认一次，才算上报。`;

/** The evening's roll call to a dorm's leader: the residents by number and how to answer. */
export function rollCallCard(rc: Pick<RollCallRecord, '_id' | 'date' | 'dorm' | 'residents'>, t: EveningTimes): Card {
  return {
    title: `查房：${rc.dorm} ${dayLabel(rc.date)}`,
    color: 'blue',
    lines: [
      `请查房并在 ${formatClock(t.chase)} 前上报（${CLAUSE.curfew}：员工 22:00 之前归宿）。`,
      ...(sinceNoon(t.rollCall) < sinceNoon(CURFEW) ? [PRE_CURFEW_RULE] : []),
      ...rc.residents.map((r, i) => `${i + 1}. ${r.name}`),
    ],
    buttons: rollCallButtons(rc),
    note: REPORT_HINT,
  };
}

/**
 * One page of a big dorm's 未归/请假/夜班 form card: which residents this page lists, what earlier
 * pages ticked, and that only the last page's 提交 reports.
 */
export function reportPageCard(
  rc: Pick<RollCallRecord, 'dorm' | 'date' | 'residents'>,
  at: { page: number; pages: number; from: string; to: string },
  earlier: string,
  form: NonNullable<Card['form']>,
): Card {
  const last = at.page === at.pages;
  return {
    title: `查房上报：${rc.dorm} ${dayLabel(rc.date)}（第 ${at.page}/${at.pages} 页）`,
    color: 'blue',
    lines: [
      `本宿舍 ${rc.residents.length} 人，分 ${at.pages} 页勾选，这一页是 ${at.from}–${at.to} 号；没有就不选。`,
      last ? '勾好后点「提交」上报，没勾的人都算已归。' : '勾好后点「下一页」；到最后一页点「提交」才上报。',
      ...(earlier ? [`前几页已勾：${earlier}`] : []),
    ],
    form: { ...form, submitLabel: last ? '提交' : '下一页' },
  };
}

/** The roll-call card once answered: the result, who reported when, and until when it may be corrected. */
export function reportedCard(rc: RollCallRecord, t: EveningTimes, tz: string): Card {
  const r = rc.report!;
  const absent = notBack(r.entries);
  const pre = !!r.preCurfew;
  return {
    title: pre
      ? `查房预报：${rc.dorm} ${dayLabel(rc.date)}（${formatClock(CURFEW)} 后请确认）`
      : `查房已上报：${rc.dorm} ${dayLabel(rc.date)}${r.late ? '（迟报）' : ''}`,
    color: pre ? 'blue' : absent.some((e) => e.status === 'absent') ? 'orange' : 'green',
    lines: [
      reportLine(r.entries),
      ...rc.residents.map((p, i) => {
        const e = r.entries.find((x) => x.staffId === p.staffId);
        const back = e?.returnedAt ? `，${timeLabel(e.returnedAt, tz)} 归宿` : '';
        return `${i + 1}. ${p.name}：${STATUS_LABELS[e?.status ?? 'present']}${e?.note ? `（${e.note}）` : ''}${back}`;
      }),
      `${r.by.name} ${timeLabel(r.at, tz)} ${pre ? '预报' : '上报'}${rc.history.filter((h) => h.action === '更正').length ? '（已更正）' : ''}`,
    ],
    buttons: rollCallButtons(rc),
    note: pre
      ? PRE_CURFEW_RULE
      : `${formatClock(t.cutoff)} 前可更正：点按钮或重新发送「查房 …」。未归人员回来后发送「归宿 姓名 23:10」。`,
  };
}

/** To 综合部 the moment 未归 are reported (§3.3.3: a guard not back is escalated). */
export function absenceNotice(
  rc: Pick<RollCallRecord, 'dorm' | 'date'>,
  entries: { name: string; note: string }[],
  by: string,
  at: Date,
  late: boolean,
  tz: string,
): string {
  const who = entries.map((e) => `${e.name}${e.note ? `（${e.note}）` : ''}`).join('、');
  return `⚠️ 未归：${rc.dorm} ${dayLabel(rc.date)} ${who}。队长 ${by} ${timeLabel(at, tz)} 上报${late ? '（迟报）' : ''}。回来后由队长发送「归宿 姓名 时间」登记。`;
}

/** A correction takes back a 未归 综合部 was told about. */
export function clearedNotice(
  rc: Pick<RollCallRecord, 'dorm' | 'date'>,
  entries: { name: string; status: keyof typeof STATUS_LABELS }[],
  by: string,
): string {
  return `更正：${rc.dorm} ${dayLabel(rc.date)} ${entries.map((e) => `${e.name} 改为${STATUS_LABELS[e.status]}`).join('、')}（队长 ${by} 更正，不再算未归）。`;
}

export function chaseText(rc: Pick<RollCallRecord, 'dorm' | 'date'>, t: EveningTimes): string {
  return `⏰ ${rc.dorm} ${dayLabel(rc.date)} 的查房还没有上报，请尽快查房并上报（${formatClock(t.escalate)} 仍未上报将报综合部）。发送「查房 全到」或「查房 未归 姓名」。`;
}

/** The chase to a leader whose only report is a 预报 made before 22:00. */
export function confirmChaseText(
  rc: Pick<RollCallRecord, 'dorm' | 'date' | 'report'>,
  t: EveningTimes,
  tz: string,
): string {
  return `⏰ ${rc.dorm} ${dayLabel(rc.date)} 只有 ${timeLabel(rc.report?.at, tz)} 的预报，还没有确认 ${formatClock(CURFEW)} 的查房（${CLAUSE.curfew}）。请查房后点「全部已归」或发送「查房 …」确认（${formatClock(t.escalate)} 仍未确认将报综合部）。`;
}

/** What 综合部 reads at the escalation time about one evening (§3.3.3: who is in at 22:00, and who is not and why). */
export interface EveningDigest {
  /** Asked and never reported. */
  open: { dorm: string; leaders: string[] }[];
  /** Only a 预报 before 22:00, never confirmed. */
  unconfirmed: { dorm: string; by: string; at: Date; line: string }[];
  /** Everyone not 已归 in the evening's reports, by status. */
  out: {
    dorm: string;
    name: string;
    status: 'absent' | 'leave' | 'night_duty';
    note: string;
    returnedAt?: Date | null;
  }[];
}

export function eveningDigestText(date: string, d: EveningDigest, tz: string): string {
  const lines = [`📋 ${dayLabel(date)} 晚查房汇总（${CLAUSE.curfew}，${formatClock(CURFEW)} 归宿）：`];
  if (d.open.length) {
    lines.push(
      `⚠️ 查房未上报的宿舍 ${d.open.length} 个（已提醒过队长）：`,
      ...d.open.map((o) => `• ${o.dorm}（队长：${o.leaders.join('、') || '无'}）`),
    );
  }
  if (d.unconfirmed.length) {
    lines.push(
      `⚠️ 只有 ${formatClock(CURFEW)} 前的预报、没有确认 ${formatClock(CURFEW)} 查房的宿舍 ${d.unconfirmed.length} 个（已提醒过队长）：`,
      ...d.unconfirmed.map((u) => `• ${u.dorm}（${u.by} ${timeLabel(u.at, tz)} 预报：${u.line}）`),
    );
  }
  for (const status of ['absent', 'leave', 'night_duty'] as const) {
    const people = d.out.filter((o) => o.status === status);
    if (!people.length) continue;
    const who = people.map(
      (p) =>
        `${p.name}（${p.dorm}${p.note ? `，${p.note}` : ''}${p.returnedAt ? `，${timeLabel(p.returnedAt, tz)} 已归宿` : ''}）`,
    );
    lines.push(`【${STATUS_LABELS[status]} ${people.length} 人】${who.join('、')}`);
  }
  if (d.open.length || d.unconfirmed.length) lines.push('请联系队长核实。迟到的上报仍会记录并标为迟报。');
  return lines.join('\n');
}

export function noLeaderText(
  date: string,
  dorms: { dorm: string; residents: number; why: 'no_leader' | 'leader_unreachable' }[],
): string {
  return [
    `⚠️ ${dayLabel(date)} 以下宿舍有人住但没有能收到查房的队长，今晚无法查房：`,
    ...dorms.map(
      (d) => `• ${d.dorm}（${d.residents} 人）：${d.why === 'no_leader' ? '未指定队长' : '队长未绑定或已停用'}`,
    ),
    '请发送「设置宿舍队长 宿舍名 姓名」指定队长，或让队长先绑定。',
  ].join('\n');
}

export function lateReportText(rc: RollCallRecord, tz: string): string {
  return `${rc.dorm} ${dayLabel(rc.date)} 的查房已补报（迟报，${rc.report!.by.name} ${timeLabel(rc.report!.at, tz)}）：${reportLine(rc.report!.entries)}`;
}

/** How many people without a dorm the weekly summary names (the rest are counted). */
const LISTED_WITHOUT_DORM = 30;

export function summaryText(
  range: { from: string; to: string },
  s: Summary,
  ranking: string[] = [],
  withoutDorm: string[] = [],
): string {
  const lines = [`📋 宿舍查房周报 ${dayLabel(range.from)}–${dayLabel(range.to)}（${CLAUSE.curfew}）`];
  lines.push('【按时上报率】');
  if (!s.dorms.length) lines.push('本周没有查房记录。');
  for (const d of s.dorms) {
    lines.push(
      `• ${d.dorm}：${d.onTimeRate ?? 0}%（按时 ${d.onTime}，迟报 ${d.late}，未报 ${d.missing}，共 ${d.asked} 晚）`,
    );
  }
  lines.push('【未归人次】');
  const absent = s.people.filter((p) => p.absences > 0);
  if (!absent.length) lines.push('无');
  for (const p of absent) lines.push(`• ${p.name}（${p.dorm}）：未归 ${p.absences} 次，其中晚归 ${p.lateReturns} 次`);
  if (s.repeat.length) lines.push(`【多次未归】${s.repeat.map((p) => `${p.name}（${p.absences} 次）`).join('、')}`);
  if (s.neverReported.length) lines.push(`【整周未上报】${s.neverReported.join('、')}`);
  if (ranking.length) lines.push('【卫生评比】', ...ranking);
  if (withoutDorm.length) {
    const shown = withoutDorm.slice(0, LISTED_WITHOUT_DORM).join('、');
    const more = withoutDorm.length > LISTED_WITHOUT_DORM ? ` 等 ${withoutDorm.length} 人` : '';
    lines.push(
      `【没有登记宿舍的队员、队长 ${withoutDorm.length} 人】${shown}${more}`,
      '他们不在任何宿舍的查房名单上。住宿舍的请发送「设置宿舍 姓名 宿舍名」登记；不住宿舍的可不理会。',
    );
  }
  return lines.join('\n');
}

// ── §3.3.4 房租申报 ──

/** Old → new of a changed payee, the accounts as `accountFor` shows them to this viewer. */
function payeeLines(r: RentRecord, fullAccount: boolean): string[] {
  if (!r.payeeChange) return [];
  const then = r.payeeConfirmed ? `综合部 ${r.payeeConfirmed.by.name} 已确认。` : '付款前要综合部确认。';
  if (r.payeeChange === 'new' || !r.lastPayee)
    return [`⚠️ 新收款人：本宿舍还没有已付款或已确认的房租申报可以核对，${then}`];
  const last = r.lastPayee;
  const parts = [
    ...(nameKey(last.landlord) !== nameKey(r.landlord) ? [`房东 ${last.landlord} → ${r.landlord}`] : []),
    ...(last.account !== r.account
      ? [`账号 ${accountFor(last.account, fullAccount)} → ${accountFor(r.account, fullAccount)}`]
      : []),
  ];
  return [`⚠️ 收款人与 ${last.period} 已核对的申报不同：${parts.join('；')}。${then}`];
}

function rentStatus(r: RentRecord): string {
  if (r.paid) return `已付款：${r.paid.date} ${r.paid.method}（${r.paid.by.name}）`;
  if (awaitsPayeeConfirmation(r)) return '状态：待综合部确认收款人（确认前不能付款）';
  return `状态：待付款${r.payeeConfirmed ? `（收款人已由 ${r.payeeConfirmed.by.name} 确认）` : ''}`;
}

/**
 * One report as a card. `withPayButton` (财务部) shows 已付款 once the payee is accepted;
 * `withConfirmButton` (综合部) shows 确认收款人 while a new or changed payee waits.
 */
export function rentCard(r: RentRecord, fullAccount: boolean, withPayButton: boolean, withConfirmButton = false): Card {
  const change = amountChange(r.previousFen, r.amountFen);
  const waiting = awaitsPayeeConfirmation(r);
  const pay = withPayButton && !r.paid && !waiting;
  const confirm = withConfirmButton && waiting;
  return {
    title: `房租申报：${r.dorm} ${r.period}`,
    color: r.paid ? 'green' : waiting ? 'red' : change.changed ? 'orange' : 'blue',
    lines: [
      `金额：${formatFen(r.amountFen)}${change.changed ? `（⚠️ 与上月 ${formatFen(r.previousFen!)} 不同，${change.deltaFen > 0 ? '多' : '少'} ${formatFen(Math.abs(change.deltaFen))}）` : ''}`,
      `房东：${r.landlord}`,
      `开户行：${r.bank}`,
      `账号：${accountFor(r.account, fullAccount)}`,
      ...payeeLines(r, fullAccount),
      ...(r.note ? [`备注：${r.note}`] : []),
      `申报：${r.reportedBy.name}`,
      rentStatus(r),
    ],
    buttons: pay
      ? [
          {
            label: '已付款',
            action: 'dorms.rentPaid',
            value: { id: r._id },
            style: 'primary',
            confirm: `${rentSummary(r)}，登记为今天银行转账已付。`,
          },
        ]
      : confirm
        ? [
            {
              label: '确认收款人',
              action: 'dorms.rentConfirm',
              value: { id: r._id },
              style: 'primary',
              confirm: `${rentSummary(r)}（${r.bank}），确认后财务部就可以付款。`,
            },
          ]
        : undefined,
    note: pay
      ? `付款后点「已付款」或发送「房租已付 ${r.dorm} ${r.period} 银行转账」。`
      : confirm
        ? `请先向房东核实收款人和账号，再点「确认收款人」或发送「房租确认 ${r.dorm} ${r.period}」。确认后财务部才能付款。`
        : withPayButton && waiting
          ? '综合部确认收款人后会再发给你，那时才能付款。'
          : undefined,
  };
}
