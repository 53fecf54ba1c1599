import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClaimRecord, ledgerRows, ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * 导出 报销台账: the month's paid claims through the real approval chain, one row per claim and one
 * per item, with the approvers and the dates; only for those 报销台账 is for (财务, 董事长).
 */

useDatabase('reimb_exports');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T04:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T04:00:00Z');
  await seedPeople('console');
});

let photos = 0;
async function paidClaim(who: string, items: Parameters<typeof itemMessage>[0][]): Promise<string> {
  for (const item of items) {
    await chat.say(who, itemMessage(item));
    await chat.picture(who, `console:${who}-r-${++photos}.jpg`);
  }
  const no = /BX-\d{8}-\d{3}/.exec((await chat.say(who, '提交报销')).join('\n'))![0];
  await chat.say('wang', `批准 ${no}`);
  await chat.say('li', `批准 ${no}`);
  await chat.say('chen', `批准 ${no}`);
  expect((await chat.say('li', `发放 ${no} 银行转账 11-27`)).join()).toContain('已登记');
  return no;
}

describe('导出 报销台账', () => {
  it('has every paid claim and item of the month, with the claimant, category, amount, approvers and dates', async () => {
    const no = await paidClaim('zhang', [
      { date: '2026-11-25', category: '公交', amount: '2', serials: '88001', travellers: '1' },
      { date: '2026-11-26', category: '地铁', amount: '6.5', serials: 'M9001', travellers: '1' },
    ]);
    const { file, sheets } = await exportAs(chat, 'li', '导出 报销台账 2026-11');
    expect(file?.text).toContain('2026年11月报销单 1 行、明细 2 行');
    const [claim] = byHeader(sheets['2026年11月报销单']!);
    expect(claim).toMatchObject({ 报销单号: no, 报销人: '张三', 明细数: 2, 合计: 8.5, 发放方式: '银行转账' });
    expect(claim!['审批人']).toContain('王综合');
    expect(claim!['审批人']).toContain('陈董');
    expect((claim!['发放日期'] as Date).toISOString().slice(0, 10)).toBe('2026-11-27');
    const items = byHeader(sheets['明细']!);
    expect(items.map((i) => [i['类别'], i['金额']])).toEqual([
      ['公交车', 2],
      ['地铁', 6.5],
    ]);
    expect((items[0]!['发生日期'] as Date).toISOString().slice(0, 10)).toBe('2026-11-25');
    expect(items[1]!['票据号']).toBe('M9001');

    // another month has none: no file, a sentence
    const empty = await exportAs(chat, 'chen', '导出 报销台账 2026-10');
    expect(empty.file).toBeUndefined();
    expect(empty.replies.join()).toContain('没有符合条件的记录');
  });

  it('reads no claim: the month’s ledger rows have what both sheets show (a claim is ~1.5 ms of FerretDB CPU a read)', async () => {
    const no = await paidClaim('zhang', [
      { date: '2026-11-25', category: '公交', amount: '2', serials: '88002', travellers: '1' },
      { date: '2026-11-26', category: '地铁', amount: '3', serials: 'M9002', travellers: '1' },
    ]);
    const reads: unknown[] = [];
    mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
      if (collection === ReimbursementClaim.collection.collectionName && method.startsWith('find')) reads.push(filter);
    });
    const { file, sheets } = await exportAs(chat, 'li', '导出 报销台账 2026-11').finally(() =>
      mongoose.set('debug', false),
    );
    expect(file?.text).toContain('2026年11月报销单 1 行、明细 2 行');
    expect(byHeader(sheets['明细']!).map((i) => i['报销单号'])).toEqual([no, no]);
    expect(reads).toEqual([]);
  });

  it('still has a claim paid just before a crash left it without its ledger row, and puts the row right', async () => {
    const first = await paidClaim('zhang', [
      { date: '2026-11-25', category: '公交', amount: '2', serials: '88003', travellers: '1' },
    ]);
    const second = await paidClaim('zhang', [
      { date: '2026-11-26', category: '地铁', amount: '4', serials: 'M9003', travellers: '1' },
    ]);
    await ledgerRows.rows({}, { keys: ['2026-11'] }).then((rows) => expect(rows).toHaveLength(2));
    await mongoose.connection.db!.collection('reimbursementledger_202611').deleteOne({ _id: first as never });
    const { sheets } = await exportAs(chat, 'li', '导出 报销台账 2026-11');
    expect(byHeader(sheets['2026年11月报销单']!).map((c) => [c['报销单号'], c['合计']])).toEqual([
      [first, 2],
      [second, 4],
    ]);
    const row = (await ledgerRows.rows({ _id: first }, { keys: ['2026-11'] }))[0];
    expect(row).toEqual(ledgerRows.rowOf((await ReimbursementClaim.findById(first).lean<ClaimRecord>())!));
  });

  it('refuses a guard with the refusal 报销台账 itself gives', async () => {
    const list = await chat.say('zhang', '报销台账');
    const { replies, file } = await exportAs(chat, 'zhang', '导出 报销台账');
    expect(file).toBeUndefined();
    expect(replies).toEqual(list);
    expect(replies[0]).toContain('你没有权限使用「报销台账」');
  });

  it('reads the month as 报销台账 does, and says how to write one', async () => {
    const { replies } = await exportAs(chat, 'li', '导出 报销台账 十三月');
    expect(replies.join()).toContain('例如：导出 报销台账 2026-11');
  });
});
