import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { FormSession } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/* The 报销明细 guided form on a text channel: what happens to a command typed at one of its questions. */

useDatabase('reimburse_item_form');

let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => new Date('2026-11-27T04:00:00Z') }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
});

/** 报销 answered as far as 同行人数 (a bus ticket). */
async function upToTravellers(): Promise<string> {
  await chat.say('zhang', '报销');
  for (const answer of ['今天', '公交', '2', '去万达广场送排班表', '李经理']) await chat.say('zhang', answer);
  const [asked] = await chat.say('zhang', '00123');
  return asked!;
}

describe('a command typed in the middle of 报销', () => {
  it('提交报销 at 同行人数 is not refused as 「同行人数请写 1 到 50 的整数」: it asks whether to leave, and 1 submits the claim', async () => {
    await chat.say('zhang', itemMessage({ date: '2026-11-26', category: '餐费', amount: '35' }));
    // §3.5.3 the item added carries its receipt photo, so the claim can be submitted
    await chat.picture('zhang', 'console:zhang-receipt.jpg');
    expect(await upToTravellers()).toContain('几人同行');
    const [ask] = await chat.say('zhang', '提交报销');
    expect(ask).not.toContain('同行人数请写');
    expect(ask).toContain('要退出「报销明细」去执行它吗');
    expect(ask).toContain('2 继续填写「同行人数」');
    const replies = (await chat.say('zhang', '1')).join('\n');
    expect(replies).toContain('已退出「报销明细」');
    expect(replies).toMatch(/BX-\d{8}-\d{3}/);
    const claim = await ReimbursementClaim.findOne().lean();
    // the item being filled in was left out; the one already added was submitted
    expect(claim?.items).toHaveLength(1);
    expect(await FormSession.countDocuments()).toBe(0);
  });

  it('2 goes back to 同行人数 with the answers so far kept', async () => {
    await upToTravellers();
    await chat.say('zhang', '提交报销');
    const [again] = await chat.say('zhang', '2');
    expect(again).toContain('几人同行');
    await chat.say('zhang', '1');
    expect((await ReimbursementDraft.findOne().lean())?.items).toHaveLength(1);
  });
});
