import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import { Accident, AccidentPhoto, Permit, Trip, Vehicle, VehicleEvent } from '../../../handlers/vehicles/models.ts';
import {
  chaseShuttles,
  remindExpiringPermits,
  remindMaintenance,
  resendUnacknowledgedAccidents,
} from '../../../schedules/vehicles.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import {
  ACCIDENT_RE,
  CLAIM_RE,
  endLines,
  PLATE,
  permitLines,
  registerLines,
  seedPeople,
  startLines,
  TRIP_RE,
} from '../../helpers/vehicles.ts';

/*
 * Vehicles (§3.4) through the app on the real database (console channel in memory): registry and
 * permits, trips only for holders, the trip log into §3.5, accidents, and the daily reminders.
 */

useDatabase('vehicles');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');
const MIN = 60_000;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({
    config: testConfig({ VEHICLE_ODOMETER_GAP_KM: '10', VEHICLE_ACCIDENT_ACK_MINUTES: '15' }),
    now: () => clock,
  }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('console');
  chat.sent.splice(0);
});

/** What went privately to `who` (notifications) from index `from` on. */
const inbox = (who: string, from = 0) => chat.privately(who, from);
const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');

async function registerAndPermit(): Promise<void> {
  expect(await say('zonghe', registerLines())).toContain('已登记');
  expect(await say('zonghe', permitLines())).toContain('已发证');
}

async function trip(
  startKm: number,
  endKm: number,
  costs: Parameters<typeof endLines>[1] = {},
  who = 'siji',
): Promise<string> {
  const started = await say(who, startLines(PLATE, startKm));
  const no = TRIP_RE.exec(started)?.[0];
  expect(no, started).toBeDefined();
  expect(await say(who, endLines(endKm, costs))).toContain(`已收车：${no}`);
  return no!;
}

describe('§3.4.1 registry and permits', () => {
  it('综合部 registers a vehicle and issues a permit after the assessment; the holder is told', async () => {
    await registerAndPermit();
    expect(await Vehicle.findById(PLATE).lean()).toMatchObject({
      model: '金杯海狮 11座',
      post: '万达广场',
      odometer: 10000,
      drivers: [{ name: '张司机' }],
      lastMaintenance: { on: '2026-10-01', odometer: 10000 },
    });
    expect(await Permit.findById('ZJ-2026-001').lean()).toMatchObject({
      holder: { name: '张司机' },
      vehicles: [PLATE],
      assessedOn: '2026-11-20',
      expiresOn: '2027-11-19',
      assessor: '王综合',
      issuedBy: { name: '王综合' },
      status: 'active',
    });
    expect(inbox('siji').join('\n')).toContain('准驾证 ZJ-2026-001');
    expect(await say('zonghe', `车辆 ${PLATE}`)).toContain('张司机（ZJ-2026-001，至 2027-11-19）');
  });

  it('refuses a registration by anyone but 综合部, and a permit dated before its assessment, changing nothing', async () => {
    expect(await say('siji', registerLines())).toContain('权限');
    expect(await Vehicle.countDocuments()).toBe(0);
    await say('zonghe', registerLines());
    const bad = await say('zonghe', permitLines({ assessedOn: '2026-11-28' }));
    expect(bad).toContain('§3.4.1');
    expect(await Permit.countDocuments()).toBe(0);
    await say('zonghe', '取消');
  });

  it('a revoked permit no longer drives, and its holder is told why', async () => {
    await registerAndPermit();
    expect(await say('zonghe', '吊销准驾证 ZJ-2026-001 酒后驾车')).toContain('已吊销');
    expect(inbox('siji').join('\n')).toContain('酒后驾车');
    expect(await say('siji', `出车 ${PLATE}`)).toContain('已被吊销');
    expect(await Trip.countDocuments()).toBe(0);
  });

  it('reminds 综合部 and the holder once per threshold before a permit expires (daily job)', async () => {
    await registerAndPermit();
    await say('zonghe', permitLines({ holder: '赵司机', number: 'ZJ-2026-002', expiresOn: '2026-12-03' }));
    const from = chat.sent.length;
    const slot = new Date('2026-11-27T01:00:00Z');
    expect(await remindExpiringPermits(bot.services, slot)).toEqual(['ZJ-2026-002:7']);
    expect(await remindExpiringPermits(bot.services, slot)).toEqual([]);
    expect(inbox('zonghe', from).join('\n')).toContain('准驾证 ZJ-2026-002（赵司机');
    expect(inbox('siji2', from).join('\n')).toContain('将于 2026-12-03 到期');
    expect(await remindExpiringPermits(bot.services, new Date('2026-12-04T01:00:00Z'))).toEqual(['ZJ-2026-002:0']);
  });
});

describe('§3.4.2 only permit holders drive', () => {
  it('refuses a trip by a guard without a permit, says why in Chinese, and tells 综合部 at once', async () => {
    await registerAndPermit();
    const refused = await say('duiyuan', `出车 ${PLATE}`);
    expect(refused).toContain('不能出车');
    expect(refused).toContain('§3.4.2');
    expect(inbox('zonghe').join('\n')).toContain(`无准驾证人员试图出车：${PLATE}`);
    expect(inbox('zonghe').join('\n')).toContain('李队员');
    expect(await Trip.countDocuments()).toBe(0);
    expect(await VehicleEvent.findOne({ kind: 'refused_driver' }).lean()).toMatchObject({
      plate: PLATE,
      by: { name: '李队员' },
    });
  });

  it('one trip at a time per vehicle: a second holder is told who has it out', async () => {
    await registerAndPermit();
    await say('zonghe', permitLines({ holder: '赵司机', number: 'ZJ-2026-002' }));
    await say('siji', startLines());
    expect(await say('siji2', '出车 粤b 12345')).toContain('正在出车');
    expect(await Trip.countDocuments({ status: 'open' })).toBe(1);
  });
});

describe('§3.4.5 trip log', () => {
  it('records start and end odometer, purpose, route and costs; the vehicle reads the end', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10042, { 油费: '200', 停车费: '10' });
    expect(await Trip.findById(no).lean()).toMatchObject({
      status: 'ended',
      startOdometer: 10000,
      endOdometer: 10042,
      purpose: '接送夜班队员',
      route: '公司→万达广场→公司',
      costs: { fuel: 20000, toll: 0, parking: 1000, repair: 0 },
      flags: [],
    });
    expect(await Vehicle.findById(PLATE).lean()).toMatchObject({ odometer: 10042, openTrip: null });
  });

  it('refuses an end reading below the start and asks again', async () => {
    await registerAndPermit();
    await say('siji', startLines());
    const answer = await say('siji', endLines(9000));
    expect(answer).toContain('小于出车时');
    expect(await Trip.countDocuments({ status: 'ended' })).toBe(0);
  });

  it('refuses an end reading below the start at the 收车里程 question, before any cost is asked', async () => {
    await registerAndPermit();
    await say('siji', startLines());
    expect(await say('siji', '收车')).toContain('收车时里程表读数');
    const answer = await say('siji', '9000');
    expect(answer).toContain('小于出车时');
    expect(answer).toContain('收车时里程表读数');
    expect(answer).not.toContain('油费');
    expect(await say('siji', '10042')).toContain('油费');
  });

  it('refuses a plate already registered at the 车牌 question of 登记车辆', async () => {
    await registerAndPermit();
    await say('zonghe', '登记车辆');
    const answer = await say('zonghe', PLATE);
    expect(answer).toContain(`车辆 ${PLATE} 已经登记过了`);
    expect(answer).not.toContain('车型');
  });

  it('flags a start below the last reading, and a gap beyond VEHICLE_ODOMETER_GAP_KM, to 综合部', async () => {
    await registerAndPermit();
    await trip(10000, 10050);
    let from = chat.sent.length;
    const gap = await say('siji', startLines(PLATE, 10090));
    expect(gap).toContain('多 40 km');
    expect(inbox('zonghe', from).join('\n')).toContain(`里程不连续：${PLATE}`);
    await say('siji', endLines(10100));
    from = chat.sent.length;
    await say('siji', startLines(PLATE, 10095));
    expect(inbox('zonghe', from).join('\n')).toContain('小于该车上次记录的 10100 km');
    const flagged = await Trip.find({ 'flags.0': { $exists: true } }).lean();
    expect(flagged.map((t) => t.flags[0]!.code).sort()).toEqual(['odometer_back', 'odometer_gap']);
  });

  it('one action turns the costs into items of the driver’s claim, submitted into the §3.5 chain and linked to the trip', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10042, { 油费: '200', 过路费: '15', 维修费: '80' });
    const drafted = await say('siji', `出车报销 ${no}`);
    expect(drafted).toContain('报销草稿');
    expect(drafted).toContain(`出车 ${no}`);
    const draft = await ReimbursementDraft.findOne().lean();
    expect(draft!.items.map((i) => [i.category, i.amount])).toEqual([
      ['fuel', 20000],
      ['toll', 1500],
      ['repair', 8000],
    ]);
    expect(await say('siji', `出车报销 ${no}`)).toContain('已经在你的报销草稿里');

    // §3.5.3 each item carries its receipt photo (#20): 补票据 n, then the photo
    for (const n of [1, 2, 3]) {
      await say('siji', `补票据 ${n}`);
      await chat.picture('siji', `console:trip-receipt-${n}.jpg`);
    }
    const submitted = await say('siji', '提交报销');
    const claimNo = CLAIM_RE.exec(submitted)?.[0];
    expect(claimNo, submitted).toBeDefined();
    const claim = await ReimbursementClaim.findById(claimNo).lean();
    expect(claim).toMatchObject({
      status: 'pending',
      currentRole: 'general_affairs',
      total: 29500,
      claimantName: '张司机',
    });
    expect(claim!.items.every((i) => i.matter.includes(no))).toBe(true);
    expect(inbox('zonghe').join('\n')).toContain(`综合部审核 ${claimNo}`);
    expect(await say('siji', `出车报销 ${no}`)).toContain(`报销单 ${claimNo}`);
    expect(await say('siji2', `出车报销 ${no}`)).toContain('不是你开的车');
  });
});

describe('§3.4.5 nothing done twice', () => {
  it('two holders starting the same vehicle at the same moment: one trip, the other told', async () => {
    await registerAndPermit();
    await say('zonghe', permitLines({ holder: '赵司机', number: 'ZJ-2026-002' }));
    const answers = await Promise.all([say('siji', startLines()), say('siji2', startLines())]);
    expect(answers.filter((a) => a.includes('已出车'))).toHaveLength(1);
    expect(answers.find((a) => !a.includes('已出车'))).toMatch(/正在出车|刚刚被别人登记出车/);
    expect(await Trip.countDocuments()).toBe(1);
    expect((await Vehicle.findById(PLATE).lean())!.openTrip).toBe((await Trip.findOne().lean())!._id);
  });

  it('报销这次费用 pressed in two chats at once puts the costs into the draft once', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10042, { 油费: '200' });
    const from = chat.sent.length;
    await Promise.all([
      chat.click('siji', 'vehicles.claimTrip', { no }, { chatId: 'siji' }),
      chat.click('siji', 'vehicles.claimTrip', { no }, { chatId: 'group-1' }),
    ]);
    const answers = chat.sent.slice(from).map((s) => s.text);
    expect(answers.filter((a) => a.includes(`已把出车 ${no}`))).toHaveLength(1);
    expect(answers.filter((a) => /刚刚已经放进报销|已经在你的报销草稿里/.test(a))).toHaveLength(1);
    expect((await ReimbursementDraft.findOne().lean())!.items).toHaveLength(1);
  });
});

describe('§3.4.4 accidents', () => {
  it('reaches 人防部 at once with 已知悉, goes out again once when unacknowledged, and records instructions and outcome', async () => {
    await registerAndPermit();
    await say('siji', startLines());
    const reported = await say(
      'siji',
      '事故报备\n发生时间: 今天 09:55\n地点: 城南路口\n伤亡情况: 无人受伤\n车损情况: 前保险杠凹陷\n经过: 跳过',
    );
    const no = ACCIDENT_RE.exec(reported)?.[0];
    expect(no, reported).toBeDefined();
    expect(await Accident.findById(no).lean()).toMatchObject({
      plate: PLATE,
      trip: expect.stringMatching(TRIP_RE),
      status: 'reported',
    });
    const first = inbox('renfang').join('\n');
    expect(first).toContain(`交通事故报备：${PLATE}`);
    expect(first).toContain('[1] 已知悉');

    clock = new Date(clock.getTime() + 14 * MIN);
    expect(await resendUnacknowledgedAccidents(bot.services)).toEqual([]);
    clock = new Date(clock.getTime() + 1 * MIN);
    const from = chat.sent.length;
    expect(await resendUnacknowledgedAccidents(bot.services)).toEqual([no]);
    expect(await resendUnacknowledgedAccidents(bot.services)).toEqual([]);
    expect(inbox('renfang', from).join('\n')).toContain('再次通知');
    expect(inbox('zonghe', from).join('\n')).toContain('再次通知');

    expect(await say('renfang', '1')).toContain('已确认知悉');
    expect(inbox('siji').join('\n')).toContain('刘人防 已知悉');
    expect(await say('renfang', `事故指示 ${no} 先报警并拍照，等保险公司到场`)).toContain('已记录');
    expect(inbox('siji').join('\n')).toContain('先报警并拍照');
    expect(await say('siji', `事故结果 ${no} 已理赔`)).toContain('权限');
    expect(await say('renfang', `事故结果 ${no} 对方全责，保险已理赔`)).toContain('已结案');
    const a = await Accident.findById(no).lean();
    expect(a).toMatchObject({
      status: 'closed',
      acknowledged: { by: { name: '刘人防' } },
      instructions: [{ text: '先报警并拍照,等保险公司到场' }],
      outcome: { text: '对方全责,保险已理赔' },
    });
  });
});

describe('§3.4.4 发生时间 is recorded as a moment', () => {
  const report = (occurred: string) =>
    say(
      'siji',
      `事故报备\n车牌: ${PLATE}\n发生时间: ${occurred}\n地点: 城南路口\n伤亡情况: 无人受伤\n车损情况: 前保险杠凹陷\n经过: 跳过`,
    );

  it('stores 发生时间 刚才 and 今天 08:40 as the moments they name; the record and 人防部 see them as 2026-11-27 08:40', async () => {
    await registerAndPermit();
    clock = new Date('2026-11-27T02:17:33Z'); // 10:17 in Shanghai
    const now = ACCIDENT_RE.exec(await report('刚才'))?.[0];
    expect(now).toBeDefined();
    expect((await Accident.findById(now).lean())?.occurred).toBe('2026-11-27T10:17:00.000+08:00');
    const earlier = await report('今天 08:40');
    const no = ACCIDENT_RE.exec(earlier)?.[0];
    expect((await Accident.findById(no).lean())?.occurred).toBe('2026-11-27T08:40:00.000+08:00');
    expect(earlier).toContain('时间：2026-11-27 08:40');
    expect(inbox('renfang').join('\n')).toContain('时间：2026-11-27 08:40');
    expect(await say('renfang', '事故')).toContain(`${no} ${PLATE} 2026-11-27 08:40 城南路口`);
  });

  it('refuses 发生时间 明天 and 乱写 with a Chinese error and records nothing until a real time is given', async () => {
    await registerAndPermit();
    expect(await report('明天 09:00')).toContain('还没到');
    expect(await say('siji', '今天 10:30')).toContain('晚于现在');
    expect(await say('siji', '乱写')).toContain('看不懂');
    expect(await Accident.countDocuments()).toBe(0);
    expect(await say('siji', '昨天 22:30')).toContain('事故已报备');
    expect((await Accident.findOne().lean())?.occurred).toBe('2026-11-26T22:30:00.000+08:00');
  });

  it('still shows an accident reported before 发生时间 was read as a moment as it was typed', async () => {
    await Accident.create({
      _id: 'SG-20261120-001',
      plate: PLATE,
      reporter: { staffId: 'x', name: '张司机' },
      occurred: '今天 14:30',
      place: '城南路口',
      injuries: '无',
      damage: '轻微',
      reportedAt: new Date('2026-11-20T07:00:00Z'),
    });
    expect(await say('renfang', '事故 SG-20261120-001')).toContain('时间：今天 14:30');
  });
});

describe('§3.4.4 accident photos', () => {
  const photo = (who: string, ref: string) =>
    chat.deliver({
      id: randomUUID(),
      channel: 'console',
      chat: { id: who, isGroup: false },
      userId: who,
      kind: 'message',
      text: '',
      attachments: [{ kind: 'image', ref }],
      receivedAt: clock,
    });

  it("keeps pictures sent after 事故报备 with the accident, once each; another person's picture is still a receipt", async () => {
    await registerAndPermit();
    await say('siji', startLines());
    const no = ACCIDENT_RE.exec(
      await say(
        'siji',
        '事故报备\n发生时间: 今天 09:55\n地点: 城南路口\n伤亡情况: 无人受伤\n车损情况: 前保险杠凹陷\n经过: 跳过',
      ),
    )?.[0];
    expect(no).toBeDefined();
    expect((await photo('siji', 'console:scene-1.jpg')).join('\n')).toContain(`已附到事故 ${no}`);
    const second = (await photo('siji', 'console:scene-2.jpg')).join('\n');
    expect(second).toContain('共 2 张');
    expect(await AccidentPhoto.countDocuments({ accident: no })).toBe(2);
    expect(await say('renfang', `事故 ${no}`)).toContain('现场照片 2 张');
    // someone who reported no accident: the picture goes on to reimbursements, as before
    expect((await photo('renfang', 'console:receipt.jpg')).join('\n')).not.toContain('事故');
    expect(await AccidentPhoto.countDocuments()).toBe(2);
  });
});

describe('§3.4.5 maintenance', () => {
  it('is reminded by mileage before its date, once per maintenance cycle, to 综合部 and the designated driver', async () => {
    await registerAndPermit();
    await trip(10000, 12900);
    expect(await remindMaintenance(bot.services, new Date('2026-11-28T01:00:00Z'))).toEqual([]);
    await trip(12900, 15001);
    const slot = new Date('2026-11-28T01:00:00Z');
    expect(await remindMaintenance(bot.services, slot)).toEqual([PLATE]);
    expect(await remindMaintenance(bot.services, slot)).toEqual([]);
    expect(inbox('siji').join('\n')).toContain('应在 15000 km 保养');
    expect(await say('zonghe', `保养 ${PLATE} 15001`)).toContain('已记录');
    expect(await remindMaintenance(bot.services, slot)).toEqual([]);
  });
});

describe('§3.4.3 shuttle runs', () => {
  it('a run not marked done reminds its driver after the margin and 综合部 after twice that, once each; 已完成 stops it', async () => {
    await registerAndPermit();
    expect(await say('zonghe', `设置班车 ${PLATE} 07:30 宿舍→万达广场（早班）`)).toContain('已设置班车 BC1');
    expect(await say('zonghe', `设置班车 ${PLATE} 18:00 万达广场→宿舍（晚班）`)).toContain('BC2');
    clock = new Date('2026-11-26T23:46:00Z'); // 07:46 in Shanghai
    expect(await chaseShuttles(bot.services)).toEqual({ reminded: ['BC1'], escalated: [] });
    expect(inbox('siji').join('\n')).toContain('班车未确认：07:30');
    clock = new Date('2026-11-27T00:01:00Z');
    expect(await chaseShuttles(bot.services)).toEqual({ reminded: [], escalated: ['BC1'] });
    expect(await chaseShuttles(bot.services)).toEqual({ reminded: [], escalated: [] });
    expect(inbox('zonghe').join('\n')).toContain('班车 BC1（07:30');

    expect(await say('duiyuan', '班车完成 BC2')).toContain('准驾证');
    expect(await say('siji', '班车完成 BC2')).toContain('已完成');
    expect(await say('siji', '班车完成 BC2')).toContain('已由 张司机 确认完成');
    clock = new Date('2026-11-27T11:00:00Z'); // 19:00
    expect(await chaseShuttles(bot.services)).toEqual({ reminded: [], escalated: [] });
    expect(await say('duiyuan', '班车')).toMatch(/BC2 18:00 粤B12345 万达广场→宿舍.*✔ 张司机/);
  });
});

describe('§3.4 lookups', () => {
  it('检查情况 上月 shows last month, and a month it cannot read is said so, not replaced by this month', async () => {
    await registerAndPermit();
    expect(await say('zonghe', '检查情况 上月')).toContain('2026-10 车辆检查');
    expect(await say('zonghe', '检查情况 11月')).toContain('2026-11 车辆检查');
    expect(await say('zonghe', '检查情况 乱写')).toContain('月份请写成');
  });

  it('lists vehicles, permits, trips and open accidents to those who may see them', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10020);
    expect(await say('zonghe', '车辆列表')).toContain(`${PLATE} 金杯海狮 11座（万达广场），10020 km`);
    expect(await say('duiyuan', '车辆列表')).toContain('权限');
    expect(await say('zonghe', `指定司机 ${PLATE} 张司机、赵司机`)).toContain('张司机、赵司机');
    expect((await Vehicle.findById(PLATE).lean())!.drivers.map((d) => d.name)).toEqual(['张司机', '赵司机']);
    expect(await say('zonghe', '准驾证')).toContain('ZJ-2026-001 张司机');
    expect(await say('duiyuan', '准驾证')).toContain('你没有准驾证');
    expect(await say('siji', '出车记录')).toContain(`${no} ${PLATE} 张司机`);
    expect(await say('zonghe', `出车记录 ${PLATE}`)).toContain(no);
    expect(await say('duiyuan', `出车记录 ${no}`)).toContain('没有找到');
    expect(await say('renfang', '事故')).toContain('没有未结案的事故');
    expect(await say('zonghe', `停用车辆 ${PLATE}`)).toContain('请写明停用原因');
    expect(await say('zonghe', `停用车辆 ${PLATE} 已报废`)).toContain('已停用');
    expect(await say('siji', `出车 ${PLATE}`)).toContain('已停用');
    expect(await say('zonghe', '车辆列表')).toContain('还没有登记车辆');
  });
});
