import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backfillClaimDays, claimsDecided, claimsPaid, claimsPending } from '../../../handlers/reimbursements/due.ts';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { OnceKey } from '../../../src/models/index.ts';
import { useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * 周报 and 导出 报销台账 find the claims decided in a week and paid in a month by day keys (a
 * `steps.at` or `paidOn` range reads every claim on FerretDB 1.24): each decision must leave one.
 */

useDatabase('reimb_day_keys');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T04:00:00Z');
let paidNo = '';

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
  await seedPeople('console');
});
afterAll(() => bot.stop());

it('keys every decision of a claim to its day and the payout to its payment date', async () => {
  await chat.say(
    'zhang',
    itemMessage({ date: '2026-11-25', category: '公交', amount: '2', serials: '88001', travellers: '1' }),
  );
  await chat.picture('zhang', 'console:zhang-receipt.jpg');
  const no = /BX-\d{8}-\d{3}/.exec((await chat.say('zhang', '提交报销')).join('\n'))![0];
  expect(await claimsDecided.ids(['2026-11-27'])).toEqual([]);
  expect(await claimsPending.ids()).toEqual([no]);

  await chat.say('wang', `批准 ${no}`);
  clock = new Date('2026-11-28T04:00:00Z');
  await chat.say('li', `批准 ${no}`);
  await chat.say('chen', `批准 ${no}`);
  clock = new Date('2026-11-30T04:00:00Z');
  expect((await chat.say('li', `发放 ${no} 银行转账 11-29`)).join()).toContain('已登记');

  expect(await claimsDecided.ids(['2026-11-27'])).toEqual([no]);
  expect(await claimsDecided.ids(['2026-11-28', '2026-11-29', '2026-11-30'])).toEqual([no]);
  // the payout is the ledger's by the date finance gave, not the day it was entered
  expect(await claimsPaid.ids(['2026-11-29'])).toEqual([no]);
  expect(await claimsPaid.ids(['2026-11-30'])).toEqual([]);
  expect(await claimsPending.ids()).toEqual([]);
  paidNo = no;
});

it("导出 报销台账 reads the month's paid claims by key only", async () => {
  // the month's ledger rows (models.ts ledgerRows) have it; without its row (a crash right after the
  // payment) the claim is found by its payment-day key, read by _id
  await mongoose.connection.db!.collection('reimbursementledger_202611').deleteOne({ _id: paidNo as never });
  const filters: unknown[] = [];
  mongoose.set('debug', (collection: string, _method: string, filter: unknown) => {
    if (collection === ReimbursementClaim.collection.collectionName) filters.push(filter);
  });
  const { sheets } = await exportAs(chat, 'li', '导出 报销台账 2026-11').finally(() => mongoose.set('debug', false));
  expect(byHeader(sheets['2026年11月报销单']!).map((r) => r['报销单号'])).toEqual([paidNo]);
  expect(filters.length).toBeGreaterThan(0);
  for (const f of filters) expect(Object.keys(f as object)).toEqual(['_id']);
});

it('drops a withdrawn claim from the pending ones', async () => {
  await chat.say(
    'zhang',
    itemMessage({ date: '2026-11-25', category: '公交', amount: '3', serials: '77005', travellers: '1' }),
  );
  await chat.picture('zhang', 'console:zhang-receipt-2.jpg');
  const no = /BX-\d{8}-\d{3}/.exec((await chat.say('zhang', '提交报销')).join('\n'))![0];
  expect(await claimsPending.ids()).toEqual([no]);
  expect((await chat.say('zhang', `撤回报销 ${no}`)).join()).toContain('撤回');
  expect(await ReimbursementClaim.findById(no).lean()).toMatchObject({ status: 'withdrawn' });
  expect(await claimsPending.ids()).toEqual([]);
});

it('keys the claims decided before the day keys existed once, at the first start with them', async () => {
  const at = (iso: string) => new Date(iso);
  await ReimbursementClaim.collection.insertOne({
    _id: 'BX-20261001-001' as never,
    steps: [
      {
        key: 'ga_review',
        role: 'general_affairs',
        label: '综合部审核',
        status: 'approved',
        at: at('2026-10-01T17:00:00Z'),
      },
      { key: 'payout', role: 'finance', label: '财务部发放', status: 'paid', at: at('2026-10-03T02:00:00Z') },
    ],
    paidOn: '2026-10-02',
    status: 'paid',
    submittedAt: at('2026-10-01T02:00:00Z'),
  });
  await ReimbursementClaim.collection.insertOne({
    _id: 'BX-20261002-001' as never,
    steps: [{ key: 'ga_review', role: 'general_affairs', label: '综合部审核', status: 'pending', at: null }],
    paidOn: null,
    status: 'pending',
    submittedAt: at('2026-10-02T02:00:00Z'),
  });
  // the bot's start already keyed this database (empty then); one from before the keys has no mark
  expect(await OnceKey.exists({ _id: 'reimbursements:daykeys' })).toBeTruthy();
  await OnceKey.deleteOne({ _id: 'reimbursements:daykeys' });
  expect(await backfillClaimDays('Asia/Shanghai')).toBeGreaterThan(0);
  // 17:00 UTC is the next morning in Shanghai
  expect(await claimsDecided.ids(['2026-10-01'])).toEqual([]);
  expect(await claimsDecided.ids(['2026-10-02', '2026-10-03'])).toEqual(['BX-20261001-001']);
  expect(await claimsPaid.ids(['2026-10-02'])).toEqual(['BX-20261001-001']);
  expect(await claimsPending.ids()).toEqual(['BX-20261002-001']);
  expect(await backfillClaimDays('Asia/Shanghai')).toBe(0);
});
