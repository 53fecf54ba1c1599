import { DateTime } from 'luxon';
import { type Entry, type EveningTimes, eveningAt, eveningOf, phaseAt } from './rules.ts';

/*
 * 宿舍管理 §3.3.3 figures as pure functions: the weekly and monthly roll-call figures and a dorm's
 * month (查房记录) with the evenings nobody checked. Split from rules.ts, which keeps the evening's
 * timetable and how a leader's answer is read.
 */

// ── weekly and monthly figures ───────────────────────────────────────────────

export interface EveningRecord {
  date: string;
  dorm: string;
  /** The roll call was sent (or the leader reported on their own). */
  asked: boolean;
  reportedAt: Date | null;
  late: boolean;
  /** Only a 预报 made before 22:00, never confirmed at or after it: the evening counts as not reported. */
  preCurfew?: boolean;
  entries: (Entry & { returnedAt?: Date | null })[];
}

export interface DormFigures {
  dorm: string;
  asked: number;
  onTime: number;
  late: number;
  missing: number;
  /** On-time reports over evenings asked, 0–100 (rounded); null when never asked. */
  onTimeRate: number | null;
}

export interface PersonFigures {
  staffId: string;
  name: string;
  dorm: string;
  absences: number;
  /** 未归 who came back later (归宿 recorded). */
  lateReturns: number;
  leave: number;
  nightDuty: number;
}

export interface Summary {
  dorms: DormFigures[];
  people: PersonFigures[];
  /** People absent at least `repeatAt` times in the period. */
  repeat: PersonFigures[];
  neverReported: string[];
}

/** Weekly summary to 综合部: on-time rate per dorm, absences per person, repeat cases, dorms never reported. */
export function summarize(records: readonly EveningRecord[], repeatAt = 2): Summary {
  const dorms = new Map<string, DormFigures>();
  const people = new Map<string, PersonFigures>();
  for (const r of records) {
    const d = dorms.get(r.dorm) ?? { dorm: r.dorm, asked: 0, onTime: 0, late: 0, missing: 0, onTimeRate: null };
    dorms.set(r.dorm, d);
    if (r.asked || r.reportedAt) d.asked++;
    // a 预报 never confirmed at 22:00 is not the roll call §3.3.3 asks for
    if (!r.reportedAt || r.preCurfew) d.missing++;
    else if (r.late) d.late++;
    else d.onTime++;
    for (const e of r.entries) {
      if (e.status === 'present') continue;
      const p = people.get(e.staffId) ?? {
        staffId: e.staffId,
        name: e.name,
        dorm: r.dorm,
        absences: 0,
        lateReturns: 0,
        leave: 0,
        nightDuty: 0,
      };
      people.set(e.staffId, p);
      if (e.status === 'absent') p.absences++;
      if (e.status === 'absent' && e.returnedAt) p.lateReturns++;
      if (e.status === 'leave') p.leave++;
      if (e.status === 'night_duty') p.nightDuty++;
    }
  }
  for (const d of dorms.values()) d.onTimeRate = d.asked ? Math.round((100 * d.onTime) / d.asked) : null;
  const dormList = [...dorms.values()].sort(
    (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1) || a.dorm.localeCompare(b.dorm, 'zh'),
  );
  const peopleList = [...people.values()].sort((a, b) => b.absences - a.absences || a.name.localeCompare(b.name, 'zh'));
  return {
    dorms: dormList,
    people: peopleList,
    repeat: peopleList.filter((p) => p.absences >= repeatAt),
    neverReported: dormList.filter((d) => d.asked > 0 && d.onTime + d.late === 0).map((d) => d.dorm),
  };
}

/** The evenings of the week before `now`'s local date: Monday..Sunday when run on a Monday. */
export function previousDays(now: Date, tz: string, days = 7): { from: string; to: string } {
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  return { from: today.minus({ days }).toISODate()!, to: today.minus({ days: 1 }).toISODate()! };
}

// ── a dorm's month (查房记录) ─────────────────────────────────────────────────

const nextDay = (date: string, days = 1): string => DateTime.fromISO(date).plus({ days }).toISODate()!;

/** The first evening a dorm created at `createdAt` can be checked: that evening if it came before the roll call, else the next. */
export function firstEveningOf(createdAt: Date, t: EveningTimes, tz: string): string {
  const date = eveningOf(createdAt, tz);
  return createdAt.getTime() <= eveningAt(date, t.rollCall, tz).getTime() ? date : nextDay(date);
}

/** The last evening whose roll call time has come at `now` (before tonight's, yesterday's). */
export function lastEveningDue(now: Date, t: EveningTimes, tz: string): string {
  const date = eveningOf(now, tz);
  return phaseAt(now, date, t, tz) === 'before' ? nextDay(date, -1) : date;
}

export type EveningRow =
  | { kind: 'record'; record: EveningRecord }
  | { kind: 'unchecked'; from: string; to: string; nights: number };

/**
 * §3.3.3 队长每天进行宿舍查房: the evenings `from`..`to` (yyyy-MM-dd) of one dorm in order — each
 * roll call, and each run of consecutive evenings without one (no leader, or it never went out)
 * as one row, so a month stays short enough to read on a phone.
 */
export function eveningRows(records: readonly EveningRecord[], from: string, to: string): EveningRow[] {
  const rows: EveningRow[] = [];
  const byDate = new Map(records.map((r) => [r.date, r]));
  const dates = new Set(records.map((r) => r.date));
  for (let d = from; d <= to; d = nextDay(d)) dates.add(d);
  for (const date of [...dates].sort()) {
    const record = byDate.get(date);
    if (record) {
      rows.push({ kind: 'record', record });
      continue;
    }
    const last = rows.at(-1);
    if (last?.kind === 'unchecked' && nextDay(last.to) === date)
      Object.assign(last, { to: date, nights: last.nights + 1 });
    else rows.push({ kind: 'unchecked', from: date, to: date, nights: 1 });
  }
  return rows;
}
