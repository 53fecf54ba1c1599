import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { Complaint } from '../../handlers/complaints/models.ts';
import { Bot } from '../../src/bot.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { registrationLines, seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { readWorkbook } from '../helpers/exports.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * 导出 on WeChat for real: the command goes PuppetServer → gRPC → wechaty-puppet-service → the bot,
 * and the spreadsheet comes back as a FileBox the puppet service receives; asked in the group, it
 * goes to the asker privately.
 */

useDatabase('exports_wechat');

let wx: WechatFixture;
let bot: Bot;
let receiver: WechatyReceiver;
let kefu: mock.ContactMock;

beforeAll(async () => {
  wx = await startWechatFixture();
  kefu = wx.mocker.createContact({ id: 'wxid_kefu', name: '王客服' });
  wx.room.payload.memberIdList.push(kefu.id);
  const config = testConfig(wx.env());
  receiver = new WechatyReceiver(config.wechat!, silentLog);
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
  await seedPeople('wechat', { kefu: kefu.id }, ['kefu']);
});

async function send(text: string, inRoom = false): Promise<void> {
  await waitProcessed(`wechat:${wx.say(kefu, text, { inRoom, mentionBot: inRoom })}`);
}

describe('导出 on WeChat', () => {
  it('sends the spreadsheet as a file the puppet service receives', async () => {
    await send(`登记投诉\n${registrationLines()}`);
    expect(await Complaint.countDocuments()).toBe(1);
    await send('导出 投诉列表');
    await waitFor(() => wx.filesTo(kefu.id).length > 0, 'the file');
    const [file] = wx.filesTo(kefu.id);
    expect(file!.name).toMatch(/^投诉列表-\d{8}-\d{4}\.xlsx$/);
    expect((await readWorkbook(file!.data))['投诉']![1]![1]).toBe('万达物业');
    expect(wx.deliveredTo(kefu.id).join()).toContain('共 1 行');
  });

  it('asked in the group, sends it privately and says so in the group', async () => {
    await send(`登记投诉\n${registrationLines()}`);
    const before = wx.filesTo(kefu.id).length;
    await send('导出 投诉列表', true);
    await waitFor(() => wx.filesTo(kefu.id).length > before, 'the file in private');
    expect(wx.filesTo(wx.room.id)).toHaveLength(0);
    await waitFor(() => wx.deliveredTo(wx.room.id).some((t) => t.includes('已私聊发给你')), 'the note in the group');
  });
});
