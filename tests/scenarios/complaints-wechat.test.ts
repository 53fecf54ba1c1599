import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { Complaint } from '../../handlers/complaints/models.ts';
import { Bot } from '../../src/bot.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { type SayOptions, startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * Complaints through WeChat for real: mock contacts write through PuppetServer → gRPC →
 * wechaty-puppet-service → the bot → the real database, and the answers travel back the same way.
 */

useDatabase('complaints_wechat');

let wx: WechatFixture;
let bot: Bot;
let receiver: WechatyReceiver;
let kefu: mock.ContactMock;
let kefu2: mock.ContactMock;
let renfang: mock.ContactMock;
let clock = new Date('2026-11-27T02:00:00Z');
const DAY = 24 * 3600_000;

beforeAll(async () => {
  wx = await startWechatFixture();
  kefu = wx.mocker.createContact({ id: 'wxid_kefu', name: '王客服' });
  kefu2 = wx.mocker.createContact({ id: 'wxid_kefu2', name: '周客服' });
  renfang = wx.mocker.createContact({ id: 'wxid_renfang', name: '刘人防' });
  const config = testConfig({ ...wx.env(), COMPLAINT_FOLLOWUP_DAYS: '7,30' });
  receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, workflows: composition, receivers: [receiver], jobs: [], now: () => clock });
  await bot.start();
  await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');
});
afterAll(async () => {
  await bot?.stop();
  await wx?.stop();
});
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('wechat', { kefu: kefu.id, kefu2: kefu2.id, renfang: renfang.id }, ['kefu', 'kefu2', 'renfang']);
});

async function talk(from: mock.ContactMock, text: string, opts: SayOptions = {}): Promise<string> {
  const chatId = opts.inRoom ? wx.room.id : from.id;
  const before = wx.deliveredTo(chatId).length;
  const id = wx.say(from, text, opts);
  await waitProcessed(`wechat:${id}`);
  const replies = await waitFor(
    () => {
      const r = wx.deliveredTo(chatId).slice(before);
      return r.length ? r : undefined;
    },
    `a reply to "${text.slice(0, 20)}"`,
  );
  return replies.join('\n');
}

describe('§4.1 registration over WeChat', () => {
  it('gives two registrations sent at the same moment different numbers', async () => {
    const [a, b] = await Promise.all([
      talk(kefu, `登记投诉\n${registrationLines({ name: '甲公司' })}`),
      talk(kefu2, `登记投诉\n${registrationLines({ name: '乙公司' })}`),
    ]);
    const ids = [NUMBER_RE.exec(a)?.[0], NUMBER_RE.exec(b)?.[0]];
    expect(ids.every(Boolean), `${a}\n${b}`).toBe(true);
    expect(new Set(ids)).toEqual(new Set(['TS-20261127-001', 'TS-20261127-002']));
  });
});

describe('the whole flow over WeChat: guided form, text cards, follow-up plan', () => {
  it('registers with the guided form, 人防部 investigates by answering 1, and the follow-up plan closes the case; 人防部 cannot close it', async () => {
    expect(await talk(kefu, '登记投诉')).toContain('请输入投诉客户名称');
    expect(await talk(kefu, '万达物业')).toContain('客户地址');
    expect(await talk(kefu, '城南路 1 号')).toContain('客户电话');
    expect(await talk(kefu, '12345')).toContain('电话号码不对');
    expect(await talk(kefu, '13712345678')).toContain('投诉缘由');
    await talk(kefu, '夜班队员在岗睡觉');
    await talk(kefu, '更换队员');
    expect(await talk(kefu, '不知道')).toContain('分类「不知道」不认识');
    await talk(kefu, '一般');
    await talk(kefu, '脱岗睡岗');
    const registered = await talk(kefu, '跳过');
    const id = NUMBER_RE.exec(registered)?.[0];
    expect(id, registered).toBe('TS-20261127-001');
    // private chat with 客服部: the number in full
    expect(registered).toContain('13712345678');
    // §4.2: the client is told it is being handled, or the case cannot close (#20)
    expect(await talk(kefu, `已告知 ${id}`)).toMatch(/已告知客户|已记录/);

    // 人防部 got the card as text with numbered buttons
    const card = await waitFor(
      () => wx.deliveredTo(renfang.id).find((t) => t.includes(`新投诉待调查：${id}`)),
      'the card to 人防部',
    );
    expect(card).toContain('[1] 记录调查');
    expect(await talk(renfang, '1')).toContain('发生原因');
    await talk(renfang, '队员连续上夜班疲劳');
    await talk(renfang, '张三');
    await talk(renfang, '陈队长');
    expect(await talk(renfang, '调整排班')).toContain(`调查已记录：${id}`);

    await talk(
      kefu,
      `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换夜班队员\n责任归属: 队员张三\n改善方案: 队长每晚查岗`,
    );
    expect(await talk(kefu, `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`)).toContain(
      '已建立回访计划',
    );

    expect(await talk(renfang, `回访 ${id} 满意`)).toContain('没有权限');
    clock = new Date(clock.getTime() + 7 * DAY);
    expect(await talk(kefu, `回访 ${id} 满意 夜班正常`)).toContain('还剩 1 次回访');
    await talk(kefu, `改善效果 ${id} 有效`);
    clock = new Date(clock.getTime() + 23 * DAY);
    expect(await talk(kefu, `回访 ${id} 满意`)).toContain('投诉已结案');
    expect((await Complaint.findById(id).lean())!.status).toBe('closed');

    const record = await talk(kefu, `投诉 ${id}`);
    expect(record).toContain('状态：已结案');
    expect(record).toContain('刘人防 记录调查');
  });

  it('masks the client phone when the record is asked for in the group', async () => {
    const registered = await talk(kefu, `登记投诉\n${registrationLines()}`);
    const id = NUMBER_RE.exec(registered)![0];
    const inGroup = await talk(kefu, `/投诉 ${id}`, { inRoom: true });
    expect(inGroup).toContain('137****5678');
    expect(inGroup).not.toContain('13712345678');
  });
});
