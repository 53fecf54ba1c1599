import { describe, expect, it } from 'vitest';
import {
  changeText,
  dailyCron,
  diffClient,
  maySeeClientPhones,
  parseContacts,
  parseDueDay,
  parsePosts,
  parsePromiseNumber,
  parsePromises,
  promiseInList,
  showPhone,
  statusFromWords,
} from '../../../handlers/clients/rules.ts';
import type { Role } from '../../../src/core/types.ts';

const TZ = 'Asia/Shanghai';
// 2026-11-27 10:00 in Shanghai
const now = new Date('2026-11-27T02:00:00Z');

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
