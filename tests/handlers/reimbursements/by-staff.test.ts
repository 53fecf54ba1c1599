import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addClaims } from '../../../handlers/reimbursements/by-staff.ts';
import { ClaimsByStaff, ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * 我的报销 reads the claimant's claim numbers by `_id` (FerretDB scans every claim for `{claimantId}`).
 * The first test must stay first: the fill of claims stored before the lists runs once per process.
 */

useDatabase('reimb_by_staff');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T04:00:00Z');
let staff: Record<string, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  staff = await seedPeople('console');
});

/** A claim as an earlier version stored it: no per-staff list. */
function storedClaim(no: string, claimantId: string, submittedAt: Date, fen: number) {
  return ReimbursementClaim.create({
    _id: no,
    claimantId,
    claimantName: '张三',
    total: fen,
    steps: [{ key: 'ga_review', role: 'general_affairs', label: '综合部审核', status: 'pending' }],
    currentRole: 'general_affairs',
    stepSince: submittedAt,
    submittedAt,
  });
}

let claims = 0;

async function submitClaim(who: string): Promise<string> {
  // a ticket carries its serial and every item its receipt photo (§3.5.3, #20)
  const n = ++claims;
  await chat.say(
    who,
    itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: `M${5000 + 10 * n}`, travellers: '1' }),
  );
  await chat.picture(who, `console:receipt-${n}.jpg`);
  const replies = await chat.say(who, '提交报销');
  const no = /BX-\d{8}-\d{3}/.exec(replies.join('\n'))?.[0];
  expect(no, replies.join('\n')).toBeDefined();
  return no!;
}

describe('我的报销 by staff id', () => {
  it('lists claims stored before the per-staff lists existed, newest first, then new ones ahead of them', async () => {
    await storedClaim('BX-20261120-001', staff.zhang!, new Date('2026-11-20T02:00:00Z'), 1200);
    await storedClaim('BX-20261122-001', staff.zhang!, new Date('2026-11-22T02:00:00Z'), 3400);
    await storedClaim('BX-20261121-001', staff.zhao!, new Date('2026-11-21T02:00:00Z'), 500);
    const [mine] = await chat.say('zhang', '我的报销');
    expect(mine).toContain('最近的报销（2 张）');
    expect(mine!.indexOf('BX-20261122-001 ¥34.00')).toBeLessThan(mine!.indexOf('BX-20261120-001 ¥12.00'));
    expect(mine).not.toContain('BX-20261121-001');
    const no = await submitClaim('zhang');
    const [after] = await chat.say('zhang', '我的报销');
    expect(after).toContain('最近的报销（3 张）');
    expect(after!.indexOf(no)).toBeLessThan(after!.indexOf('BX-20261122-001'));
    expect((await ClaimsByStaff.findById(staff.zhang!).lean())!.claims).toEqual([
      no,
      'BX-20261122-001',
      'BX-20261120-001',
    ]);
  });

  it('keeps every number when ten submissions of one person are recorded at once', async () => {
    const nos = Array.from({ length: 10 }, (_, i) => `BX-20261127-${String(i + 1).padStart(3, '0')}`);
    await Promise.all(nos.map((no) => addClaims(staff.zhang!, [no])));
    expect([...(await ClaimsByStaff.findById(staff.zhang!).lean())!.claims].sort()).toEqual(nos);
  });

  it('skips a number written before a claim that was never saved (a crash between the two writes)', async () => {
    const no = await submitClaim('zhang');
    await addClaims(staff.zhang!, ['BX-20261127-999']);
    const [mine] = await chat.say('zhang', '我的报销');
    expect(mine).toContain('最近的报销（1 张）');
    expect(mine).toContain(no);
    expect(mine).not.toContain('BX-20261127-999');
  });

  it('says so when the person has never claimed', async () => {
    expect((await chat.say('zhao', '我的报销')).join()).toContain('你还没有提交过报销');
  });
});
