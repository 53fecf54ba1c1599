import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import { remindWaitingSteps } from '../../../schedules/reimbursements.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * The reimbursement workflow through the app on the real database (console channel in memory):
 * submission with the rule flags, the approval chain, and the lookups.
 */

useDatabase('reimb_chain');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T04:00:00Z');
let staff: Record<string, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T04:00:00Z');
  staff = await seedPeople('console');
  chat.sent.splice(0);
});

/** What the bot sent privately to `userId` (notifications), from index `from` on. */
const sentTo = (userId: string, from = 0) => chat.privately(userId, from);

/** §3.5.3 each item carries its receipt photo (#20): one sent in private after the item. */
let photos = 0;
const receipt = (who: string) => chat.picture(who, `console:${who}-receipt-${++photos}.jpg`);

/** Adds one item with its receipt photo and submits; returns the claim number. */
async function submitClaim(who: string, item: Parameters<typeof itemMessage>[0]): Promise<string> {
  const [draft] = await chat.say(who, itemMessage(item));
  expect(draft, 'the draft card').toContain('报销草稿');
  await receipt(who);
  const replies = await chat.say(who, '提交报销');
  const no = /BX-\d{8}-\d{3}/.exec(replies.join('\n'))?.[0];
  expect(no, replies.join('\n')).toBeDefined();
  return no!;
}

/** A subway ticket: a ticket carries its serial whatever its category (#20), a new one each time, never next to the last. */
let tickets = 0;
const subway = (extra: Partial<Parameters<typeof itemMessage>[0]> = {}) => ({
  date: '2026-11-25',
  category: '地铁',
  amount: '6',
  serials: `M${5000 + 10 * ++tickets}`,
  travellers: '1',
  ...extra,
});

describe('submission (§3.5.3)', () => {
  it('refuses consecutive bus tickets for a single traveller (§3.5.3)', async () => {
    const replies = await chat.say(
      'zhang',
      itemMessage({ date: '2026-11-25', category: '公交', amount: '4', serials: '00123,00124', travellers: '1' }),
    );
    const text = replies.join('\n');
    expect(text).toContain('§3.5.3');
    expect(text).toContain('连号');
    // only the serials and travellers are asked again
    expect(replies.at(-1)).toContain('票号');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it("refuses a single traveller's ticket consecutive with one on an earlier claim of theirs, but not with someone else's (§3.5.3)", async () => {
    const first = await submitClaim('zhang', {
      date: '2026-11-24',
      category: '公交',
      amount: '2',
      serials: '88001',
      travellers: '1',
    });
    const replies = await chat.say(
      'zhang',
      itemMessage({ date: '2026-11-25', category: '公交', amount: '2', serials: '88002', travellers: '1' }),
    );
    expect(replies.join('\n')).toContain(`与 ${first} 中的 88001`);
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
    // another person's neighbouring ticket is not the same traveller's roll
    await submitClaim('zhao', { date: '2026-11-25', category: '公交', amount: '2', serials: '88000', travellers: '1' });
  });

  it('accepts consecutive bus tickets when two travelled together, with the other traveller named to the approvers (§3.5.3)', async () => {
    const no = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '公交',
      amount: '4',
      serials: '00123,00124',
      travellers: '2',
      companions: '李四',
    });
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.items[0]).toMatchObject({
      serials: ['00123', '00124'],
      travellers: 2,
      companions: ['李四'],
      amount: 400,
    });
    // the approval card is short (#21); the companions are on it, the items one button away
    expect(sentTo('wang').join()).toContain('同行确认：李四');
    expect((await chat.click('wang', 'reimburse.detail', { no })).join()).toContain('2人同行：本人、李四');
    expect(claim?.steps.map((s) => s.key)).toEqual(['ga_review', 'finance_check', 'chairman_approve', 'payout']);
  });

  it('refuses a bus-ticket serial already claimed by anyone as a duplicate (§3.5.3)', async () => {
    const first = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '公交',
      amount: '2',
      serials: '77001',
      travellers: '1',
    });
    const replies = await chat.say(
      'zhao',
      itemMessage({ date: '2026-11-26', category: '公交', amount: '2', serials: '77001', travellers: '1' }),
    );
    expect(replies.join('\n')).toContain('§3.5.3');
    expect(replies.join('\n')).toContain(`77001（${first}）`);
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
    expect(await ReimbursementClaim.countDocuments()).toBe(1);
  });

  it('gives a taxi claim the explicit 综合部 special-approval step (§3.5.2)', async () => {
    await chat.say('zhang', itemMessage({ date: '2026-11-25', category: '出租车', amount: '35.50' }));
    // the short draft counts the warnings (#21); 查看草稿 lists them
    expect((await chat.click('zhang', 'reimburse.draft', {})).join()).toContain('§3.5.2');
    await receipt('zhang');
    const no = (await chat.say('zhang', '提交报销')).join('\n').match(/BX-\d{8}-\d{3}/)![0];
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.steps.map((s) => s.key)).toEqual([
      'ga_special',
      'ga_review',
      'finance_check',
      'chairman_approve',
      'payout',
    ]);
    expect(claim?.flags.map((f) => f.clause)).toEqual(['§3.5.2']);
    const [card] = sentTo('wang');
    expect(card).toContain('综合部特批（§3.5.2）');
    expect(card).toContain('¥35.50');
    // the special approval is its own decision: after it, 综合部 still reviews
    expect((await chat.say('wang', `批准 ${no}`)).join()).toContain('综合部特批');
    expect((await ReimbursementClaim.findById(no).lean())?.steps[1]).toMatchObject({
      key: 'ga_review',
      status: 'pending',
    });
    // a repeated typed 批准 does not pass the review too: it shows the review's card to confirm by number
    const [again] = await chat.say('wang', `批准 ${no}`);
    expect(again).toContain(`综合部审核 ${no}`);
    expect(again).toContain('[1] 批准');
    expect((await ReimbursementClaim.findById(no).lean())?.steps[1]).toMatchObject({
      key: 'ga_review',
      status: 'pending',
    });
    // the number asks once, naming the claim and its total (#21); 1 确认 approves
    expect((await chat.say('wang', '1')).join()).toContain(`确认批准报销单 ${no}「综合部审核」：张三，合计 ¥35.50`);
    expect((await ReimbursementClaim.findById(no).lean())?.steps[1]).toMatchObject({
      key: 'ga_review',
      status: 'pending',
    });
    await chat.say('wang', '1');
    expect((await ReimbursementClaim.findById(no).lean())?.steps[1]).toMatchObject({
      key: 'ga_review',
      status: 'approved',
    });
  });

  it("gives a four-month-old item the chairman's special-instruction step (§3.5.4)", async () => {
    await chat.say('zhang', itemMessage({ date: '2026-07-20', category: '餐费', amount: '30' }));
    const draft = (await chat.click('zhang', 'reimburse.draft', {})).join();
    expect(draft).toContain('§3.5.4');
    expect(draft).toContain('董事长批示');
    await receipt('zhang');
    const no = (await chat.say('zhang', '提交报销')).join('\n').match(/BX-\d{8}-\d{3}/)![0];
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.steps.map((s) => s.key)).toEqual([
      'ga_review',
      'finance_check',
      'chairman_special',
      'chairman_approve',
      'payout',
    ]);
  });

  it('refuses a future date and asks again only for it', async () => {
    const replies = await chat.say('zhang', itemMessage({ date: '2026-11-30', category: '餐费', amount: '99999' }));
    const text = replies.join('\n');
    expect(text).toContain('晚于今天');
    expect(text).not.toContain('金额');
    expect(replies.at(-1)).toContain('日期');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('runs a guided form on text channels, asking only for what is missing', async () => {
    expect((await chat.say('zhang', '报销')).join()).toContain('日期');
    expect((await chat.say('zhang', '明天吧')).join()).toContain('日期格式不对');
    expect((await chat.say('zhang', '11-26')).join()).toContain('类别');
    expect((await chat.say('zhang', '坐飞船')).join()).toContain('不认识');
    expect((await chat.say('zhang', '地铁')).join()).toContain('金额');
    expect((await chat.say('zhang', '0')).join()).toContain('大于 0');
    expect((await chat.say('zhang', '5')).join()).toContain('所办事项');
    expect((await chat.say('zhang', '去公司开会')).join()).toContain('公司接洽人');
    // 票号 and 同行人数 are ticket questions, a subway ticket's too (#20: before, 地铁 skipped them)
    expect((await chat.say('zhang', '王综合')).join()).toContain('票号');
    expect((await chat.say('zhang', 'M0501')).join()).toContain('几人同行');
    const [draft] = await chat.say('zhang', '1');
    expect(draft).toContain('报销草稿');
    expect(draft).toContain('2026-11-26 地铁 ¥5.00');
    await receipt('zhang');
    // numbered buttons: 2 = 提交报销, which asks once with the total (#21); 1 确认 submits
    expect((await chat.say('zhang', '2')).join()).toContain('确认提交报销：1 项明细，合计 ¥5.00？');
    const replies = await chat.say('zhang', '1');
    expect(replies.join()).toMatch(/BX-20261127-\d{3}/);
  });

  it("asks a bus ticket's serials and travellers in the guided form (§3.5.3)", async () => {
    await chat.say('zhang', '报销');
    for (const answer of ['11-26', '公交', '2', '去万达广场', '王综合']) await chat.say('zhang', answer);
    expect((await chat.say('zhang', '00123')).join()).toContain('几人同行');
    expect((await chat.say('zhang', '1')).join()).toContain('已加入第 1 项');
    expect((await chat.click('zhang', 'reimburse.draft', {})).join()).toContain('票号 00123');
  });

  it('numbers claims BX-<date>-<seq>', async () => {
    const a = await submitClaim('zhang', subway());
    const b = await submitClaim('zhao', subway());
    expect([a, b].sort()).toEqual(['BX-20261127-001', 'BX-20261127-002']);
  });
});

describe('the chain (§3.5.1)', () => {
  it('lets an approver answer the card sent to them by its number, as a WeChat approver would', async () => {
    const no = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '公交',
      amount: '2',
      serials: '66001',
      travellers: '1',
    });
    expect(sentTo('wang')[0]).toContain('[1] 批准');
    expect((await chat.say('wang', '1')).join()).toContain('[1] 确认  [2] 取消');
    await chat.say('wang', '1');
    expect((await ReimbursementClaim.findById(no).lean())?.steps[0]).toMatchObject({
      key: 'ga_review',
      status: 'approved',
    });
  });

  it('goes 综合部 → 财务部 → 董事长 → 财务部发放 to paid, telling the claimant at every step', async () => {
    const no = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '公交',
      amount: '2',
      serials: '88001',
      travellers: '1',
    });
    expect(sentTo('wang')[0]).toContain(`报销审批：综合部审核 ${no}`);
    expect(sentTo('liu')[0]).toContain('批准');
    expect(sentTo('li')).toEqual([]);

    let mark = chat.sent.length;
    expect((await chat.say('wang', `批准 ${no}`)).join()).toContain('已批准');
    expect(sentTo('li', mark)[0]).toContain(`财务部审查 ${no}`);
    expect(sentTo('zhang', mark).join()).toContain('已通过「综合部审核」');

    mark = chat.sent.length;
    await chat.say('li', `批准 ${no}`);
    expect(sentTo('chen', mark)[0]).toContain(`董事长批准 ${no}`);
    mark = chat.sent.length;
    await chat.say('chen', `批准 ${no}`);
    expect(sentTo('li', mark)[0]).toContain(`报销待发放 ${no}`);
    expect(sentTo('zhang', mark).join()).toContain('下一步：财务部发放');

    expect((await chat.say('li', `发放 ${no} 飞鸽传书`)).join()).toContain('看不懂');
    mark = chat.sent.length;
    expect((await chat.say('li', `发放 ${no} 银行转账 11-27`)).join()).toContain('已登记');
    expect(sentTo('zhang', mark).join()).toContain('已发放 ¥2.00：银行转账，付款日期 2026-11-27');

    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.status).toBe('paid');
    expect(claim?.paidOn).toBe('2026-11-27');
    expect(claim?.history.map((h) => `${h.byName}:${h.action}`)).toEqual([
      '张三:submitted',
      '王综合:approved',
      '李财务:approved',
      '陈董:approved',
      '李财务:paid',
    ]);

    // the record shows the audit trail
    const [record] = await chat.say('zhang', `报销单 ${no}`);
    expect(record).toContain('王综合 批准「综合部审核」');
    expect(record).toContain('李财务 发放「财务部发放」');
    expect(record).toContain('已发放');

    const [ledger] = await chat.say('li', '报销台账');
    expect(ledger).toContain('已发放 1 张，合计 ¥2.00');
    expect(ledger).toContain('公交车 ¥2.00');
    expect(ledger).toContain('张三 ¥2.00');
  });

  it('sends a rejection with its reason to the claimant and ends the claim; no reason, no rejection', async () => {
    const no = await submitClaim('zhang', subway());
    await chat.say('wang', `批准 ${no}`);
    expect((await chat.say('li', `驳回 ${no}`)).join()).toContain('必须写明原因');
    expect((await ReimbursementClaim.findById(no).lean())?.status).toBe('pending');

    const mark = chat.sent.length;
    expect((await chat.say('li', `驳回 ${no} 票据上没有接洽人签字`)).join()).toContain('已驳回');
    const told = sentTo('zhang', mark).join('\n');
    expect(told).toContain('被 李财务 驳回');
    expect(told).toContain('原因：票据上没有接洽人签字');
    expect(told).toContain(`重新报销 ${no}`);
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim).toMatchObject({ status: 'rejected', currentRole: null, remindAt: null });
    expect((await chat.say('chen', `批准 ${no}`)).join()).toContain('已驳回');

    // a corrected claim, linked to the old one
    const [draft] = await chat.say('zhang', `重新报销 ${no}`);
    expect(draft).toContain(`重新提交 ${no}`);
    const replies = await chat.say('zhang', '提交报销');
    const again = /BX-\d{8}-\d{3}/.exec(replies.join())![0];
    expect(again).not.toBe(no);
    expect((await ReimbursementClaim.findById(again).lean())?.resubmitOf).toBe(no);
    expect((await ReimbursementClaim.findById(no).lean())?.resubmittedAs).toBe(again);
  });

  it('refuses the wrong role and self-approval, and changes nothing', async () => {
    const no = await submitClaim('zhang', subway());
    expect((await chat.say('li', `批准 ${no}`)).join()).toContain('当前在「综合部审核」');
    expect((await chat.say('zhang', `批准 ${no}`)).join()).toContain('没有权限');
    expect((await chat.click('li', 'reimburse.approve', { no, v: '0' })).join()).toContain('综合部审核');

    // 王综合's own claim: he may not review it, and he is not even sent the card
    const own = await submitClaim('wang', subway());
    expect(sentTo('wang').join()).not.toContain(`综合部审核 ${own}`);
    expect((await chat.say('wang', `批准 ${own}`)).join()).toContain('不能审批自己的报销单');
    for (const n of [no, own]) expect((await ReimbursementClaim.findById(n).lean())?.version).toBe(0);
  });

  it('gives one decision when two approvers act at once, and tells the other who decided', async () => {
    const no = await submitClaim('zhang', subway());
    const mark = chat.sent.length;
    await Promise.all([
      chat.say('wang', `批准 ${no}`),
      chat.say('liu', `批准 ${no}`),
      chat.click('wang', 'reimburse.approve', { no, v: '0' }),
      chat.click('liu', 'reimburse.approve', { no, v: '0' }),
    ]);
    // what the two approvers were told in their chats
    const answers = chat.sent
      .slice(mark)
      .filter((s) => 'chatId' in s.target && /^(wang|liu)$/.test(s.target.chatId))
      .map((s) => s.text);
    expect(answers.filter((r) => r.startsWith('已批准'))).toHaveLength(1);
    // everyone else is told who already decided
    const others = answers.filter((r) => !r.startsWith('已批准'));
    expect(others).toHaveLength(3);
    for (const r of others) expect(r).toMatch(/已由 (王综合|刘综合)( 于 2026-11-27 12:00)? 批准/);
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.version).toBe(1);
    expect(claim?.history.filter((h) => h.action === 'approved')).toHaveLength(1);
    expect(claim?.stepIndex).toBe(1);
  });

  it('lets the claimant withdraw before the first decision, not after', async () => {
    const no = await submitClaim('zhang', subway());
    expect((await chat.say('zhao', `撤回报销 ${no}`)).join()).toContain('只有申请人');
    expect((await chat.say('zhang', `撤回报销 ${no}`)).join()).toContain('已撤回');
    expect((await ReimbursementClaim.findById(no).lean())?.status).toBe('withdrawn');
    expect((await chat.say('wang', `批准 ${no}`)).join()).toContain('已撤回');

    const other = await submitClaim('zhang', subway({ date: '2026-11-24' }));
    await chat.say('wang', `批准 ${other}`);
    expect((await chat.say('zhang', `撤回报销 ${other}`)).join()).toContain('已有人审批');
  });

  it("releases a withdrawn claim's ticket serials for the corrected claim", async () => {
    const no = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '公交',
      amount: '2',
      serials: '66001',
      travellers: '1',
    });
    await chat.say('zhang', `撤回报销 ${no}`);
    await chat.say('zhang', `重新报销 ${no}`);
    const again = /BX-\d{8}-\d{3}/.exec((await chat.say('zhang', '提交报销')).join())?.[0];
    expect(again).toBeDefined();
    expect((await ReimbursementClaim.findById(again).lean())?.items[0]?.serials).toEqual(['66001']);
  });
});

describe('the payout date (§3.5.1, §3.5.3 由财务部统一发放)', () => {
  /** A claim submitted on 11-27 (today), approved up to 财务部发放. */
  async function awaitingPayout(): Promise<string> {
    const no = await submitClaim('zhang', subway());
    for (const who of ['wang', 'li', 'chen']) await chat.say(who, `批准 ${no}`);
    expect((await ReimbursementClaim.findById(no).lean())?.steps.at(-1)).toMatchObject({
      key: 'payout',
      status: 'pending',
    });
    return no;
  }

  async function unpaid(no: string) {
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim).toMatchObject({ status: 'pending', paidOn: null, payment: { date: null } });
    expect(claim?.history.map((h) => h.action)).not.toContain('paid');
  }

  it('refuses a payout dated before the claim was submitted, naming the submission date, and changes nothing', async () => {
    const no = await awaitingPayout();
    const mark = chat.sent.length;
    const replies = await chat.say('li', `发放 ${no} 银行转账 2026-11-20`);
    expect(replies.join('\n')).toContain('付款日期 2026-11-20 早于报销单提交日期 2026-11-27');
    await unpaid(no);
    expect(sentTo('zhang', mark)).toEqual([]);
    // a year-less 11-28 typed on 11-27 reads as last year's: refused, not filed in 2025-11's ledger
    expect((await chat.say('li', `发放 ${no} 银行转账 11-28`)).join('\n')).toContain(
      '付款日期 2025-11-28 早于报销单提交日期 2026-11-27',
    );
    await unpaid(no);
    expect((await chat.say('li', '报销台账 2025-11')).join('\n')).toContain('没有已发放的报销');
  });

  it('refuses a payout dated in the future, naming today, and changes nothing', async () => {
    const no = await awaitingPayout();
    const replies = await chat.say('li', `发放 ${no} 银行转账 2026-11-28`);
    expect(replies.join('\n')).toContain('付款日期 2026-11-28 晚于今天（2026-11-27）');
    await unpaid(no);
  });

  it("records a valid payout: dated the day of submission, entered two days later, in that month's ledger", async () => {
    const no = await awaitingPayout();
    clock = new Date('2026-11-29T04:00:00Z');
    expect((await chat.say('li', `发放 ${no} 现金 2026-11-27`)).join('\n')).toContain('已登记');
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim).toMatchObject({
      status: 'paid',
      paidOn: '2026-11-27',
      payment: { date: '2026-11-27', method: '现金' },
    });
    expect((await chat.say('li', '报销台账 2026-11')).join('\n')).toContain('已发放 1 张');
  });
});

describe('lookups and reminders', () => {
  it('我的报销 lists my claims; 待审批 lists what waits on my role, never my own', async () => {
    const no = await submitClaim('zhang', subway());
    const own = await submitClaim('wang', subway());
    const [mine] = await chat.say('zhang', '我的报销');
    expect(mine).toContain(`${no} ¥6.00 待「综合部审核」`);
    const [waiting] = await chat.say('liu', '待审批');
    expect(waiting).toContain(no);
    expect(waiting).toContain(own);
    const [wangs] = await chat.say('wang', '待审批');
    expect(wangs).toContain(no);
    expect(wangs).not.toContain(own);
    expect((await chat.say('li', '待审批')).join()).toContain('没有等你审批');
    expect((await chat.say('zhang', '待审批')).join()).toContain('没有权限');
    expect((await chat.say('zhao', `报销单 ${no}`)).join()).toContain('只有申请人和审批人员');
  });

  it('reminds the approvers of a step waiting longer than REIMBURSE_REMIND_AFTER_HOURS', async () => {
    const no = await submitClaim('zhang', subway());
    const deps = { ...bot.services, recoverInbox: async () => 0 };
    let mark = chat.sent.length;
    clock = new Date(clock.getTime() + 23 * 3600_000);
    await remindWaitingSteps.run(deps, clock);
    expect(sentTo('wang', mark)).toEqual([]);

    clock = new Date(clock.getTime() + 2 * 3600_000);
    await remindWaitingSteps.run(deps, clock);
    expect(sentTo('wang', mark).join()).toContain(`⏰ 报销单 ${no}`);
    expect(sentTo('wang', mark).join()).toContain('已等待 25 小时');
    expect(sentTo('zhang', mark)).toEqual([]);

    // once per period, not every run
    mark = chat.sent.length;
    await remindWaitingSteps.run(deps, clock);
    expect(sentTo('wang', mark)).toEqual([]);
  });
});
