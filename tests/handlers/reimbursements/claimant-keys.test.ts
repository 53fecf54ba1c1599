import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimantKeys } from '../../../handlers/reimbursements/claimant-keys.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * 查找 <姓名> finds a person's claims through the claimant keys a submission writes before the claim
 * (claimant-keys.ts): `{claimantId}` reads every claim on FerretDB 1.24.
 */

useDatabase('reimb_claimant_keys');

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

describe('a submitted claim is keyed to its claimant for 查找', () => {
  it('keys the claim number to the claimant, and 查找 finds it for them and an approver', async () => {
    await chat.say(
      'zhang',
      itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: 'M7001', travellers: '1' }),
    );
    await chat.picture('zhang', 'console:receipt-1.jpg');
    const no = /BX-\d{8}-\d{3}/.exec((await chat.say('zhang', '提交报销')).join('\n'))?.[0];
    expect(no).toBeDefined();
    expect(await claimantKeys.ids([staff.zhang!])).toEqual([no]);
    expect((await chat.say('zhang', '查找 张三')).join('\n')).toContain(`报销单 ${no}`);
    expect((await chat.say('wang', '查找 张三')).join('\n')).toContain(`报销单 ${no}`);
    expect((await chat.say('zhao', '查找 张三')).join('\n')).not.toContain(`报销单 ${no}`);
  });
});
