import { DateTime } from 'luxon';
import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import { echo } from '../../src/core/text.ts';

/*
 * 宿舍管理 (rulebook §3.3) as pure functions: the evening's timetable in BOT_TIMEZONE, who is asked,
 * how a leader's answer is read, when a report is late or may still be corrected, and the weekly
 * figures. Nothing here touches the database or a channel, so each clause is tested on its own.
 */

export const CLAUSE = {
  hygieneStandard: '§3.3.1',
  hygieneEvaluation: '§3.3.2',
  curfew: '§3.3.3',
  rent: '§3.3.4',
} as const;

/**
 * §3.3.3 要求员工22:00之前归宿: the roll call states who is in at 22:00. It is the rulebook's time,
 * not a setting: the roll-call card may go out earlier (DORM_ROLLCALL_TIME), but a report made
 * before 22:00 only says who is expected in (预报) and must be confirmed at or after 22:00.
 */
export const CURFEW = 22 * 60;

// ── the evening's timetable (§3.3.3) ─────────────────────────────────────────

/** Times of one evening, as minutes of the local day (21:45 → 1305). */
export interface EveningTimes {
  rollCall: number;
  chase: number;
  escalate: number;
  /** Last moment a leader may correct that evening's report (usually the next morning). */
  cutoff: number;
}

/** "21:45" / "9:05" / "24:00" → minutes of the day; undefined for anything else. */
export function parseClock(text: string): number | undefined {
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return undefined;
  return h * 60 + min;
}

export function formatClock(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * An evening runs from noon to the next noon: a clock time before 12:00 belongs to the morning
 * after (a 08:00 cut-off, a 00:30 return). Minutes after that noon order the evening's times.
 */
export function sinceNoon(minutes: number): number {
  return (((minutes - 720) % 1440) + 1440) % 1440;
}

/** Why these times cannot make one evening, or undefined when they can. */
export function eveningOrderProblem(t: EveningTimes): string | undefined {
  if (sinceNoon(t.rollCall) >= 12 * 60) return 'the roll call must be between 12:00 and 23:59';
  if (!(sinceNoon(t.rollCall) < sinceNoon(t.chase))) return 'the chase time must come after the roll call';
  if (!(sinceNoon(t.chase) < sinceNoon(t.escalate))) return 'the escalation time must come after the chase time';
  // the escalation lists dorms without a report of 22:00: it cannot come before a leader could make one
  if (!(sinceNoon(CURFEW) < sinceNoon(t.escalate)))
    return `the escalation time must come after ${formatClock(CURFEW)} (§3.3.3 curfew)`;
  if (!(sinceNoon(t.escalate) <= sinceNoon(t.cutoff)))
    return 'the correction cut-off must not come before the escalation time (at the latest 11:59 the next morning)';
  return undefined;
}

/** The evening a moment belongs to, as its date (yyyy-MM-dd): the local date of `at` minus 12 hours. */
export function eveningOf(at: Date, tz: string): string {
  return DateTime.fromJSDate(at, { zone: tz }).minus({ hours: 12 }).toISODate()!;
}

/** The moment of clock time `minutes` within evening `date` (before noon = the next day). */
export function eveningAt(date: string, minutes: number, tz: string): Date {
  const noon = DateTime.fromISO(date, { zone: tz }).set({ hour: 12 });
  return noon.plus({ minutes: sinceNoon(minutes) }).toJSDate();
}

export type Phase = 'before' | 'asking' | 'chasing' | 'escalated' | 'closed';

/**
 * Where evening `date` stands at `now`: before the roll call, asking (roll call sent, no chase
 * yet), chasing (reminders due), escalated (综合部 told; reports are late), closed (past the
 * cut-off: nothing is sent or changed any more).
 */
export function phaseAt(now: Date, date: string, t: EveningTimes, tz: string): Phase {
  const at = (m: number) => eveningAt(date, m, tz).getTime();
  const n = now.getTime();
  if (n < at(t.rollCall)) return 'before';
  if (n < at(t.chase)) return 'asking';
  if (n < at(t.escalate)) return 'chasing';
  if (n <= at(t.cutoff)) return 'escalated';
  return 'closed';
}

/** Catch-up rule: the roll call goes out only while the evening's escalation time has not passed. */
export function mayStillAsk(now: Date, date: string, t: EveningTimes, tz: string): boolean {
  const p = phaseAt(now, date, t, tz);
  return p === 'asking' || p === 'chasing';
}

/** A report made after the escalation time is accepted and marked late (综合部 was already told). */
export function isLate(reportedAt: Date, date: string, t: EveningTimes, tz: string): boolean {
  return reportedAt.getTime() >= eveningAt(date, t.escalate, tz).getTime();
}

/** The moment of 22:00 (§3.3.3) on evening `date`. */
export function curfewAt(date: string, tz: string): Date {
  return eveningAt(date, CURFEW, tz);
}

/**
 * A report made before 22:00 is a 预报: who the leader expects in. It is kept and shown, but it is
 * not the roll call of §3.3.3 until the leader confirms it (or corrects it) at or after 22:00.
 */
export function isPreCurfew(at: Date, date: string, tz: string): boolean {
  return at.getTime() < curfewAt(date, tz).getTime();
}

/** Whether a leader may (still) report or correct evening `date` at `now`; the refusal says why. */
export function reportWindow(now: Date, date: string, t: EveningTimes, tz: string): Verdict {
  const p = phaseAt(now, date, t, tz);
  if (p === 'before') return denied(`今晚的查房 ${formatClock(t.rollCall)} 开始，请到时再报。`);
  if (p === 'closed')
    return denied(`${date} 晚的查房已过更正截止时间（${formatClock(t.cutoff)}），不能再修改。如有出入请联系综合部。`);
  return allowed;
}

// ── dorm names as typed ──────────────────────────────────────────────────────

/**
 * Whether a word that is no dorm's name was meant as one: it says 宿舍/公寓/寝室, or it ends the way
 * a known dorm's name ends (城东宿舍 beside 城南宿舍, 幸福里5栋 beside 幸福里3栋). Such a word is answered as a
 * dorm that does not exist, never read as a resident's name or applied to the sender's own dorm.
 */
export function looksLikeDormName(word: string, known: readonly string[]): boolean {
  if (/宿舍|公寓|寝室/.test(word)) return true;
  // the last two characters, any digit alike
  const ending = (name: string) =>
    Array.from(name)
      .slice(-2)
      .map((c) => (/\d/.test(c) ? '0' : c))
      .join('');
  return Array.from(word).length > 2 && known.some((k) => Array.from(k).length > 2 && ending(k) === ending(word));
}

/** The `max` known dorm names sharing most characters with `word`, in the order given otherwise. */
export function nearestDormNames(word: string, known: readonly string[], max: number): string[] {
  const chars = new Set(Array.from(word));
  const shared = (k: string) => new Set(Array.from(k).filter((c) => chars.has(c))).size;
  return known
    .map((k, i) => ({ k, i, n: shared(k) }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, max)
    .map((x) => x.k);
}

// ── who is asked ─────────────────────────────────────────────────────────────

export interface DormRoster {
  name: string;
  residents: { staffId: string; name: string }[];
  leaders: { staffId: string; name: string }[];
  /** Leaders that have a chat identity the bot can reach. */
  reachableLeaders: number;
}

export type DormDuty = 'ask' | 'no_leader' | 'leader_unreachable' | 'empty';

/** §3.3.3: a dorm with residents is asked through its leader(s); one without a reachable leader is reported instead. */
export function rollCallDuty(d: DormRoster): DormDuty {
  if (!d.residents.length) return 'empty';
  if (!d.leaders.length) return 'no_leader';
  if (!d.reachableLeaders) return 'leader_unreachable';
  return 'ask';
}

// ── a leader's answer ────────────────────────────────────────────────────────

export const STATUSES = ['present', 'absent', 'leave', 'night_duty'] as const;
export type Status = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<Status, string> = {
  present: '已归',
  absent: '未归',
  leave: '请假',
  night_duty: '夜班执勤',
};

/** Only 未归 is an absence; night duty and leave are recorded as such (§3.3.3). */
export const countsAsAbsence = (s: Status): boolean => s === 'absent';

const ALL_PRESENT_WORDS = new Set(['全到', '全部已归', '全部到齐', '都到了', '全到了', '已全到', '全部归宿', '齐']);
const STATUS_WORDS: Record<string, Status> = {
  未归: 'absent',
  没回: 'absent',
  没回来: 'absent',
  未到: 'absent',
  请假: 'leave',
  休假: 'leave',
  夜班: 'night_duty',
  夜班执勤: 'night_duty',
  执勤: 'night_duty',
  值班: 'night_duty',
  已归: 'present',
  到: 'present',
};

export interface Resident {
  staffId: string;
  name: string;
}

export interface Entry {
  staffId: string;
  name: string;
  status: Status;
  note: string;
}

export type ParsedReport = { ok: true; entries: Entry[] } | { ok: false; error: string };

/**
 * Reads `全到`, `未归 张三 李四`, `请假 王五 夜班 赵六`, `未归 2(联系不上)` against the dorm's
 * residents (numbers are positions in the roll-call list). Everyone not named is 已归. The whole
 * answer is refused on the first problem, so a typo never records half a report.
 */
/** The longest reason after a name (张三(联系不上)): it is shown on cards and told to 综合部. */
export const REPORT_NOTE_MAX = 30;
/** How many residents an error about a name lists. */
const LISTED_RESIDENTS = 10;

export function parseReport(text: string, residents: readonly Resident[]): ParsedReport {
  const tokens = text
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .split(/[\s、,，;；]+/)
    .filter(Boolean);
  const hint = '例如：查房 全到 ／ 查房 未归 张三 李四 ／ 查房 请假 王五 夜班 赵六';
  if (!tokens.length) return { ok: false, error: `请写明查房结果，${hint}` };
  const marked = new Map<string, Entry>();
  if (tokens.length === 1 && ALL_PRESENT_WORDS.has(tokens[0]!))
    return { ok: true, entries: residents.map((r) => ({ ...r, status: 'present', note: '' })) };
  let current: Status | undefined;
  for (const token of tokens) {
    if (ALL_PRESENT_WORDS.has(token))
      return { ok: false, error: `「${echo(token)}」只能单独使用；有人未归时只写未归、请假、夜班的人。${hint}` };
    const word = STATUS_WORDS[token];
    if (word) {
      current = word;
      continue;
    }
    const m = /^([^()]+?)(?:\(([^)]*)\))?$/.exec(token);
    const who = m?.[1] ?? token;
    const note = (m?.[2] ?? '').trim();
    if (!current) return { ok: false, error: `「${echo(who)}」前面要写是未归、请假还是夜班。${hint}` };
    const resident = findResident(who, residents);
    if (typeof resident === 'string') return { ok: false, error: resident };
    if (Array.from(note).length > REPORT_NOTE_MAX)
      return { ok: false, error: `${resident.name} 的原因太长了（最多 ${REPORT_NOTE_MAX} 字），请写短一点。` };
    const before = marked.get(resident.staffId);
    if (before && before.status !== current) {
      return {
        ok: false,
        error: `${resident.name} 同时写成了「${STATUS_LABELS[before.status]}」和「${STATUS_LABELS[current]}」，请只写一种。`,
      };
    }
    marked.set(resident.staffId, { ...resident, status: current, note: note || before?.note || '' });
  }
  if (!marked.size) return { ok: false, error: `请写明是谁，${hint}` };
  return { ok: true, entries: residents.map((r) => marked.get(r.staffId) ?? { ...r, status: 'present', note: '' }) };
}

function findResident(who: string, residents: readonly Resident[]): Resident | string {
  if (/^\d{1,3}$/.test(who)) {
    const r = residents[Number(who) - 1];
    return r ?? `没有第 ${who} 号，本宿舍名单共 ${residents.length} 人。`;
  }
  const same = residents.filter((r) => r.name === who);
  if (same.length === 1) return same[0]!;
  if (same.length > 1) return `本宿舍有 ${same.length} 位「${echo(who)}」，请改用名单上的序号。`;
  // a big dorm's whole list would be a page of names: the first few, and the count
  const names = residents
    .slice(0, LISTED_RESIDENTS)
    .map((r) => r.name)
    .join('、');
  const more = residents.length > LISTED_RESIDENTS ? ` 等 ${residents.length} 人，也可写名单上的序号` : '';
  return `「${echo(who)}」不在本宿舍名单上（${names || '无人'}${more}）。`;
}

/** The people of a report who were not there, by reason. */
export function notBack(entries: readonly Entry[]): Entry[] {
  return entries.filter((e) => e.status !== 'present');
}

/**
 * 未归 that 综合部 has not heard of yet: each absence is told once, when first reported; a
 * correction that adds one tells that one, a correction that removes one is just recorded.
 */
export function newAbsences(before: readonly Entry[] | null | undefined, after: readonly Entry[]): Entry[] {
  const known = new Set((before ?? []).filter((e) => countsAsAbsence(e.status)).map((e) => e.staffId));
  return after.filter((e) => countsAsAbsence(e.status) && !known.has(e.staffId));
}

/** One line for a report: 全到, or who is not back and why. */
export function reportLine(entries: readonly Entry[]): string {
  const out = notBack(entries);
  if (!out.length) return `全部已归（${entries.length} 人）`;
  const by = (s: Status) => out.filter((e) => e.status === s).map((e) => `${e.name}${e.note ? `（${e.note}）` : ''}`);
  const parts = (['absent', 'leave', 'night_duty'] as const)
    .filter((s) => by(s).length)
    .map((s) => `${STATUS_LABELS[s]}：${by(s).join('、')}`);
  return `${entries.length - out.length}/${entries.length} 人已归；${parts.join('；')}`;
}

// ── returns after curfew (归宿) ───────────────────────────────────────────────

/**
 * When a person was reported 未归 in the report that stands: the first version of the latest run
 * of versions (上报, 更正, 确认) that list them 未归. Undefined when the report does not.
 */
export function absentSince(
  history: readonly { at: Date; entries?: readonly Entry[] | null }[],
  staffId: string,
): Date | undefined {
  let since: Date | undefined;
  for (const h of history) {
    if (!h.entries) continue; // 归宿 and other notes carry no list
    const absent = h.entries.some((e) => e.staffId === staffId && countsAsAbsence(e.status));
    since = absent ? (since ?? new Date(h.at)) : undefined;
  }
  return since;
}

/**
 * `23:10` / `0:30` → that moment of evening `date`; no time means now. A return cannot be in the
 * future, nor before 22:00 (§3.3.3: back before 22:00 is not 未归 — the report is corrected), nor
 * before the moment the person was reported 未归 (`absentAt`): a return can only follow the report
 * that said they were out.
 */
export function resolveReturnTime(text: string, now: Date, date: string, tz: string, absentAt?: Date): Date | string {
  let at = now;
  if (text.trim()) {
    const minutes = parseClock(text);
    if (minutes === undefined) return `归宿时间「${echo(text)}」看不懂，请写成 23:10 这样的时间。`;
    at = eveningAt(date, minutes, tz);
    if (at.getTime() > now.getTime()) return `归宿时间 ${text} 还没到，请写实际回来的时间。`;
  }
  const shown = text.trim() || DateTime.fromJSDate(now, { zone: tz }).toFormat('HH:mm');
  if (at.getTime() < curfewAt(date, tz).getTime()) {
    return `归宿时间 ${shown} 早于 ${formatClock(CURFEW)}（${CLAUSE.curfew}）：${formatClock(CURFEW)} 前回来不算未归，不用登记归宿，请队长发送「查房 …」更正查房。`;
  }
  if (absentAt && at.getTime() < absentAt.getTime()) {
    const reported = DateTime.fromJSDate(absentAt, { zone: tz }).toFormat('HH:mm');
    return `归宿时间 ${shown} 早于 ${reported} 上报未归的时间，不能登记：归宿写上报之后回来的时间；如果上报时人其实已经回来，请发送「查房 …」更正查房。`;
  }
  return at;
}
