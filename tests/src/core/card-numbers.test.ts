import { describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import { Staff } from '../../../src/models/index.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * Traps (#21): a bare number presses a button only of the latest card that person got in that chat,
 * only while that card is open and recent (CARD_NUMBER_MINUTES); a button that submits money or an
 * approval asks once, naming the number and the total. Through the app on a text channel (console).
 */

let clock = new Date('2026-11-27T04:00:00Z');
const minutes = (n: number) => (clock = new Date(clock.getTime() + n * 60_000));

const { chat } = useTestBot('card_numbers', {
  now: () => clock,
  config: testConfig({ BOT_ADMINS: 'console:boss,console:boss2' }),
  seed: async () => {
    clock = new Date('2026-11-27T04:00:00Z');
    await seedPeople('console');
  },
});

/** zhang's draft of one big item: the card's buttons are [1] 继续添加 [2] 提交报销 [3] 放弃. */
async function bigDraft(): Promise<void> {
  const [draft] = await chat.say(
    'zhang',
    itemMessage({ date: '2026-11-25', category: '其他', amount: '35283', matter: '出车加油和维修' }),
  );
  expect(draft).toContain('[2] 提交报销');
}

describe('a bare number and the card it presses', () => {
  it('a bare 2 typed minutes after a draft card does not submit the ¥35283 claim: it asks once, naming the items and the total, and 2 取消 leaves it a draft', async () => {
    await bigDraft();
    minutes(4);
    const asked = (await chat.say('zhang', '2')).join('\n');
    expect(asked).toContain('你回复了 2（提交报销）');
    expect(asked).toContain('确认提交报销：1 项明细，合计 ¥35283.00？');
    expect(asked).toContain('[1] 确认  [2] 取消');
    expect(await ReimbursementClaim.countDocuments()).toBe(0);
    expect((await chat.say('zhang', '2')).join()).toContain('已取消');
    expect(await ReimbursementClaim.countDocuments()).toBe(0);
    expect(await ReimbursementDraft.countDocuments()).toBe(1);
  });

  it('submits after the one confirmation: 2 then 1', async () => {
    await bigDraft();
    await chat.picture('zhang', 'console:big.jpg'); // §3.5.3 its receipt photo (#20)
    await chat.say('zhang', '2');
    expect((await chat.say('zhang', '1')).join()).toMatch(/BX-20261127-001/);
    expect(await ReimbursementClaim.findById('BX-20261127-001').lean()).toMatchObject({
      total: 3528300,
      status: 'pending',
    });
  });

  it('says a card older than CARD_NUMBER_MINUTES expired and shows it again, whose numbers then work', async () => {
    await bigDraft();
    minutes(11);
    const late = await chat.say('zhang', '3');
    expect(late[0]).toContain('这张卡片已过期，没有执行「3」');
    expect(late[1]).toContain('【报销草稿（未提交）】');
    expect(late[1]).toContain('[3] 放弃');
    expect(await ReimbursementDraft.countDocuments()).toBe(1);
    expect((await chat.say('zhang', '3')).join()).toContain('已放弃');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('presses nothing on an older card once a newer card came: a 2 after a card without buttons does not submit the draft before it', async () => {
    // a ticket with its serial and its receipt photo (§3.5.3, #20)
    await chat.say(
      'zhang',
      itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: 'M0601', travellers: '1' }),
    );
    await chat.picture('zhang', 'console:ticket.jpg');
    await chat.say('zhang', '提交报销');
    await chat.say('wang', '批准 BX-20261127-001');
    await bigDraft();
    minutes(1);
    // the record of the earlier claim, decided and so without buttons, is now the latest card in zhang's chat
    const [record] = await chat.say('zhang', '报销单 BX-20261127-001');
    expect(record).toContain('【报销单 BX-20261127-001】');
    expect(record).not.toContain('[1]');
    const replies = (await chat.say('zhang', '2')).join('\n');
    expect(replies).not.toContain('提交报销');
    expect(await ReimbursementClaim.countDocuments()).toBe(1);
    expect(await ReimbursementDraft.countDocuments()).toBe(1);
  });

  it("in a group, another member's number does not press the card someone else got there", async () => {
    const group = { chatId: 'group-一队', isGroup: true };
    const [card] = await chat.say('boss', '人员 张三', group);
    expect(card).toContain('【员工档案：张三】');
    expect(card).toContain('[1] 停用');
    // boss2 meant some other card: 1 is not boss's 停用
    await chat.say('boss2', '1', group);
    expect((await Staff.findOne({ phone: '13800000001' }).lean())!.active).toBe(true);
    // boss's own 1 still presses it
    await chat.say('boss', '1', group);
    expect((await Staff.findOne({ phone: '13800000001' }).lean())!.active).toBe(false);
  });

  it('answers a number beyond the card’s buttons with the numbers it has, pressing nothing', async () => {
    await bigDraft();
    // the draft's confirmation has 查看草稿 as a fourth button (#21)
    expect((await chat.say('zhang', '7')).join()).toContain('只有 4 个按钮，请回复 1 到 4');
    expect(await ReimbursementDraft.countDocuments()).toBe(1);
  });
});
