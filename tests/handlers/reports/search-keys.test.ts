import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillAbsenceKeys, fillAbsenceKeysInBackground, keyAbsences } from '../../../handlers/dorms/absence-keys.ts';
import { RollCall, rollCallRows } from '../../../handlers/dorms/models.ts';
import {
  backfillClaimantKeys,
  claimantKeys,
  fillClaimantKeysInBackground,
} from '../../../handlers/reimbursements/claimant-keys.ts';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import { PAGE } from '../../../handlers/reports/search.ts';
import { backfillDriverKeys, driverKeys, fillDriverKeysInBackground } from '../../../handlers/vehicles/driver-keys.ts';
import { Trip } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import type { Card, Role } from '../../../src/core/types.ts';
import { Identity, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 查找 <姓名> finds a person's absences, claims and trips through their keys (dorms/absence-keys.ts,
 * reimbursements/claimant-keys.ts, vehicles/driver-keys.ts) and reads each record by `_id`: on
 * FerretDB 1.24 a filter on the roll calls, their monthly rows, the claims or the trips decodes a
 * year of them. A key is a hint; what is shown is what the record says, to whom may see it.
 */

useDatabase('reports_search_keys');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-28T04:00:00Z');

const PEOPLE: Record<string, { name: string; phone: string; roles: Role[]; post: string }> = {
  li: { name: '李四', phone: '13800000002', roles: ['guard', 'driver'], post: '万达广场' },
  wang: { name: '王五', phone: '13800000004', roles: ['guard'], post: '万达广场' },
  boss: {
    name: '孙董事长',
    phone: '13900000006',
    roles: ['chairman', 'general_affairs', 'customer_service'],
    post: '',
  },
};
let ids: Record<string, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  ids = {};
  for (const [key, p] of Object.entries(PEOPLE)) {
    const s = await Staff.create(p);
    ids[key] = String(s._id);
    await Identity.create({ _id: `console:${key}`, staffId: s._id, channel: 'console', userId: key, boundAt: clock });
  }
});

const person = (key: string) => ({ staffId: ids[key]!, name: PEOPLE[key]!.name });
const day = (d: string, hhmm = '10:00') => new Date(`${d}T${hhmm}:00+08:00`);
const compact = (d: string) => d.replaceAll('-', '');

/** Records as the workflows store them, with `keyed` their 查找 key written first; without, as stored before the keys. */
async function claim(no: string, who: string, submittedAt: Date, keyed = true) {
  if (keyed) await claimantKeys.add(ids[who]!, no);
  return ReimbursementClaim.create({
    _id: no,
    claimantId: ids[who],
    claimantName: PEOPLE[who]!.name,
    total: 1200,
    steps: [{ key: 'ga_review', role: 'general_affairs', label: '综合部审核', status: 'pending' }],
    currentRole: 'general_affairs',
    stepSince: submittedAt,
    submittedAt,
  });
}

async function absence(date: string, who: string[], keyed = true, dorm = '城南宿舍') {
  const entries = who.map((w) => ({ ...person(w), status: 'absent' as const }));
  if (keyed) await keyAbsences(`${date}:${dorm}`, null, entries);
  return RollCall.create({
    _id: `${date}:${dorm}`,
    date,
    dorm,
    residents: who.map(person),
    report: { at: new Date(`${date}T22:05:00+08:00`), by: person('boss'), entries },
  });
}

async function trip(no: string, who: string, startedAt: Date, keyed = true) {
  if (keyed) await driverKeys.add(ids[who]!, no);
  return Trip.create({
    _id: no,
    plate: '粤B12345',
    driver: person(who),
    permit: 'ZJ-2026-001',
    startedAt,
    startOdometer: 10000,
    purpose: '接送夜班队员',
  });
}

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');

/** Every page of 查找 <words>, following 下一页 to the end. */
async function allPages(who: string, words: string): Promise<string[]> {
  const pages = [await say(who, `查找 ${words}`)];
  for (;;) {
    const card = chat.sent.at(-1)!.message as Card;
    const value = card.buttons?.find((b) => b.label === '下一页')?.value;
    if (!value || pages.length > 20) return pages;
    pages.push((await chat.click(who, 'reports.search.more', value)).join('\n'));
  }
}

/** The records a page lists: claim and trip numbers, and each evening's absence by its date and dorm. */
const recordsIn = (text: string) => [
  ...(text.match(/(?:BX|CL)-\d{8}-\d{3}(?=\s)/g) ?? []),
  ...[...text.matchAll(/(\d{4}-\d{2}-\d{2}) (?:未归|晚归) (\S+) (\S+?)(?:（|，|\n|$)/g)].map(
    (m) => `${m[1]} ${m[2]} ${m[3]}`,
  ),
];

describe('查找 <姓名> through the person’s keys', () => {
  it('reads a person’s absences, claims and trips by `_id` only: no filter on the roll calls, their rows, the claims or the trips', async () => {
    await absence('2026-11-20', ['li']);
    await absence('2026-09-03', ['li'], true, '城北宿舍');
    await claim('BX-20261122-001', 'li', day('2026-11-22'));
    await trip('CL-20261126-001', 'li', day('2026-11-26'));
    const reads: { collection: string; filter: Record<string, unknown> }[] = [];
    mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
      if (['find', 'findOne', 'countDocuments', 'aggregate'].includes(method))
        reads.push({ collection, filter: (filter ?? {}) as Record<string, unknown> });
    });
    let text: string;
    try {
      text = await say('boss', '查找 李四');
    } finally {
      mongoose.set('debug', false);
    }
    for (const found of [
      '2026-11-20 未归 李四 城南宿舍',
      '2026-09-03 未归 李四 城北宿舍',
      'BX-20261122-001',
      'CL-20261126-001',
    ])
      expect(text, text).toContain(found);
    const big = reads.filter((r) => /^(rollcalls|rollcallrows|reimbursementclaims|trips)/.test(r.collection));
    expect(big.length).toBeGreaterThanOrEqual(4);
    for (const r of big)
      expect({ collection: r.collection, filter: r.filter }).toEqual({
        collection: expect.stringMatching(/^(rollcalls|reimbursementclaims|trips)$/),
        filter: { _id: expect.any(String) },
      });
  });

  it('finds the absences, claims and trips stored before the keys once the workflows’ start has keyed them', async () => {
    await absence('2026-10-20', ['li'], false);
    await claim('BX-20261021-001', 'li', day('2026-10-21'), false);
    await trip('CL-20261022-001', 'li', day('2026-10-22'), false);
    // the keys are what is read: nothing yet
    expect(await say('boss', '查找 李四')).toContain('没有相关的记录');
    // as the dorms' start does: the roll calls' rows first (the absence keys are read from them)
    await rollCallRows.rebuild();
    expect(await backfillAbsenceKeys()).toBe(1);
    expect(await backfillClaimantKeys()).toBe(1);
    expect(await backfillDriverKeys()).toBe(1);
    const text = await say('boss', '查找 李四');
    for (const found of ['2026-10-20 未归 李四 城南宿舍', 'BX-20261021-001', 'CL-20261022-001'])
      expect(text, text).toContain(found);
    // once per database
    expect([await backfillAbsenceKeys(), await backfillClaimantKeys(), await backfillDriverKeys()]).toEqual([0, 0, 0]);
    expect(await say('boss', '查找 李四')).toBe(text);
  });

  it('waits for the start’s fill of the keys when asked while it runs', async () => {
    await absence('2026-10-20', ['li'], false);
    await claim('BX-20261021-001', 'li', day('2026-10-21'), false);
    await trip('CL-20261022-001', 'li', day('2026-10-22'), false);
    const failed: unknown[] = [];
    rollCallRows.buildInBackground((err) => failed.push(err));
    fillAbsenceKeysInBackground((err) => failed.push(err));
    fillClaimantKeysInBackground((err) => failed.push(err));
    fillDriverKeysInBackground((err) => failed.push(err));
    const text = await say('boss', '查找 李四');
    for (const found of ['2026-10-20 未归 李四 城南宿舍', 'BX-20261021-001', 'CL-20261022-001'])
      expect(text, text).toContain(found);
    expect(failed).toEqual([]);
  });

  it('gives a guard only their own, and only what the record still says', async () => {
    await absence('2026-11-20', ['li', 'wang']);
    await claim('BX-20261121-001', 'wang', day('2026-11-21'));
    await trip('CL-20261122-001', 'li', day('2026-11-22'));
    // a key that no longer holds: 王五's absence on the 23rd was corrected away, a claim keyed to him is 李四's
    await absence('2026-11-23', ['wang']);
    await RollCall.updateOne({ _id: '2026-11-23:城南宿舍' }, { $set: { 'report.entries': [] } });
    await claimantKeys.add(ids.wang!, 'BX-20261124-001');
    await claim('BX-20261124-001', 'li', day('2026-11-24'));
    const own = await say('wang', '查找 王五');
    expect(own).toContain('2026-11-20 未归 王五 城南宿舍');
    expect(own).toContain('BX-20261121-001');
    expect(own).not.toContain('2026-11-23');
    expect(own).not.toContain('BX-20261124-001');
    expect(own).not.toContain('李四');
    const other = await say('wang', '查找 李四');
    expect(other).toContain('没有找到「李四」');
    expect(other).not.toContain('CL-20261122-001');
    const manager = await say('boss', '查找 王五');
    expect(manager).not.toContain('2026-11-23');
    expect(manager).not.toContain('BX-20261124-001');
  });

  it('pages with 下一页 through months of absences, claims and trips: every record once, newest first', async () => {
    const want: string[] = [];
    // absences in one dorm over three months, several a month: they read alike but for their date
    for (const d of [
      '2026-11-25',
      '2026-11-18',
      '2026-11-02',
      '2026-10-30',
      '2026-10-12',
      '2026-09-05',
      '2026-09-01',
    ]) {
      await absence(d, ['li']);
      want.push(`${d} 李四 城南宿舍`);
    }
    // claims and trips, two a day on some days, one at the very same instant as an absence's 22:00
    const days = ['2026-11-25', '2026-11-20', '2026-11-20', '2026-10-30', '2026-10-01', '2026-09-05', '2026-08-31'];
    for (const [i, d] of days.entries()) {
      const n = String(i + 1).padStart(3, '0');
      await claim(`BX-${compact(d)}-${n}`, 'li', day(d, i === 0 ? '22:00' : `1${i}:00`));
      await trip(`CL-${compact(d)}-${n}`, 'li', day(d, `0${i}:30`));
      want.push(`BX-${compact(d)}-${n}`, `CL-${compact(d)}-${n}`);
    }
    for (const who of ['boss', 'li']) {
      const pages = await allPages(who, '李四');
      const seen = pages.flatMap(recordsIn);
      expect(pages.length, pages.join('\n---\n')).toBeGreaterThanOrEqual(Math.ceil(want.length / PAGE));
      expect(new Set(seen).size, seen.join('\n')).toBe(seen.length);
      expect([...seen].sort()).toEqual([...want].sort());
      const dates = pages.flatMap((p) => [...p.matchAll(/• (\d{4}-\d{2}-\d{2})/g)].map((m) => m[1]!));
      expect(dates).toEqual([...dates].sort().reverse());
      expect(pages.at(-1)).toContain('没有更多了');
    }
  });
});
