import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reimbursements } from '../../../handlers/reimbursements/index.ts';
import { type ClaimRecord, claimRows, ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import { reimbursementsWeekly } from '../../../handlers/reimbursements/weekly.ts';
import type { Bot } from '../../../src/bot.ts';
import { OnceKey } from '../../../src/models/index.ts';
import { useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * 周报 费用报销 counts the claims from their narrow rows (models.ts claimRows: status, step, each
 * step's decision and time, each item's category and amount), not the claims themselves (~8 KB each,
 * ~1,500 a week read by _id at a year's scale): every way a claim changes must carry to its row.
 */

useDatabase('reimb_weekly_rows');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-24T02:00:00Z');
// 2026-11-23 (Mon) to 11-30 in Shanghai
const week = { from: new Date('2026-11-22T16:00:00Z'), to: new Date('2026-11-29T16:00:00Z'), label: '' };

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
  await seedPeople('console');
});
afterAll(() => bot.stop());

let photos = 0;
async function submit(who: string, amount: string, serial: string): Promise<string> {
  await chat.say(who, itemMessage({ date: '2026-11-23', category: '公交', amount, serials: serial, travellers: '1' }));
  await chat.picture(who, `console:${who}-r-${++photos}.jpg`);
  const replies = (await chat.say(who, '提交报销')).join('\n');
  const m = /BX-\d{8}-\d{3}/.exec(replies);
  if (!m) throw new Error(replies);
  return m[0];
}

async function expectRowsInStep(): Promise<void> {
  const claims = await ReimbursementClaim.find({}).lean<ClaimRecord[]>();
  const rows = await claimRows.rows({});
  expect(rows.length).toBe(claims.length);
  for (const c of claims)
    expect(
      rows.find((r) => r._id === c._id),
      c._id,
    ).toEqual(claimRows.rowOf(c));
}

it('keeps each claim’s row as the claim is through submission, approvals, payment, rejection, withdrawal and resubmission', async () => {
  const paid = await submit('zhang', '2', 'A1001');
  clock = new Date('2026-11-24T06:00:00Z');
  await chat.say('wang', `批准 ${paid}`);
  await chat.say('li', `批准 ${paid}`);
  await chat.say('chen', `批准 ${paid}`);
  expect((await chat.say('li', `发放 ${paid} 银行转账 11-24`)).join()).toContain('已登记');

  const rejected = await submit('zhang', '3', 'B2002');
  clock = new Date('2026-11-25T02:00:00Z');
  expect((await chat.say('wang', `驳回 ${rejected} 票据不清`)).join()).toContain('已驳回');
  await chat.say('zhang', `重新报销 ${rejected}`);
  const again = /BX-\d{8}-\d{3}/.exec((await chat.say('zhang', '提交报销')).join())![0];

  const withdrawn = await submit('zhang', '5', 'C3003');
  expect((await chat.say('zhang', `撤回报销 ${withdrawn}`)).join()).toContain('撤回');
  await expectRowsInStep();
  const [paidRow] = await claimRows.rows({ _id: paid });
  expect(paidRow).toMatchObject({ status: 'paid', lastAt: expect.any(Date) });
  expect(paidRow).not.toHaveProperty('currentRole');
  expect(paidRow!.steps).toMatch(/^ga_review\|approved\|[0-9a-z]+\|综合部审核;.*payout\|paid\|/);
  expect((await claimRows.rows({ _id: again }))[0]).toMatchObject({
    status: 'pending',
    currentRole: 'general_affairs',
  });

  // the week as the rows tell it: the paid claim and the corrected one (the rejected one counts too:
  // it was submitted in the week; the withdrawn one does not), 综合部's three decisions, one waiting
  const part = await reimbursementsWeekly.build(bot.services, week);
  expect(part.lines[0]).toBe('本周提交 3 份报销，3 项，合计 ¥8.00：公交车 ¥8.00');
  expect(part.lines.join('\n')).toContain('综合部审核：2 次');
  expect(part.lines.at(-1)).toBe('目前待审批 1 份（综合部 1）');
});

it('builds 周报 费用报销 without reading a claim (the rows say it all)', async () => {
  const reads: unknown[] = [];
  mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
    if (collection === ReimbursementClaim.collection.collectionName) reads.push([method, filter]);
  });
  const part = await reimbursementsWeekly.build(bot.services, week).finally(() => mongoose.set('debug', false));
  expect(part.lines[0]).toContain('本周提交 3 份报销');
  expect(reads).toEqual([]);
});

it('writes the rows of claims stored before them once, at the workflow’s start', async () => {
  await ReimbursementClaim.collection.insertOne({
    _id: 'BX-20261001-001' as never,
    items: [{ category: 'taxi', amount: 5000, date: '2026-10-01', matter: '出差', contact: '甲方' }],
    steps: [{ key: 'ga_review', role: 'general_affairs', label: '综合部审核', status: 'pending', at: null }],
    status: 'pending',
    currentRole: 'general_affairs',
    submittedAt: new Date('2026-10-01T02:00:00Z'),
  });
  expect(await claimRows.rows({ _id: 'BX-20261001-001' })).toEqual([]);
  await OnceKey.deleteOne({ _id: 'narrow:reimbursementweeklyrows:built' });
  await reimbursements.start!(bot.services);
  expect(await claimRows.rows({ _id: 'BX-20261001-001' })).toEqual([
    {
      _id: 'BX-20261001-001',
      status: 'pending',
      submittedAt: new Date('2026-10-01T02:00:00Z'),
      currentRole: 'general_affairs',
      steps: 'ga_review|pending||综合部审核',
      items: 'taxi:5000',
    },
  ]);
  await expectRowsInStep();
});
