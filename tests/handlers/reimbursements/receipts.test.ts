import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { ATTACHMENT_UNUSED } from '../../../src/core/app.ts';
import { Identity, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';

useDatabase('receipts');

let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => new Date('2026-11-27T04:00:00Z') }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  const s = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'] });
  await Identity.create({
    _id: 'console:zhang',
    staffId: s._id,
    channel: 'console',
    userId: 'zhang',
    boundAt: new Date(),
  });
});

function photo(ref: string) {
  return chat.deliver({
    id: randomUUID(),
    channel: 'console',
    chat: { id: 'zhang', isGroup: false },
    userId: 'zhang',
    kind: 'message',
    text: '',
    attachments: [{ kind: 'image', ref }],
    receivedAt: new Date(),
  });
}

describe('receipt photos (§3.5.3 票据)', () => {
  it('asks for an item first when no claim is being filled in', async () => {
    const [reply] = await photo('console:a.jpg');
    expect(reply).toContain('请先发送「报销」');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('asks to finish the item first when a photo comes in the middle of its questions', async () => {
    await chat.say('zhang', '报销');
    const [reply] = await photo('console:early.jpg');
    expect(reply).toContain('先把这一项的问题答完');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('attaches photos to the last item of the draft and carries them into the submitted claim', async () => {
    await chat.say(
      'zhang',
      '报销\n日期: 2026-11-25\n类别: 地铁\n金额: 6\n所办事项: 去万达广场送排班表\n公司接洽人: 李经理\n票号: M0601',
    );
    const [first] = await photo('console:ticket-1.jpg');
    expect(first).toContain('第 1 项');
    await photo('console:ticket-2.jpg');
    await photo('console:ticket-2.jpg'); // the same picture twice is kept once
    expect((await ReimbursementDraft.findOne().lean())?.items[0]?.receipts).toEqual([
      'console:ticket-1.jpg',
      'console:ticket-2.jpg',
    ]);
    const submitted = (await chat.say('zhang', '提交报销')).join('\n');
    // the short confirmation (#21): the record with its photos is one command away
    const no = /BX-\d{8}-\d{3}/.exec(submitted)![0];
    expect((await chat.say('zhang', `报销单 ${no}`)).join()).toContain('票据照片 2 张');
    expect((await ReimbursementClaim.findOne().lean())?.items[0]?.receipts).toEqual([
      'console:ticket-1.jpg',
      'console:ticket-2.jpg',
    ]);
  });

  it('tells an admin with no use for a picture to send text', async () => {
    const { bot: other, receiver } = await startTestBot({
      config: testConfig({ BOT_ADMINS: 'console:boss' }),
      routes: { commands: [], actions: [] },
    });
    const [reply] = await receiver.deliver({
      id: randomUUID(),
      channel: 'console',
      chat: { id: 'boss', isGroup: false },
      userId: 'boss',
      kind: 'message',
      text: '',
      attachments: [{ kind: 'image', ref: 'console:x.jpg' }],
      receivedAt: new Date(),
    });
    await other.stop();
    expect(reply).toBe(ATTACHMENT_UNUSED);
  });
});
