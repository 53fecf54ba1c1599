import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eveningStep } from '../../handlers/dorms/evening.ts';
import { DormLeader, RollCall } from '../../handlers/dorms/models.ts';
import { Bot } from '../../src/bot.ts';
import { Dorm, Identity, Staff } from '../../src/models/index.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { useDatabase } from '../helpers/db.ts';
import { sh } from '../helpers/dorms.ts';
import { silentLog, testConfig } from '../helpers/harness.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * An evening with many dorms through the real WeChat transport (PuppetServer → gRPC →
 * wechaty-puppet-service), where the fixture refuses, as WeChat does, a message sent too soon after
 * the last: every leader gets exactly one roll call and one reminder, 综合部 one list, nothing lost.
 *
 * CI size: 30 dorms paced at 100 ms (refused under 50 ms). DORMS_WECHAT_FULL=1
 * (npm run test:wechat-300) runs 300 dorms at the real pacing, WECHAT_SEND_INTERVAL_MS=1000,
 * refused under 900 ms — about ten minutes.
 */

const FULL = process.env.DORMS_WECHAT_FULL === '1';
const DORMS = FULL ? 300 : 30;
const INTERVAL_MS = FULL ? 1000 : 100;
const MIN_GAP_MS = FULL ? 900 : 50;

useDatabase('dorms_wechat_many');

let wx: WechatFixture;
let bot: Bot;
let receiver: WechatyReceiver;
let clock = sh('21:45');
const leaderIds = Array.from({ length: DORMS }, (_, i) => `wxid_leader${i}`);

beforeAll(async () => {
  wx = await startWechatFixture({ minGapMs: MIN_GAP_MS });
  wx.mocker.createContact({ id: 'wxid_zonghe', name: '赵综合' });
  for (const [i, id] of leaderIds.entries()) wx.mocker.createContact({ id, name: `队长${i}` });
  const config = testConfig({ ...wx.env(), WECHAT_SEND_INTERVAL_MS: String(INTERVAL_MS) });
  receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, receivers: [receiver], workflows: composition, jobs: [], now: () => clock });
  await bot.start();
  await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');

  const staff: Record<string, unknown>[] = [];
  const identities: Record<string, unknown>[] = [];
  const leaders: Record<string, unknown>[] = [];
  const zonghe = new Types.ObjectId();
  staff.push({ _id: zonghe, name: '赵综合', phone: '13900000999', roles: ['general_affairs'], dorm: '' });
  identities.push({
    _id: 'wechat:wxid_zonghe',
    staffId: zonghe,
    channel: 'wechat',
    userId: 'wxid_zonghe',
    boundAt: new Date(),
  });
  for (const [i, userId] of leaderIds.entries()) {
    const dorm = `宿舍${String(i).padStart(3, '0')}`;
    const leader = new Types.ObjectId();
    staff.push({
      _id: leader,
      name: `队长${i}`,
      phone: `138${String(i).padStart(8, '0')}`,
      roles: ['team_leader'],
      dorm,
    });
    staff.push({ name: `队员${i}`, phone: `137${String(i).padStart(8, '0')}`, roles: ['guard'], dorm });
    identities.push({ _id: `wechat:${userId}`, staffId: leader, channel: 'wechat', userId, boundAt: new Date() });
    leaders.push({
      _id: `${dorm}:${leader}`,
      dorm,
      staffId: String(leader),
      name: `队长${i}`,
      assignedBy: { staffId: '', name: '行政部' },
      assignedAt: new Date(),
    });
  }
  await Dorm.insertMany(leaderIds.map((_, i) => ({ name: `宿舍${String(i).padStart(3, '0')}` })));
  await Staff.insertMany(staff);
  await Identity.insertMany(identities);
  await DormLeader.insertMany(leaders);
});
afterAll(async () => {
  await bot?.stop();
  await wx?.stop();
});

const countOf = (userId: string, marker: string) => wx.deliveredTo(userId).filter((t) => t.includes(marker)).length;

describe(`§3.3.3 a ${DORMS}-dorm evening over WeChat at its pacing`, () => {
  it(
    'sends every roll call and every reminder exactly once and 综合部 one list, with WeChat refusing messages sent too fast',
    async () => {
      const started = Date.now();
      const asked = await eveningStep(bot.services, clock);
      expect(asked.asked).toHaveLength(DORMS);
      expect(await RollCall.countDocuments({ date: '2026-11-27' })).toBe(DORMS);
      // eveningStep returns once every send has been answered by the puppet service
      expect(leaderIds.filter((id) => countOf(id, '【查房：') !== 1)).toEqual([]);
      const rollCallMs = Date.now() - started;

      clock = sh('22:15');
      expect((await eveningStep(bot.services, clock)).reminded).toHaveLength(DORMS);
      expect(leaderIds.filter((id) => countOf(id, '还没有上报') !== 1)).toEqual([]);

      clock = sh('22:45');
      expect((await eveningStep(bot.services, clock)).escalated).toHaveLength(DORMS);
      await waitFor(() => countOf('wxid_zonghe', `查房未上报的宿舍 ${DORMS} 个`), 'the list to 综合部');
      expect(countOf('wxid_zonghe', '查房未上报的宿舍')).toBe(1);
      expect(wx.pacing.accepted).toBe(2 * DORMS + 1);
      if (FULL || process.env.DORMS_BENCH) {
        console.info(
          `${DORMS}-dorm evening over WeChat at ${INTERVAL_MS} ms: roll calls out in ${(rollCallMs / 1000).toFixed(1)} s, ` +
            `whole evening ${((Date.now() - started) / 1000).toFixed(1)} s, ${wx.pacing.accepted} accepted, ${wx.pacing.refused} refused as too frequent and retried`,
        );
      }
    },
    FULL ? 1_500_000 : 120_000,
  );
});
