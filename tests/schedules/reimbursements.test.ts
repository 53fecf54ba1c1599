import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reimbursementDue } from '../../handlers/reimbursements/due.ts';
import { remindWaiting } from '../../schedules/reimbursements.ts';
import type { Bot } from '../../src/bot.ts';
import { DueChunk } from '../../src/models/index.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../helpers/harness.ts';
import { itemMessage, seedPeople } from '../helpers/reimbursement-people.ts';

/* §3.5 reminders of a waiting approval step, visited through due keys read by `_id`. */

useDatabase('reimb_remind');

let bot: Bot;
let chat: MemoryReceiver;
const t0 = new Date('2026-11-27T04:00:00Z');
let clock = t0;
const H = 3600_000;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = t0;
  await seedPeople('console');
  chat.sent.splice(0);
});

const remindersTo = (userId: string, no: string) =>
  chat.sent.filter((s) => 'userId' in s.target && s.target.userId === userId && s.text.includes(`⏰ 报销单 ${no}`));

let claims = 0;

async function submitClaim(): Promise<string> {
  // a ticket carries its serial and every item its receipt photo (§3.5.3, #20)
  const n = ++claims;
  await chat.say(
    'zhang',
    itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: `M${5000 + 10 * n}`, travellers: '1' }),
  );
  await chat.picture('zhang', `console:receipt-${n}.jpg`);
  const replies = await chat.say('zhang', '提交报销');
  const no = /BX-\d{8}-\d{3}/.exec(replies.join('\n'))?.[0];
  expect(no, replies.join('\n')).toBeDefined();
  return no!;
}

async function remindAt(hours: number) {
  clock = new Date(t0.getTime() + hours * H);
  await remindWaiting(bot.services);
}

describe('reminders of a waiting step (REIMBURSE_REMIND_AFTER_HOURS, default 24)', () => {
  it('reminds once per period, period after period, however often the job runs', async () => {
    await remindAt(0);
    const no = await submitClaim();
    await remindAt(23.9);
    expect(remindersTo('wang', no)).toHaveLength(0);
    for (const h of [24.1, 24.2, 30]) await remindAt(h);
    expect(remindersTo('wang', no)).toHaveLength(1);
    for (const h of [48.1, 48.2, 60]) await remindAt(h);
    expect(remindersTo('wang', no)).toHaveLength(2);
  });

  it('stops once the step is decided, and keys the next step of the chain', async () => {
    await remindAt(0);
    const no = await submitClaim();
    clock = new Date(t0.getTime() + 2 * H);
    expect((await chat.say('wang', `批准 ${no}`)).join()).toContain('已批准');
    await remindAt(24.1);
    expect(remindersTo('wang', no)).toHaveLength(0);
    // the next step waits from the decision (2 h): its approvers are reminded 24 h later
    await remindAt(26.1);
    expect(remindersTo('li', no)).toHaveLength(1);
  });

  it('takes a claim stored before the keys existed, on the first run', async () => {
    const no = await submitClaim();
    await DueChunk.deleteMany({});
    await remindAt(24.1);
    expect(remindersTo('wang', no)).toHaveLength(1);
  });

  it('an extra key (a change that died after writing it) reminds nobody early', async () => {
    await remindAt(0);
    const no = await submitClaim();
    await reimbursementDue.add(no, new Date(t0.getTime() + 1 * H), clock);
    await remindAt(1.1);
    expect(remindersTo('wang', no)).toHaveLength(0);
    await remindAt(24.1);
    expect(remindersTo('wang', no)).toHaveLength(1);
  });
});
