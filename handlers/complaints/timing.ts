import { DateTime } from 'luxon';
import type { Category, ComplaintStatus } from './models.ts';

/*
 * The complaint rules about time (Ch.10 III §3.1.3 time limits, §3.1.9 告知日期, §3.1.10 the
 * follow-up plan, §4.2 the 已告知 reminder) and what the sweep must do when, as pure functions.
 * Split from rules.ts, which re-exports them.
 */

export interface TimeLimits {
  general: number;
  fee_deduction: number;
  unjustified: number;
}

/** §3.1.3: hours from acceptance until the result must be told to the client (扣服务费 the shortest). */
export function timeLimitFor(category: Category, limits: TimeLimits): number {
  return limits[category];
}

/** §3.1.3: when the result is due, and when the owner is reminded before that. */
export function deadlinesFor(acceptedAt: Date, category: Category, limits: TimeLimits, remindBeforeHours: number) {
  const dueAt = new Date(acceptedAt.getTime() + timeLimitFor(category, limits) * 3600_000);
  const remindAt = new Date(Math.max(acceptedAt.getTime(), dueAt.getTime() - remindBeforeHours * 3600_000));
  return { dueAt, remindAt };
}

/** The stages the time limit runs over: until the result is told (§3.1.9). */
export const UNRESOLVED: readonly ComplaintStatus[] = ['registered', 'investigated', 'decided'];

/**
 * §3.1.9: the day the result was told to the client (告知日期, yyyy-MM-dd in `tz`) lies between the
 * day the case was accepted (受理日期) and today. Without `acceptedAt` only today is checked (the form
 * field, before the case is read). The reason names the day it is measured against.
 */
export function toldOnProblem(toldOn: string, now: Date, tz: string, acceptedAt?: Date): string | undefined {
  const today = DateTime.fromJSDate(now, { zone: tz }).toISODate()!;
  if (toldOn > today) return `告知日期 ${toldOn} 晚于今天（${today}），请核对。`;
  const accepted = acceptedAt && DateTime.fromJSDate(acceptedAt, { zone: tz }).toISODate()!;
  if (accepted && toldOn < accepted)
    return `告知日期 ${toldOn} 早于受理日期 ${accepted}，客户不可能在受理前被告知结果，请核对。`;
  return undefined;
}

/**
 * §3.1.10: the follow-up plan runs from the day the client was told (告知日期), not from when that
 * was recorded: a result recorded a day late must not push every call a day late. Each call falls
 * `d` days after that day in `tz`, at the time of day it was recorded (the told day's own hour is
 * not known; told today, that is exactly `d` days from now).
 */
export function followUpPlan(
  toldOn: string,
  recordedAt: Date,
  days: readonly number[],
  tz: string,
): { seq: number; dueAt: Date }[] {
  const at = DateTime.fromJSDate(recordedAt, { zone: tz });
  const start = DateTime.fromISO(toldOn, { zone: tz }).set({
    hour: at.hour,
    minute: at.minute,
    second: at.second,
    millisecond: at.millisecond,
  });
  return days.map((d, i) => ({ seq: i + 1, dueAt: start.plus({ days: d }).toJSDate() }));
}

export interface FollowUpState {
  seq: number;
  dueAt: Date;
  doneAt?: Date | null;
  remindedAt?: Date | null;
}

/** The next follow-up still to be made, in plan order. */
export function nextFollowUp<T extends FollowUpState>(followUps: readonly T[]): T | undefined {
  return followUps.find((f) => !f.doneAt);
}

/** §3.1.10: the case closes when every planned follow-up is done. */
export function planDone(followUps: readonly FollowUpState[]): boolean {
  return followUps.length > 0 && followUps.every((f) => f.doneAt);
}

interface SweepState {
  status: ComplaintStatus;
  dueAt: Date;
  remindedAt?: Date | null;
  overdueAt?: Date | null;
  followUps: readonly FollowUpState[];
  clientToldAt?: Date | null;
  ackDueAt?: Date | null;
  ackRemindedAt?: Date | null;
}

export interface DueWork {
  remind: boolean;
  escalate: boolean;
  /** Follow-ups whose day has come and whose owner was not yet reminded. */
  followUpsDue: number[];
  /** §4.2: 已告知 is still missing when it was due; its owners were not yet reminded. */
  ackRemind: boolean;
}

/** §4.2: a reminder is pending while the client is not on record as told (any open case, confirmed or not). */
function ackPending(c: SweepState): c is SweepState & { ackDueAt: Date } {
  return !!c.ackDueAt && !c.clientToldAt && !c.ackRemindedAt && c.status !== 'closed';
}

/** §3.1.3 / §3.1.10 / §4.2: what the sweep must do for one case at `now`. */
export function dueWork(c: SweepState, now: Date, remindBeforeHours: number): DueWork {
  const unresolved = UNRESOLVED.includes(c.status);
  const escalate = unresolved && !c.overdueAt && c.dueAt <= now;
  const remindAt = new Date(c.dueAt.getTime() - remindBeforeHours * 3600_000);
  const remind = unresolved && !escalate && !c.overdueAt && !c.remindedAt && remindAt <= now;
  const followUpsDue =
    c.status === 'following_up'
      ? c.followUps.filter((f) => !f.doneAt && !f.remindedAt && f.dueAt <= now).map((f) => f.seq)
      : [];
  const ackRemind = ackPending(c) && c.ackDueAt <= now;
  return { remind, escalate, followUpsDue, ackRemind };
}

/** When the sweep must next look at a case; null when nothing is pending (indexed as nextCheckAt). */
export function nextCheckAt(c: SweepState, remindBeforeHours: number): Date | null {
  const times: number[] = [];
  if (ackPending(c)) times.push(c.ackDueAt.getTime());
  if (UNRESOLVED.includes(c.status) && !c.overdueAt) {
    if (!c.remindedAt) times.push(c.dueAt.getTime() - remindBeforeHours * 3600_000);
    times.push(c.dueAt.getTime());
  }
  if (c.status === 'following_up') {
    for (const f of c.followUps) if (!f.doneAt && !f.remindedAt) times.push(f.dueAt.getTime());
  }
  return times.length ? new Date(Math.min(...times)) : null;
}
