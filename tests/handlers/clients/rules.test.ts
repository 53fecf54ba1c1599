import { describe, expect, it } from 'vitest';
import {
  type ClientStatus,
  cadenceFor,
  cadenceProblem,
  changeText,
  dailyCron,
  diffClient,
  dueState,
  escalationKey,
  lastContact,
  maySeeClientPhones,
  nextDue,
  parseCadenceDays,
  parseContacts,
  parseDueDay,
  parsePosts,
  parsePromiseNumber,
  parsePromises,
  promiseInList,
  rotationOrder,
  shouldEscalate,
  showPhone,
  statusFromWords,
} from '../../../handlers/clients/rules.ts';
import type { Role } from '../../../src/core/types.ts';

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

describe('I.1.2 / I.2.9 client status: current, potential, archived', () => {
  it.each([
    ['现有', 'current'],
    ['现有客户', 'current'],
    ['1', 'current'],
    ['潜在', 'potential'],
    ['意向客户', 'potential'],
    ['2', 'potential'],
    ['已流失', 'lost'],
    ['流失', 'lost'],
    ['3', 'lost'],
  ])('reads 「%s」 as %s', (word, status) => {
    expect(statusFromWords(word)).toBe(status);
  });
  it('does not guess an unknown word', () => {
    expect(statusFromWords('重要')).toBeUndefined();
  });
});

describe('I.2.8 contacts and posts as typed in one field', () => {
  it('reads name, title and phone of several contacts', () => {
    expect(parseContacts('张经理 物业经理 13812345678；李主管 0571-88886666')).toEqual({
      ok: true,
      contacts: [
        { name: '张经理', title: '物业经理', phone: '13812345678' },
        { name: '李主管', title: '', phone: '0571-88886666' },
      ],
    });
  });
  it('reads a phone typed in groups as the phone, not as words of the title', () => {
    expect(parseContacts('李经理 物业经理 137 0000 3333；王主管 (0755)8888-6666；赵工 +86 138-0000-1111')).toEqual({
      ok: true,
      contacts: [
        { name: '李经理', title: '物业经理', phone: '13700003333' },
        { name: '王主管', title: '', phone: '0755-88886666' },
        { name: '赵工', title: '', phone: '13800001111' },
      ],
    });
  });
  it('refuses a wrong phone and names the contact', () => {
    const r = parseContacts('张经理 物业经理 1381234');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain('张经理 物业经理 1381234');
  });
  it('splits posts and drops repeats', () => {
    expect(parsePosts('万达广场、城南小区 万达广场')).toEqual({ ok: true, posts: ['万达广场', '城南小区'] });
  });
});

describe('client phones are masked in groups (I.2.8, company rule)', () => {
  const has =
    (...rs: Role[]) =>
    (r: Role) =>
      rs.includes(r);
  const owned = { owner: { staffId: 's1' } };
  it('shows them in full only in a private chat to 客服部 or the client owner', () => {
    expect(maySeeClientPhones({ isGroup: false, has: has('customer_service') }, owned)).toBe(true);
    expect(maySeeClientPhones({ isGroup: false, staffId: 's1', has: has('team_leader') }, owned)).toBe(true);
    expect(maySeeClientPhones({ isGroup: false, staffId: 's2', has: has('team_leader') }, owned)).toBe(false);
    expect(maySeeClientPhones({ isGroup: true, has: has('customer_service') }, owned)).toBe(false);
  });
  it('masks mobiles and landlines', () => {
    expect(showPhone('13712345678', false)).toBe('137****5678');
    expect(showPhone('0571-88886666', false)).toBe('0571-****6666');
    expect(showPhone('0571-88886666', true)).toBe('0571-88886666');
  });
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

describe('I.1.1 every change kept: old → new', () => {
  const before = {
    name: '万达物业',
    address: '城南路 1 号',
    phone: '13712345678',
    contacts: [{ name: '张经理', title: '', phone: '13812345678' }],
    posts: ['万达广场'],
    status: 'current' as const,
    owner: { staffId: 's1', name: '王客服' },
    notes: '',
    callDays: null,
    visitDays: null,
  };
  it('lists only the fields that changed', () => {
    const changes = diffClient(before, {
      phone: '13700000000',
      address: '城南路 1 号',
      owner: { staffId: 's2', name: '陈队长' },
      callDays: 15,
    });
    expect(changes).toEqual([
      { field: 'phone', from: '13712345678', to: '13700000000' },
      { field: 'owner', from: '王客服', to: '陈队长' },
      { field: 'callDays', from: '按状态默认', to: '15 天' },
    ]);
  });
  it('masks phones in the history where phones are masked', () => {
    const [c] = diffClient(before, { contacts: [{ name: '张经理', title: '', phone: '13899999999' }] });
    expect(changeText(c!, false)).toBe('联系人：张经理 138****5678 → 张经理 138****9999');
    expect(changeText(c!, true)).toBe('联系人：张经理 13812345678 → 张经理 13899999999');
  });
});

describe('II.7 promises with a due day', () => {
  it('reads each promise with its day in the forms people write', () => {
    expect(parsePromises('送新排班表 12月5日；培训新队员 2026-12-20\n12月1日前更换队员', now, TZ)).toEqual({
      ok: true,
      items: [
        { text: '送新排班表', dueDay: '2026-12-05' },
        { text: '培训新队员', dueDay: '2026-12-20' },
        { text: '更换队员', dueDay: '2026-12-01' },
      ],
    });
    expect(parsePromises('回电话 明天', now, TZ)).toEqual({
      ok: true,
      items: [{ text: '回电话', dueDay: '2026-11-28' }],
    });
    expect(parsePromises('加派一名队员 3天内', now, TZ)).toEqual({
      ok: true,
      items: [{ text: '加派一名队员', dueDay: '2026-11-30' }],
    });
  });
  it('refuses a promise without a day or with a past day', () => {
    expect(parsePromises('送新排班表', now, TZ)).toMatchObject({
      ok: false,
      error: expect.stringContaining('缺少截止日期'),
    });
    expect(parsePromises('送新排班表 2026-11-01', now, TZ)).toMatchObject({
      ok: false,
      error: expect.stringContaining('已经过去'),
    });
  });
  it('is in the owner’s list from the lead days before its day until done', () => {
    expect(promiseInList('2026-11-29', now, TZ, 2)).toBe(true);
    expect(promiseInList('2026-11-30', now, TZ, 2)).toBe(false);
    expect(promiseInList('2026-11-01', now, TZ, 2)).toBe(true);
  });
  it('reads promise numbers as people type them', () => {
    expect(parsePromiseNumber('cn20261127003')).toBe('CN-20261127-003');
    expect(parsePromiseNumber('20261127-3')).toBe('CN-20261127-003');
    expect(parsePromiseNumber('TS-20261127-003')).toBeUndefined();
  });
});

describe('II.7 due days as typed, and the morning time', () => {
  it.each([
    ['今天', '2026-11-27'],
    ['后天', '2026-11-29'],
    ['2026/12/5', '2026-12-05'],
    ['12-05', '2026-12-05'],
    ['12月5日前', '2026-12-05'],
    ['1月5日', '2027-01-05'],
    ['2月30日', undefined],
    ['下周', undefined],
  ])('reads 「%s」', (text, day) => {
    expect(parseDueDay(text, now, TZ)).toBe(day);
  });
  it('turns 08:30 into a daily cron and refuses 25:00', () => {
    expect(dailyCron('08:30')).toBe('30 8 * * *');
    expect(dailyCron('25:00')).toBeUndefined();
  });
});
