import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { Accident, Inspection } from '../../handlers/vehicles/models.ts';
import { escalateUninspected, vehicleJobs } from '../../schedules/vehicles.ts';
import { Bot } from '../../src/bot.ts';
import { Scheduler } from '../../src/core/scheduler.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import {
  ACCIDENT_RE,
  endLines,
  PLATE,
  permitLines,
  registerLines,
  seedPeople,
  startLines,
} from '../helpers/vehicles.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * Vehicles (§3.4) on WeChat end to end (PuppetServer → gRPC → wechaty-puppet-service → the app), with
 * a clock the test moves: the scheduled work is run by two schedulers on one database for a slot,
 * as two bot instances would, never by waiting real minutes.
 */

useDatabase('vehicles_wechat');

let wx: WechatFixture;
let bot: Bot;
let clock = new Date('2026-11-27T02:00:00Z');
// 王经理 (admin contact) is 综合部; 张三 drives; 李四 is 人防部; 路人甲 a guard; 孙董事长 the chairman
let zonghe: mock.ContactMock;
let siji: mock.ContactMock;
let renfang: mock.ContactMock;
let duiyuan: mock.ContactMock;
let dongshi: mock.ContactMock;

beforeAll(async () => {
  wx = await startWechatFixture();
  ({ admin: zonghe, zhang: siji, li: renfang, stranger: duiyuan } = wx.people);
  dongshi = wx.mocker.createContact({ id: 'wxid_dongshi', name: '孙董事长' });
  const config = testConfig({ ...wx.env(), VEHICLE_ACCIDENT_ACK_MINUTES: '15', VEHICLE_INSPECTION_DAY: '25' });
  const receiver = new WechatyReceiver(config.wechat!, silentLog);
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
  await seedPeople(
    'wechat',
    { zonghe: zonghe.id, siji: siji.id, renfang: renfang.id, duiyuan: duiyuan.id, dongshi: dongshi.id },
    ['zonghe', 'siji', 'renfang', 'duiyuan', 'dongshi'],
  );
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

const count = (who: mock.ContactMock, marker: string) =>
  wx.deliveredTo(who.id).filter((t) => t.includes(marker)).length;
const received = (who: mock.ContactMock, marker: string) =>
  waitFor(() => wx.deliveredTo(who.id).find((t) => t.includes(marker)), `${who.id} to receive "${marker}"`);

/** Two instances' schedulers on one database, each catching up the slot that has just come. */
async function runSlotOnTwoInstances(): Promise<string[]> {
  const deps = { ...bot.services, recoverInbox: async () => 0 };
  const [a, b] = [new Scheduler(vehicleJobs, deps, 'instance-a'), new Scheduler(vehicleJobs, deps, 'instance-b')];
  const ran = await Promise.all([a.catchUp(clock), b.catchUp(clock)]);
  return ran.flat();
}

async function registerAndPermit(plate = PLATE): Promise<void> {
  expect(await talk(zonghe, registerLines({ plate }))).toContain('已登记');
  if (plate === PLATE) expect(await talk(zonghe, permitLines())).toContain('已发证');
}

describe('§3.4.2 on WeChat', () => {
  it('refuses a trip by a guard without a permit and tells 综合部 at once', async () => {
    await registerAndPermit();
    const refused = await talk(duiyuan, `出车 ${PLATE}`);
    expect(refused).toContain('§3.4.2');
    expect(await received(zonghe, `无准驾证人员试图出车：${PLATE}`)).toContain('李队员');
    expect(refused).not.toContain('起始里程');
  });
});

describe('§3.4.4 on WeChat: an accident reaches 人防部 at once and escalates unacknowledged', () => {
  it('人防部 hears at once; after VEHICLE_ACCIDENT_ACK_MINUTES with nobody acknowledging it goes out again exactly once; 1 acknowledges', async () => {
    await registerAndPermit();
    await talk(siji, startLines());
    const reported = await talk(
      siji,
      '事故报备\n发生时间: 今天 09:55\n地点: 城南路与解放路口\n伤亡情况: 无人受伤\n车损情况: 左前大灯破损\n经过: 无',
    );
    const no = ACCIDENT_RE.exec(reported)![0];
    expect(reported).toContain('已第一时间报人防部');
    const first = await received(renfang, `交通事故报备：${PLATE}`);
    expect(first).toContain('左前大灯破损');
    expect(first).toContain('[1] 已知悉');

    clock = new Date(clock.getTime() + 10 * 60_000);
    await runSlotOnTwoInstances();
    clock = new Date(clock.getTime() + 5 * 60_000 + 30_000);
    const ran = await runSlotOnTwoInstances();
    expect(ran.filter((k) => k.startsWith('vehicles.accidents:'))).toHaveLength(1);
    await received(renfang, '再次通知');
    await received(zonghe, '再次通知');
    clock = new Date(clock.getTime() + 60_000);
    await runSlotOnTwoInstances();
    // the acknowledgement below is answered only after every notice above was delivered in order
    expect(await talk(renfang, '1')).toContain(`已确认知悉事故 ${no}`);
    expect(count(renfang, '再次通知')).toBe(1);
    expect(await received(siji, '已知悉事故')).toContain(no);
    expect((await Accident.findById(no).lean())?.status).toBe('acknowledged');
  });
});

describe('§3.4.6 on WeChat: inspection reminder and month-end escalation, exactly once', () => {
  it('综合部 is reminded on the day with each vehicle’s usage; on the 1st the one not inspected escalates once to the chairman and 综合部', async () => {
    await registerAndPermit();
    await registerAndPermit('粤B67890');
    await talk(siji, startLines(PLATE, 10000));
    await talk(siji, endLines(10042, { 油费: '200' }));

    clock = new Date('2026-11-25T01:00:30Z'); // 09:00:30 in Shanghai on the inspection day
    await runSlotOnTwoInstances();
    const reminder = await received(zonghe, '2026-11 车辆月度检查');
    expect(reminder).toContain(`${PLATE} 金杯海狮 11座：本月出车 1 次，行驶 42 km，费用 ¥200.00`);
    expect(reminder).toContain('粤B67890');
    await runSlotOnTwoInstances();

    const done = await talk(zonghe, `车辆检查 ${PLATE}\n安全性能: 正常\n车况: 良好，左后门有划痕\n备注: 无`);
    expect(done).toContain('出车 1 次，行驶 42 km');
    expect(await Inspection.findById(`${PLATE}:2026-11`).lean()).toMatchObject({
      usage: { trips: 1, km: 42, costs: 20000 },
      safety: '正常',
      by: { name: '王综合' },
    });
    expect(count(zonghe, '2026-11 车辆月度检查')).toBe(1);

    clock = new Date('2026-12-01T01:00:30Z');
    const ran = await runSlotOnTwoInstances();
    expect(ran.filter((k) => k.startsWith('vehicles.inspectionEscalate:'))).toHaveLength(1);
    const escalated = await received(dongshi, '2026-11 有 1 辆车没有做月度检查');
    expect(escalated).toContain('粤B67890');
    expect(escalated).not.toContain(PLATE);
    await received(zonghe, '2026-11 有 1 辆车没有做月度检查');
    // a later run of the same day (another slot, another instance) escalates nothing more
    expect(await escalateUninspected(bot.services, new Date('2026-12-01T05:00:00Z'))).toEqual([]);
    expect(await talk(zonghe, '检查情况 2026-11')).toContain('✘ 粤B67890 未检查');
    expect(count(dongshi, '没有做月度检查')).toBe(1);
    expect(count(zonghe, '没有做月度检查')).toBe(1);
  });
});
