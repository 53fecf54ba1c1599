import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { types } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { Bot } from '../../src/bot.ts';
import { Identity } from '../../src/models/index.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { seedPeople } from '../helpers/reimbursement-people.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * Reimbursements on WeChat end to end (PuppetServer → gRPC → wechaty-puppet-service → the app): a
 * guard submits with the guided form, approvers get the card as text and answer with commands.
 */

useDatabase('reimb_wechat');

let wx: WechatFixture;
let bot: Bot;
// 张三 claims; 李四 is 综合部; 王经理 (the fixture's "admin" contact) is 财务部
let claimant: mock.ContactMock;
let ga: mock.ContactMock;
let finance: mock.ContactMock;

beforeAll(async () => {
  wx = await startWechatFixture();
  ({ zhang: claimant, li: ga, admin: finance } = wx.people);
  const config = testConfig({ ...wx.env() });
  const receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, workflows: composition, receivers: [receiver], jobs: [] });
  await bot.start();
  await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');
});
afterAll(async () => {
  await bot?.stop();
  await wx?.stop();
});
beforeEach(async () => {
  await clearCollections();
  await seedPeople('wechat', { zhang: claimant.id, wang: ga.id, li: finance.id });
  // only the people who have a phone in this fixture stay bound
  await Identity.deleteMany({ userId: { $nin: [claimant.id, ga.id, finance.id] } });
});

async function talk(from: mock.ContactMock, text: string): Promise<string> {
  const before = wx.deliveredTo(from.id).length;
  const id = wx.say(from, text);
  await waitProcessed(`wechat:${id}`);
  return (
    await waitFor(
      () => (wx.deliveredTo(from.id).length > before ? wx.deliveredTo(from.id).slice(before) : undefined),
      `an answer to "${text}"`,
    )
  ).join('\n');
}

const received = (who: mock.ContactMock, marker: string) =>
  waitFor(() => wx.deliveredTo(who.id).find((t) => t.includes(marker)), `${who.id} to receive "${marker}"`);

/** `from` sends a picture in private, as WeChat delivers it; resolves with the bot's answer and the picture's message id. */
async function picture(from: mock.ContactMock): Promise<{ answer: string; id: string }> {
  const before = wx.deliveredTo(from.id).length;
  const id = wx.say(from, '', { type: types.Message.Image });
  await waitProcessed(`wechat:${id}`);
  const answer = (
    await waitFor(
      () => (wx.deliveredTo(from.id).length > before ? wx.deliveredTo(from.id).slice(before) : undefined),
      'an answer to the picture',
    )
  ).join('\n');
  return { answer, id };
}

/** The guided form, one answer per message, the receipt photo (§3.5.3, #20), then 提交报销; resolves with the claim number. */
async function submitByGuidedForm(answers: string[]): Promise<string> {
  expect(await talk(claimant, '报销')).toContain('请输入票据日期');
  let last = '';
  for (const a of answers) last = await talk(claimant, a);
  expect(last).toContain('报销草稿');
  expect((await picture(claimant)).answer).toContain('已把票据照片附在第 1 项');
  const done = await talk(claimant, '提交报销');
  return /BX-\d{8}-\d{3}/.exec(done)![0];
}

describe('reimbursements on WeChat', () => {
  it('a guard submits with the guided form; 综合部 approves by text and 财务部 gets the card (§3.5.1)', async () => {
    const no = await submitByGuidedForm(['昨天', '公交', '4', '去万达广场送排班表', '李经理', '10021, 10023', '1']);
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.items[0]).toMatchObject({ category: 'bus', amount: 400, serials: ['10021', '10023'] });

    const card = await received(ga, `综合部审核 ${no}`);
    expect(card).toContain(`批准 ${no}`);
    // the card is short (#21): the items are in the record, one button or command away
    expect(card).toContain('查看明细');
    expect(await talk(ga, `报销单 ${no}`)).toContain('票号 10021,10023');

    expect(await talk(ga, `批准 ${no}`)).toContain('已批准');
    expect(await received(finance, `财务部审查 ${no}`)).toContain(`驳回 ${no} 原因`);
    expect(await received(claimant, '已通过「综合部审核」')).toContain(no);
    expect((await ReimbursementClaim.findById(no).lean())?.history[1]).toMatchObject({
      byName: '王综合',
      action: 'approved',
    });
  });

  it('refuses consecutive tickets for one traveller and asks again for the serials (§3.5.3)', async () => {
    expect(await talk(claimant, '报销')).toContain('日期');
    for (const a of ['11-20', '公交', '4', '去万达广场', '李经理', '30001,30002']) await talk(claimant, a);
    const refused = await talk(claimant, '1');
    expect(refused).toContain('§3.5.3');
    expect(refused).toContain('连号');
    expect(refused).toContain('请输入票号');
    await talk(claimant, '30001,30002');
    // two travellers lift the rule only with the other one named (§3.5.3)
    expect(await talk(claimant, '2')).toContain('同行人的姓名');
    const draft = await talk(claimant, '李四');
    expect(draft).toContain('报销草稿');
    // the short draft (#21): its fourth button shows the whole of it
    expect(draft).toContain('[4] 查看草稿');
    expect(await talk(claimant, '4')).toContain('2人同行：本人、李四');
  });

  it('财务部 rejects by text with a reason, and the claimant is told the reason', async () => {
    // a subway ticket asks its serial and travellers too (#20)
    const no = await submitByGuidedForm(['今天', '地铁', '6', '去公司开会', '王综合', 'M0601', '1']);
    await received(ga, `综合部审核 ${no}`);
    await talk(ga, `批准 ${no}`);
    await received(finance, `财务部审查 ${no}`);
    expect(await talk(finance, `驳回 ${no}`)).toContain('必须写明原因');
    expect(await talk(finance, `驳回 ${no} 缺少公司接洽人签字`)).toContain('已驳回');
    const told = await received(claimant, '被 李财务 驳回');
    expect(told).toContain('原因：缺少公司接洽人签字');
    expect((await ReimbursementClaim.findById(no).lean())?.status).toBe('rejected');
  });

  it('sends the receipt photos to an approver who asks: 查看票据照片 forwards each picture (§3.5.3, #20)', async () => {
    const forwarded: string[] = [];
    const forward = wx.puppet.messageForward.bind(wx.puppet);
    wx.puppet.messageForward = async (conversationId: string, messageId: string) => {
      forwarded.push(`${conversationId}:${messageId}`);
      return forward(conversationId, messageId);
    };
    expect(await talk(claimant, '报销')).toContain('请输入票据日期');
    for (const a of ['今天', '办公用品', '50', '监控室打印纸', '王综合']) await talk(claimant, a);
    const { id } = await picture(claimant);
    const no = /BX-\d{8}-\d{3}/.exec(await talk(claimant, '提交报销'))![0];
    const card = await received(ga, `综合部审核 ${no}`);
    // the card's third button, by its number as a WeChat approver answers it
    expect(card).toContain('[3] 查看票据照片（1 张）');
    expect(await talk(ga, '3')).toContain(`报销单 ${no} 的票据照片`);
    await waitFor(() => forwarded.length > 0 || undefined, 'the picture forwarded');
    expect(forwarded).toEqual([`${ga.id}:${id}`]);
  });
});
