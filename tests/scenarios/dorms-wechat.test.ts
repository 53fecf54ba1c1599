import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { eveningStep } from '../../handlers/dorms/evening.ts';
import { RollCall } from '../../handlers/dorms/models.ts';
import { Bot } from '../../src/bot.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../helpers/dorms.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * The roll call over WeChat for real: the card arrives as text with numbered buttons through
 * PuppetServer → gRPC → wechaty-puppet-service, and the leader answers with `查房 …` or a number.
 */

useDatabase('dorms_wechat');

let wx: WechatFixture;
let bot: Bot;
let receiver: WechatyReceiver;
let clock = sh('20:00');
const contacts = {} as Record<'chen' | 'liu' | 'zonghe', mock.ContactMock>;

beforeAll(async () => {
  wx = await startWechatFixture();
  contacts.chen = wx.mocker.createContact({ id: 'wxid_chen', name: '陈队长' });
  contacts.liu = wx.mocker.createContact({ id: 'wxid_liu', name: '刘队长' });
  contacts.zonghe = wx.mocker.createContact({ id: 'wxid_zonghe', name: '赵综合' });
  const config = testConfig(wx.env());
  receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, receivers: [receiver], workflows: composition, jobs: [], now: () => clock });
  await bot.start();
  await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');
});
afterAll(async () => {
  await bot?.stop();
  await wx?.stop();
});
beforeEach(async () => {
  await clearCollections();
  clock = sh('20:00');
  const ids = await seedDormPeople('wechat', { chen: 'wxid_chen', liu: 'wxid_liu', zonghe: 'wxid_zonghe' } as Partial<
    Record<DormWho, string>
  >);
  await seedLeaders(ids);
});

async function talk(from: mock.ContactMock, text: string): Promise<string> {
  const before = wx.deliveredTo(from.id).length;
  const id = wx.say(from, text);
  await waitProcessed(`wechat:${id}`);
  const replies = await waitFor(() => {
    const r = wx.deliveredTo(from.id).slice(before);
    return r.length ? r : undefined;
  }, `a reply to "${text}"`);
  return replies.join('\n');
}

describe('§3.3.3 the roll call over WeChat', () => {
  it('arrives as text with numbered answers; `查房 未归 …` reaches 综合部 with the reason; 归宿 is recorded with the time', async () => {
    clock = sh('21:45');
    await eveningStep(bot.services, clock);
    const card = await waitFor(
      () => wx.deliveredTo(contacts.chen.id).find((t) => t.includes('【查房：城南宿舍 11月27日】')),
      'the roll call',
    );
    expect(card).toContain('[1] 全部已归');
    expect(card).toContain('查房 未归 张三 李四');

    clock = sh('22:06');
    expect(await talk(contacts.chen, '查房 未归 1(联系不上) 夜班 李四')).toContain('已通知综合部');
    const notice = await waitFor(
      () => wx.deliveredTo(contacts.zonghe.id).find((t) => t.includes('未归：城南宿舍')),
      'the 未归 notice',
    );
    expect(notice).toContain('张三（联系不上）');
    expect(notice).not.toContain('李四');

    clock = sh('00:40', 28);
    expect(await talk(contacts.chen, '归宿 张三 0:20')).toContain('00:20 归宿');
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.report!.entries[0]!.returnedAt!.toISOString()).toBe('2026-11-27T16:20:00.000Z');
  });

  it('a leader answers 1 for 全部已归; the dorm that did not report is chased once', async () => {
    clock = sh('21:45');
    await eveningStep(bot.services, clock);
    await waitFor(() => wx.deliveredTo(contacts.liu.id).find((t) => t.includes('查房：城北宿舍')), 'the roll call');
    // at 22:01: §3.3.3 counts who is in at 22:00, an answer before it is only a 预报 and is chased too (curfew.test.ts)
    clock = sh('22:01');
    // the card is 16 minutes old (CARD_NUMBER_MINUTES 10): it comes again, and its 1 then counts (#21)
    expect(await talk(contacts.liu, '1')).toContain('这张卡片已过期');
    expect(await talk(contacts.liu, '1')).toContain('已上报：城北宿舍');
    clock = sh('22:15');
    expect((await eveningStep(bot.services, clock)).reminded).toEqual(['城南宿舍']);
    await waitFor(() => wx.deliveredTo(contacts.chen.id).find((t) => t.includes('还没有上报')), 'the reminder');
    expect(wx.deliveredTo(contacts.liu.id).some((t) => t.includes('还没有上报'))).toBe(false);
  });
});
