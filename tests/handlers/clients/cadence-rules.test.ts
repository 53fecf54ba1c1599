import { describe, expect, it } from 'vitest';
import {
  cadenceFor,
  cadenceProblem,
  dueState,
  escalationKey,
  lastContact,
  nextDue,
  parseCadenceDays,
  rotationOrder,
  shouldEscalate,
} from '../../../handlers/clients/cadence-rules.ts';
import type { ClientStatus } from '../../../handlers/clients/rules.ts';

const TZ = 'Asia/Shanghai';
// 2026-11-27 10:00 in Shanghai
const now = new Date('2026-11-27T02:00:00Z');
const defaults = { current: { callDays: 30, visitDays: 90 }, potential: { callDays: 60, visitDays: 0 } };
const client = (
  o: Partial<{
    status: ClientStatus;
    callDays: number | null;
    visitDays: number | null;
    lastCallAt: Date | null;
    lastVisitAt: Date | null;
    createdAt: Date;
    name: string;
  }> = {},
) => ({
  status: 'current' as ClientStatus,
  createdAt: new Date('2026-10-01T02:00:00Z'),
  name: '万达物业',
  ...o,
});
describe('I.2.7 cadence per status with a per-client override', () => {
  it('takes the status default, the client override, and none for an archived client', () => {
    expect(cadenceFor(client(), defaults)).toEqual({ callDays: 30, visitDays: 90 });
    expect(cadenceFor(client({ status: 'potential' }), defaults)).toEqual({ callDays: 60, visitDays: 0 });
    expect(cadenceFor(client({ callDays: 7 }), defaults)).toEqual({ callDays: 7, visitDays: 90 });
    expect(cadenceFor(client({ status: 'potential', visitDays: 90 }), defaults)).toEqual({
      callDays: 60,
      visitDays: 90,
    });
    expect(cadenceFor(client({ status: 'potential', callDays: 0 }), defaults)).toEqual({ callDays: 0, visitDays: 0 });
    expect(cadenceFor(client({ status: 'lost', callDays: 7 }), defaults)).toEqual({ callDays: 0, visitDays: 0 });
  });
  it('never ends the follow-ups of a 现有 client: a stored 不需要 counts as the default (I.2.5, I.2.7)', () => {
    expect(cadenceFor(client({ visitDays: 0 }), defaults)).toEqual({ callDays: 30, visitDays: 90 });
    expect(cadenceFor(client({ callDays: 0, visitDays: 0 }), defaults)).toEqual({ callDays: 30, visitDays: 90 });
  });
  it('refuses 不需要 for a 现有 client, naming the field, and allows it for a potential one (I.2.5, I.2.7)', () => {
    expect(cadenceProblem({ status: 'current', callDays: 0 })).toMatchObject({
      field: 'callDays',
      error: expect.stringContaining('电话回访周期不能是「不需要」'),
    });
    expect(cadenceProblem({ status: 'current', callDays: 30, visitDays: 0 })).toMatchObject({ field: 'visitDays' });
    expect(cadenceProblem({ status: 'current', callDays: null, visitDays: 365 })).toBeUndefined();
    expect(cadenceProblem({ status: 'potential', callDays: 0, visitDays: 0 })).toBeUndefined();
    expect(cadenceProblem({ status: 'lost', callDays: 0 })).toBeUndefined();
  });
  it.each([
    ['30', 30],
    ['每15天', 15],
    ['7天一次', 7],
    ['不需要', 0],
    ['400', undefined],
    ['常常', undefined],
  ])('reads the cadence 「%s」', (text, days) => {
    expect(parseCadenceDays(text)).toBe(days);
  });
});

describe('II.7 / I.2.7 logging restarts the cadence', () => {
  it('counts a never-contacted client from when it was added', () => {
    expect(nextDue(client(), defaults, TZ)).toEqual({ call: '2026-10-31', visit: '2026-12-30' });
  });
  it('a call restarts the calls; a visit restarts both', () => {
    const called = client({ lastCallAt: new Date('2026-11-20T02:00:00Z') });
    expect(nextDue(called, defaults, TZ)).toEqual({ call: '2026-12-20', visit: '2026-12-30' });
    const visited = client({
      lastCallAt: new Date('2026-11-01T02:00:00Z'),
      lastVisitAt: new Date('2026-11-25T02:00:00Z'),
    });
    expect(lastContact(visited, 'call')).toEqual(new Date('2026-11-25T02:00:00Z'));
    expect(nextDue(visited, defaults, TZ)).toEqual({ call: '2026-12-25', visit: '2027-02-23' });
  });
  it('plans nothing where the cadence is 0', () => {
    expect(nextDue(client({ status: 'potential' }), defaults, TZ).visit).toBeNull();
  });
});

describe('I.2.7 due and overdue in the bot’s calendar days', () => {
  it('is due on its day, overdue by whole days after, upcoming before', () => {
    expect(dueState('2026-11-27', now, TZ)).toEqual({ state: 'due' });
    expect(dueState('2026-11-28', now, TZ)).toEqual({ state: 'upcoming' });
    expect(dueState('2026-11-20', now, TZ)).toEqual({ state: 'overdue', days: 7 });
    // 23:30 UTC on the 26th is already the 27th in Shanghai
    expect(dueState('2026-11-27', new Date('2026-11-26T23:30:00Z'), TZ)).toEqual({ state: 'due' });
  });
  it('escalates only when overdue by more than the threshold, once per due day', () => {
    expect(shouldEscalate({ state: 'overdue', days: 7 }, 7)).toBe(false);
    expect(shouldEscalate({ state: 'overdue', days: 8 }, 7)).toBe(true);
    expect(shouldEscalate({ state: 'due' }, 0)).toBe(false);
    expect(escalationKey('c1', 'call', '2026-11-01')).not.toBe(escalationKey('c1', 'call', '2026-12-01'));
  });
});

describe('I.3.5 巡回访问: those not contacted the longest first', () => {
  it('puts never-contacted first, then the oldest contact, and leaves archived clients out', () => {
    const list = rotationOrder([
      client({ name: '甲', lastCallAt: new Date('2026-11-20T00:00:00Z') }),
      client({ name: '乙', lastVisitAt: new Date('2026-10-20T00:00:00Z') }),
      client({ name: '丙' }),
      client({ name: '丁', status: 'lost' }),
    ]);
    expect(list.map((c) => c.name)).toEqual(['丙', '乙', '甲']);
  });
});
