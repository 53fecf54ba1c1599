import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import { Trip } from '../../../handlers/vehicles/models.ts';
import { remindWaitingSteps } from '../../../schedules/reimbursements.ts';
import type { Bot } from '../../../src/bot.ts';
import { loadConfig } from '../../../src/config.ts';
import { compose } from '../../../src/core/workflow.ts';
import { Identity, OnceKey, Staff } from '../../../src/models/index.ts';
import { installed } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * Issue #13: the §3.5 controls cannot be talked around — ticket serials compared however typed, a
 * group trip only with the other travellers named, large amounts shown to approvers instead of a
 * cap that advises splitting, and reminders only to people who may decide the step.
 */

useDatabase('reimb_controls');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T04:00:00Z');
const config = testConfig({
  REIMBURSE_LARGE_ITEM_YUAN: '5000',
  REIMBURSE_CHAIRMAN_NOTE_ABOVE_YUAN: '20000',
  REIMBURSE_REMIND_AFTER_HOURS: '24',
});

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config, now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T04:00:00Z');
  await seedPeople('console');
  chat.sent.splice(0);
});

const sentTo = (userId: string, from = 0) => chat.privately(userId, from);

async function submitClaim(who: string, item: Parameters<typeof itemMessage>[0]): Promise<string> {
  const [draft] = await chat.say(who, itemMessage(item));
  expect(draft, 'the draft card').toContain('报销草稿');
  await chat.picture(who, `console:${who}-${randomUUID()}.jpg`); // §3.5.3 each item carries its receipt photo (#20)
  const replies = await chat.say(who, '提交报销');
  const no = /BX-\d{8}-\d{3}/.exec(replies.join('\n'))?.[0];
  expect(no, replies.join('\n')).toBeDefined();
  return no!;
}

const bus = (serials: string, extra: Partial<Parameters<typeof itemMessage>[0]> = {}) => ({
  date: '2026-11-25',
  category: '公交',
  amount: '2',
  serials,
  travellers: '1',
  ...extra,
});

describe('§3.5.3 serials compared however they were typed', () => {
  it('refuses a ticket claimed before when it is typed differently (a-0123 after A123)', async () => {
    const first = await submitClaim('zhang', bus('A123'));
    expect(await OnceKey.exists({ _id: 'busticket:A123' })).toBeTruthy();
    const replies = await chat.say('zhao', itemMessage(bus('a-0123')));
    expect(replies.join('\n')).toContain(first);
    expect(replies.join('\n')).toContain('已报销过');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it("sees A-124 next to the same claimant's earlier A123 as consecutive", async () => {
    const first = await submitClaim('zhang', bus('A123'));
    const replies = await chat.say('zhang', itemMessage(bus('A-124')));
    expect(replies.join('\n')).toContain(`与 ${first} 中的 A123`);
  });

  it('still finds a serial taken before serials were normalised', async () => {
    // keys were the serial as typed, in upper case
    await OnceKey.create({ _id: 'busticket:A-0777', at: new Date(), by: 'BX-20261101-001' });
    const replies = await chat.say('zhao', itemMessage(bus('a-0777')));
    expect(replies.join('\n')).toContain('BX-20261101-001');
  });
});

describe('§3.5.3 二人及以上同行', () => {
  it('does not lift the consecutive rule on the head count alone: the other travellers must be named', async () => {
    const replies = await chat.say('zhang', itemMessage(bus('00123,00124', { travellers: '2' })));
    expect(replies.at(-1)).toContain('同行人');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
    expect((await chat.say('zhang', '李四')).join()).toContain('已加入第 1 项');
    expect((await chat.click('zhang', 'reimburse.draft', {})).join()).toContain('2人同行：本人、李四');
  });

  it("compares a 2-person item's tickets with a 1-person item's in the same claim", async () => {
    await chat.say('zhang', itemMessage(bus('00123,00124', { travellers: '2', companions: '李四' })));
    const replies = await chat.say('zhang', itemMessage(bus('00125')));
    expect(replies.join('\n')).toContain('00124/00125');
    expect((await ReimbursementDraft.findOne().lean())!.items).toHaveLength(1);
  });

  it('never tells the claimant to raise the head count', async () => {
    const replies = await chat.say('zhang', itemMessage(bus('00123,00124')));
    expect(replies.join('\n')).toContain('连号');
    expect(replies.join('\n')).not.toContain('同行人数填为');
  });
});

describe('large amounts are shown to the approvers, not refused', () => {
  it('accepts a large item without advising to split it, flags it on the approval card, and adds 董事长批示 past the configured total', async () => {
    const [draft] = await chat.say(
      'zhang',
      itemMessage({ date: '2026-11-25', category: '办公用品', amount: '25000', matter: '监控室设备更换' }),
    );
    expect(draft).toContain('报销草稿');
    expect(draft).not.toContain('拆分');
    await chat.picture('zhang', 'console:monitor.jpg');
    const no = (await chat.say('zhang', '提交报销')).join('\n').match(/BX-\d{8}-\d{3}/)![0];
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim!.flags.map((f) => f.code)).toEqual(['large_amount', 'large_total']);
    expect(claim!.steps.map((s) => s.key)).toEqual([
      'ga_review',
      'finance_check',
      'chairman_special',
      'chairman_approve',
      'payout',
    ]);
    expect(sentTo('wang').join()).toContain('金额较大');
  });
});

describe('reminders go only to people who may decide the step', () => {
  it('does not remind someone who decided an earlier step for another department (§3.5.1)', async () => {
    const both = await Staff.create({ name: '周两职', phone: '13800000099', roles: ['general_affairs', 'finance'] });
    await Identity.create({
      _id: 'console:both',
      staffId: both._id,
      channel: 'console',
      userId: 'both',
      boundAt: new Date(),
    });
    const no = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '地铁',
      amount: '6',
      serials: 'M5001',
      travellers: '1',
    });
    await chat.say('both', `批准 ${no}`);
    expect((await ReimbursementClaim.findById(no).lean())!.steps[1]!.status).toBe('pending');
    const mark = chat.sent.length;
    clock = new Date(clock.getTime() + 25 * 3600_000);
    await remindWaitingSteps.run({ ...bot.services, recoverInbox: async () => 0 }, clock);
    expect(sentTo('li', mark).join()).toContain(`⏰ 报销单 ${no}`);
    expect(sentTo('both', mark)).toEqual([]);
  });
});

describe('§3.4.5 vehicle costs are claimed from a trip', () => {
  it('refuses a fuel or repair item that names no trip, and keeps nothing', async () => {
    const replies = await chat.say(
      'zhang',
      itemMessage({ date: '2026-11-25', category: '油费', amount: '300', matter: '给巡逻车加油' }),
    );
    expect(replies.join('\n')).toContain('§3.4.5');
    expect(replies.join('\n')).not.toContain('报销草稿');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('takes the item when it names a trip of the claimant, and submits it', async () => {
    const zhang = await Staff.findOne({ phone: '13800000001' }).lean();
    await Trip.create({
      _id: 'CL-20261125-001',
      plate: '粤B12345',
      driver: { staffId: String(zhang!._id), name: '张三' },
      permit: 'ZJ-1',
      startedAt: new Date('2026-11-25T01:00:00Z'),
      startOdometer: 100,
      purpose: '接送夜班队员',
      // #20: only an ended trip's recorded costs are claimed, up to what it recorded
      status: 'ended',
      endedAt: new Date('2026-11-25T05:00:00Z'),
      endOdometer: 180,
      costs: { fuel: 30000, toll: 0, parking: 0, repair: 0 },
    });
    const no = await submitClaim('zhang', {
      date: '2026-11-25',
      category: '油费',
      amount: '300',
      matter: '出车 CL-20261125-001 粤B12345：接送夜班队员（油费）',
    });
    expect(no).toMatch(/^BX-/);
  });

  it('takes any fuel item where the vehicles workflow is not installed: there is no trip log to check against', async () => {
    const withoutVehicles = compose(installed.filter((i) => i.workflow.name !== 'vehicles'));
    const { bot: other, receiver } = await startTestBot({
      config: loadConfig({ BOT_CONSOLE: 'off', HTTP_PORT: '0' }, withoutVehicles.settings),
      workflows: withoutVehicles,
      now: () => clock,
    });
    try {
      const replies = await receiver.say(
        'zhang',
        itemMessage({ date: '2026-11-25', category: '油费', amount: '300', matter: '给巡逻车加油' }),
      );
      expect(replies.join('\n')).toContain('报销草稿');
      expect(replies.join('\n')).not.toContain('§3.4.5');
    } finally {
      await other.stop();
    }
  });
});
