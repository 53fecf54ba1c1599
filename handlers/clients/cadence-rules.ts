import { addDays, type ClientStatus, dayOf, daysBetween } from './rules.ts';

/*
 * I.2.5 / I.2.7 / I.3.5 (客户管理制度) as pure functions: how often each client is called and visited,
 * when the next contact is due, when an overdue one escalates and who is visited next. No I/O.
 */

export type ContactKind = 'call' | 'visit';
export const KIND_LABELS: Record<ContactKind, string> = { call: '电话回访', visit: '拜访' };

/** Days between phone follow-ups and between visits; 0 = none planned. */
export interface Cadence {
  callDays: number;
  visitDays: number;
}
export type CadenceDefaults = Record<'current' | 'potential', Cadence>;

interface CadenceClient {
  status: ClientStatus;
  /** Per-client override; null = the status default. */
  callDays?: number | null;
  visitDays?: number | null;
}

/**
 * I.2.7: the client's own cadence when set, else its status's default; an archived client has none.
 * A 现有 client is always called and visited (cadenceProblem): a 0 stored before that rule, or by
 * any other way in, counts as the status default rather than ending its follow-ups.
 */
export function cadenceFor(c: CadenceClient, defaults: CadenceDefaults): Cadence {
  if (c.status === 'lost') return { callDays: 0, visitDays: 0 };
  const d = defaults[c.status];
  const own = (v: number | null | undefined) => (c.status === 'current' && v === 0 ? null : v);
  return { callDays: own(c.callDays) ?? d.callDays, visitDays: own(c.visitDays) ?? d.visitDays };
}

/**
 * I.2.5 「对老客户要不断地进行回访」, I.2.7 「使用电话定期跟踪，定期拜访老客户」: a 现有 client has a
 * phone follow-up and a visit cadence; 不需要 (0) is only for a potential client. The field refused
 * and why, for the client as it would be after the change; undefined when it may be saved.
 */
export function cadenceProblem(c: CadenceClient): { field: 'callDays' | 'visitDays'; error: string } | undefined {
  if (c.status !== 'current') return undefined;
  const field = c.callDays === 0 ? 'callDays' : c.visitDays === 0 ? 'visitDays' : undefined;
  if (!field) return undefined;
  const what = field === 'callDays' ? '电话回访周期' : '拜访周期';
  return {
    field,
    error: `现有客户要定期电话回访和拜访（第十章一 §2.5、§2.7），${what}不能是「不需要」：请写天数（1–365）或「默认」。不再合作的客户请用「客户流失」归档。`,
  };
}

/** A cadence in days as typed: 30 / 30天 / 不需要 (0); 不安排 is how fieldText shows 0, so an edit card reads it back. */
export function parseCadenceDays(text: string): number | undefined {
  const t = text.replace(/\s+/g, '');
  if (/^(0|不需要|不用|无需|不拜访|不回访|不安排)$/.test(t)) return 0;
  const m = /^每?(\d{1,3})天?(一次)?$/.exec(t);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= 365 ? n : undefined;
}

export interface ContactState extends CadenceClient {
  createdAt: Date;
  lastCallAt?: Date | null;
  lastVisitAt?: Date | null;
}

/**
 * II.7 / issue: logging restarts the cadence. A visit is also a contact, so it restarts the phone
 * cadence too; a call restarts only the calls. A client never contacted counts from when it was added.
 */
export function lastContact(c: ContactState, kind: ContactKind): Date {
  const call = latest(c.lastCallAt, c.lastVisitAt);
  return (kind === 'call' ? call : c.lastVisitAt) ?? c.createdAt;
}

/** The day (in the bot's zone) each kind is next due, or null when none is planned. */
export function nextDue(c: ContactState, defaults: CadenceDefaults, tz: string): Record<ContactKind, string | null> {
  const cad = cadenceFor(c, defaults);
  const due = (kind: ContactKind, days: number) => (days > 0 ? addDays(dayOf(lastContact(c, kind), tz), days) : null);
  return { call: due('call', cad.callDays), visit: due('visit', cad.visitDays) };
}

export type DueState = { state: 'upcoming' | 'due' } | { state: 'overdue'; days: number };

/** Due today, overdue by whole days, or still ahead. Days are the bot's calendar days. */
export function dueState(dueDay: string, now: Date, tz: string): DueState {
  const today = dayOf(now, tz);
  if (dueDay > today) return { state: 'upcoming' };
  if (dueDay === today) return { state: 'due' };
  return { state: 'overdue', days: daysBetween(dueDay, today) };
}

/** I.2.7: overdue by more than the threshold goes to the customer-service head. */
export function shouldEscalate(s: DueState, afterDays: number): boolean {
  return s.state === 'overdue' && s.days > afterDays;
}

/** Once per overdue cycle: a new contact moves the due day, so a later cycle may escalate again. */
export function escalationKey(clientId: string, kind: ContactKind, dueDay: string): string {
  return `clients:escalate:${clientId}:${kind}:${dueDay}`;
}

export function promiseEscalationKey(promiseId: string): string {
  return `clients:promise-escalate:${promiseId}`;
}

/**
 * I.3.5 巡回访问: every client in turn, not only favourite ones — those not contacted the longest
 * come first (never contacted before any contacted), ties by name. Archived clients are left out.
 */
export function rotationOrder<T extends ContactState & { name: string }>(clients: readonly T[]): T[] {
  const last = (c: T) => latest(c.lastCallAt, c.lastVisitAt);
  return clients
    .filter((c) => c.status !== 'lost')
    .slice()
    .sort((a, b) => {
      const la = last(a);
      const lb = last(b);
      if (!la !== !lb) return la ? 1 : -1;
      const diff = (la?.getTime() ?? a.createdAt.getTime()) - (lb?.getTime() ?? b.createdAt.getTime());
      return diff || a.name.localeCompare(b.name, 'zh');
    });
}

function latest(...dates: (Date | null | undefined)[]): Date | undefined {
  const ts = dates.filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
  return ts.length ? new Date(Math.max(...ts)) : undefined;
}
