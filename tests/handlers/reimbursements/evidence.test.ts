import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { type Card, cardOf } from '../../../src/core/types.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * Issue #20, as a claimant would try it: the category word typed must not decide which rule applies
 * (§3.5.2 公交车和地铁为主, §3.5.3 公交车票…除二人及以上同行外均不得连号). The evidence decides: the
 * receipt photo every approver can see, the ticket's serials whatever it is called, and companions who
 * confirm they travelled.
 */

useDatabase('reimb_evidence');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T04:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({
    config: testConfig({ REIMBURSE_RECEIPT_EXEMPT_YUAN: '5' }),
    now: () => clock,
  }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
  chat.sent.splice(0);
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const inbox = (who: string, from = 0) => chat.privately(who, from).join('\n');
type Item = Parameters<typeof itemMessage>[0];
const on = (v: Omit<Item, 'date'>): Item => ({ date: '2026-11-25', ...v });

/** One item with its receipt photo, submitted: the claim number. */
async function submit(who: string, item: Item, photos = [`console:${who}-receipt.jpg`]): Promise<string> {
  expect(await say(who, itemMessage(item))).toContain('报销草稿');
  for (const p of photos) await chat.picture(who, p);
  const replies = await say(who, '提交报销');
  const no = /BX-\d{8}-\d{3}/.exec(replies)?.[0];
  expect(no, replies).toBeDefined();
  return no!;
}

describe('#20 the typed category decides the rule (§3.5.2, §3.5.3)', () => {
  it('refuses consecutive bus tickets typed as 地铁, and a 地铁 ticket without its serials (§3.5.3)', async () => {
    const typedAsSubway = await say(
      'zhang',
      itemMessage(on({ category: '地铁', amount: '4', serials: '00123,00124', travellers: '1' })),
    );
    expect(typedAsSubway).toContain('连号');
    expect(typedAsSubway).not.toContain('报销草稿');
    await say('zhang', '取消');
    const noSerials = await say('zhang', itemMessage(on({ category: '地铁', amount: '4' })));
    expect(noSerials).toContain('票号');
    expect(noSerials).not.toContain('报销草稿');
    await say('zhang', '取消');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('asks the serials of a bus ticket typed as 其他 when its 所办事项 says 公交 (§3.5.3)', async () => {
    const other = await say(
      'zhang',
      itemMessage(on({ category: '其他', amount: '4', matter: '坐公交去万达广场送排班表' })),
    );
    expect(other).toContain('票号');
    expect(other).not.toContain('报销草稿');
    await say('zhang', '取消');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('gives a taxi typed as 其他 综合部特批 (§3.5.2)', async () => {
    const no = await submit('zhang', on({ category: '其他', amount: '35', matter: '打车送受伤队员去医院' }));
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim!.steps[0]!.key).toBe('ga_special');
    expect(inbox('wang')).toContain('综合部特批');
    expect(inbox('wang')).toContain('打车');
  });

  it('refuses an item without its receipt photo at submission; the photo may follow in private chat (补票据)', async () => {
    await say('zhang', itemMessage(on({ category: '餐费', amount: '30', matter: '加班餐' })));
    await say('zhang', itemMessage(on({ category: '办公用品', amount: '50', matter: '监控室打印纸' })));
    await chat.picture('zhang', 'console:paper.jpg');
    const refused = await say('zhang', '提交报销');
    expect(refused).toContain('第1项');
    expect(refused).toContain('票据照片');
    expect(refused).toContain('补票据 1');
    expect(await ReimbursementClaim.countDocuments()).toBe(0);

    expect(await say('zhang', '补票据 1')).toContain('第 1 项');
    expect((await chat.picture('zhang', 'console:meal.jpg')).join('\n')).toContain('第 1 项');
    const no = /BX-\d{8}-\d{3}/.exec(await say('zhang', '提交报销'))?.[0];
    expect(no).toBeDefined();
    expect((await ReimbursementClaim.findById(no).lean())!.items.map((i) => i.receipts)).toEqual([
      ['console:meal.jpg'],
      ['console:paper.jpg'],
    ]);
  });

  it('exempts items under REIMBURSE_RECEIPT_EXEMPT_YUAN from the photo', async () => {
    expect(await submit('zhang', on({ category: '地铁', amount: '4', serials: 'M8801', travellers: '1' }), [])).toMatch(
      /^BX-/,
    );
  });

  it('shows every approver the photos: the card counts them and 查看票据照片 sends them', async () => {
    const no = await submit('zhang', on({ category: '办公用品', amount: '50', matter: '监控室打印纸' }), [
      'console:p1.jpg',
      'console:p2.jpg',
    ]);
    // the short card counts them on its button (#21)
    expect(inbox('wang')).toContain('查看票据照片（2 张）');
    const from = chat.sent.length;
    await chat.click('wang', 'reimburse.photos', { no });
    const shown = chat.sent.slice(from).find((s) => cardOf(s.message)?.pictures?.length);
    expect((shown?.message as Card | undefined)?.pictures).toEqual(['console:p1.jpg', 'console:p2.jpg']);
    // nobody outside the claim and its approvers sees them
    const outsider = chat.sent.length;
    await chat.click('zhao', 'reimburse.photos', { no });
    expect(chat.sent.slice(outsider).some((s) => cardOf(s.message)?.pictures?.length)).toBe(false);
  });

  it('holds a group trip at 综合部 until the staff companion confirms they travelled (§3.5.3 二人及以上同行)', async () => {
    const no = await submit(
      'zhang',
      on({ category: '公交', amount: '4', serials: '00123,00124', travellers: '2', companions: '赵六' }),
      [],
    );
    expect(inbox('zhao')).toContain(`同行确认：报销单 ${no}`);
    const early = await say('wang', `批准 ${no}`);
    expect(early).toContain('赵六');
    expect(early).toContain('确认同行');
    expect((await ReimbursementClaim.findById(no).lean())!.stepIndex).toBe(0);

    expect(await say('zhao', `确认同行 ${no}`)).toContain('已确认');
    expect(inbox('wang')).toContain('赵六 已确认同行');
    expect(await say('wang', `批准 ${no}`)).toContain('已批准');
  });

  it('stops the claim at 综合部 when the named companion did not travel', async () => {
    const no = await submit(
      'zhang',
      on({
        category: '公交',
        amount: '20',
        serials: '00201,00202,00203,00204,00205,00206,00207,00208,00209,00210',
        travellers: '2',
        companions: '赵六',
      }),
    );
    expect(await say('zhao', `否认同行 ${no}`)).toContain('已告知综合部');
    expect(await say('wang', `批准 ${no}`)).toContain('赵六 否认同行');
    expect((await ReimbursementClaim.findById(no).lean())!.stepIndex).toBe(0);
    expect(await say('wang', `驳回 ${no} 同行人否认同行`)).toContain('已驳回');
  });

  it('flags a companion who is not staff to 综合部 on the approval card', async () => {
    const no = await submit(
      'zhang',
      on({ category: '公交', amount: '4', serials: '00123,00124', travellers: '2', companions: '李四' }),
      [],
    );
    const card = inbox('wang');
    expect(card).toContain(`综合部审核 ${no}`);
    expect(card).toContain('李四 不是公司员工');
  });

  it('refuses the companion’s own claim of the same trip', async () => {
    const no = await submit(
      'zhang',
      on({ category: '公交', amount: '4', serials: '00123,00124', travellers: '2', companions: '赵六' }),
      [],
    );
    const again = await say(
      'zhao',
      itemMessage(on({ category: '公交', amount: '2', serials: '00125', travellers: '1' })),
    );
    expect(again).toContain(no);
    expect(again).not.toContain('报销草稿');
    await say('zhao', '取消');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });
});
