import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import { decidedForAnotherDepartment } from '../../../handlers/reimbursements/rules.ts';
import type { Bot } from '../../../src/bot.ts';
import { Identity, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * Issue #20, hole 3: "with those extra roles one person must still never be able to push one claim
 * through more than one step" (§3.5.1: 综合部审核 → 财务部审查 → 董事长批准 → 财务部发放 are separate
 * departments' checks). 王综合 is given 财务部 and 董事长 too, through 设置角色 and a second person's
 * confirmation, and then tries to take a claim through every step.
 */

useDatabase('reimb_one_step');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T04:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
  const admin = await Staff.create({ name: '孙行政', phone: '13800000010', roles: ['admin'] });
  await Identity.create({
    _id: 'console:sun',
    staffId: admin._id,
    channel: 'console',
    userId: 'sun',
    boundAt: new Date(),
  });
  // 行政部 asks, 董事长 confirms: 王综合 now holds 综合部、财务部、董事长
  const asked = (await chat.say('sun', '设置角色 王综合 综合部、财务部、董事长')).join('\n');
  const no = /QX-\d{8}-\d{3}/.exec(asked)![0];
  expect((await chat.say('chen', `确认授权 ${no}`)).join('\n')).toContain('已确认授权');
  expect((await Staff.findOne({ name: '王综合' }).lean())!.roles).toEqual(['general_affairs', 'finance', 'chairman']);
});

let claims = 0;
async function submit(who: string): Promise<string> {
  // a ticket carries its serial and every item its receipt photo (§3.5.3, claims merge)
  const n = ++claims;
  await chat.say(
    who,
    itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: `M${5000 + 10 * n}`, travellers: '1' }),
  );
  await chat.picture(who, `console:${who}-receipt-${n}.jpg`);
  return /BX-\d{8}-\d{3}/.exec((await chat.say(who, '提交报销')).join('\n'))![0];
}
const stepOf = async (no: string) => {
  const c = (await ReimbursementClaim.findById(no).lean())!;
  return { key: c.steps[c.stepIndex]!.key, status: c.status };
};

describe("§3.5.1 one person, one department's step, whatever roles they hold", () => {
  it('lets 王综合 (综合部+财务部+董事长) decide the 综合部 review and refuses him at 财务部, 董事长 and the payout', async () => {
    const no = await submit('zhang');
    expect((await chat.say('wang', `批准 ${no}`)).join('\n')).toContain('已批准');
    expect(await stepOf(no)).toEqual({ key: 'finance_check', status: 'pending' });

    expect((await chat.say('wang', `批准 ${no}`)).join('\n')).toContain('同一人不能再审批');
    expect(await stepOf(no)).toEqual({ key: 'finance_check', status: 'pending' });
    await chat.say('li', `批准 ${no}`);

    expect((await chat.say('wang', `批准 ${no}`)).join('\n')).toContain('同一人不能再审批');
    expect(await stepOf(no)).toEqual({ key: 'chairman_approve', status: 'pending' });
    await chat.say('chen', `批准 ${no}`);

    expect((await chat.say('wang', `发放 ${no} 银行转账`)).join('\n')).toContain('同一人不能再审批');
    expect(await stepOf(no)).toEqual({ key: 'payout', status: 'pending' });
    expect((await chat.say('li', `发放 ${no} 银行转账`)).join('\n')).toContain('已登记');
  });

  it('refuses him at every step of his own claim', async () => {
    const no = await submit('wang');
    expect((await chat.say('wang', `批准 ${no}`)).join('\n')).toContain('不能审批自己');
    await chat.say('liu', `批准 ${no}`);
    expect((await chat.say('wang', `批准 ${no}`)).join('\n')).toContain('不能审批自己');
    await chat.say('li', `批准 ${no}`);
    expect((await chat.say('wang', `批准 ${no}`)).join('\n')).toContain('不能审批自己');
    expect(await stepOf(no)).toEqual({ key: 'chairman_approve', status: 'pending' });
  });

  it("does not send him the card of a later department's step once he decided one", async () => {
    const no = await submit('zhang');
    const mark = chat.sent.length;
    await chat.say('wang', `批准 ${no}`);
    expect(chat.privately('li', mark).join('\n')).toContain(no);
    expect(chat.privately('wang', mark).join('\n')).not.toContain('财务部审查');
  });
});

describe('decidedForAnotherDepartment (§3.5.1)', () => {
  const steps = [
    { key: 'ga_special', role: 'general_affairs', by: 'w' },
    { key: 'ga_review', role: 'general_affairs', by: null },
    { key: 'finance_check', role: 'finance', by: null },
  ];
  it('lets one person decide two steps of one department, not of two', () => {
    expect(decidedForAnotherDepartment(steps, 1, 'w')).toBeUndefined();
    expect(decidedForAnotherDepartment(steps, 2, 'w')?.key).toBe('ga_special');
    expect(decidedForAnotherDepartment(steps, 2, 'x')).toBeUndefined();
    expect(decidedForAnotherDepartment(steps, 2, undefined)).toBeUndefined();
  });
});
