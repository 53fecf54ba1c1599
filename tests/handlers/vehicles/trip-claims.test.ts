import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import { Trip } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { itemMessage } from '../../helpers/reimbursement-people.ts';
import {
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
 * Issue #20, as a driver would try it: one trip's costs claimed three times (§3.4.5 出车记录…各项费用明细，
 * 按规定报账 → §3.5), and a cost no vehicle could run up on the distance driven (§3.4.5 self-reported).
 */

useDatabase('vehicle_claims');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({
    config: testConfig({
      VEHICLE_ODOMETER_GAP_KM: '10',
      VEHICLE_COST_PER_KM_FACTOR: '3',
      VEHICLE_COST_PER_KM_FLOOR_YUAN: '2',
      VEHICLE_COST_ALLOWANCE_YUAN: '500',
    }),
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

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const inbox = (who: string, from = 0) => chat.privately(who, from).join('\n');
const fuel = (amount: string, matter: string) =>
  itemMessage({ date: '2026-11-27', category: '油费', amount, matter, contact: '张司机' });

async function registerAndPermit(): Promise<void> {
  expect(await say('zonghe', registerLines())).toContain('已登记');
  expect(await say('zonghe', permitLines())).toContain('已发证');
}

async function trip(startKm: number, endKm: number, costs: Parameters<typeof endLines>[1] = {}): Promise<string> {
  const no = TRIP_RE.exec(await say('siji', startLines(PLATE, startKm)))?.[0];
  expect(no).toBeDefined();
  expect(await say('siji', endLines(endKm, costs))).toContain(`已收车：${no}`);
  return no!;
}

/** 出车报销, a photo of each receipt (补票据 n), then 提交报销: the claim number. */
async function claimTrip(no: string): Promise<string> {
  expect(await say('siji', `出车报销 ${no}`)).toContain('报销草稿');
  const items = (await ReimbursementDraft.findOne().lean())!.items;
  for (let i = 0; i < items.length; i++) {
    await say('siji', `补票据 ${i + 1}`);
    await chat.picture('siji', `console:receipt-${no}-${i}.jpg`);
  }
  const submitted = await say('siji', '提交报销');
  const claim = CLAIM_RE.exec(submitted)?.[0];
  expect(claim, submitted).toBeDefined();
  return claim!;
}

describe('#20 one trip, claimed three times (§3.4.5, §3.5)', () => {
  it('claims a trip’s ¥200 of fuel once: a ¥900 油费 naming the plate and a ¥200 naming the trip number are refused', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10048, { 油费: '200' });
    const first = await claimTrip(no);

    const byPlate = await say('siji', fuel('900', `${PLATE} 加油`));
    expect(byPlate).toContain('出车单号');
    expect(byPlate).not.toContain('报销草稿');
    await say('siji', '取消');
    const byTrip = await say('siji', fuel('200', `出车 ${no} 加油`));
    expect(byTrip).toContain(first);
    expect(byTrip).not.toContain('报销草稿');
    await say('siji', '取消');

    expect(await ReimbursementDraft.countDocuments()).toBe(0);
    expect(await ReimbursementClaim.countDocuments()).toBe(1);
  });

  it('caps the items naming a trip at what the trip recorded, within one draft too', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10048, { 油费: '200', 停车费: '10' });
    expect(await say('siji', fuel('150', `出车 ${no} 加油`))).toContain('报销草稿');
    const over = await say('siji', fuel('100', `出车 ${no} 再加油`));
    expect(over).toContain('¥200.00');
    expect(over).toContain('§3.4.5');
    await say('siji', '取消');
    // a receipt typed under another category still counts against the trip
    const asMeal = await say(
      'siji',
      itemMessage({
        date: '2026-11-27',
        category: '其他',
        amount: '80',
        matter: `出车 ${no} 司机午饭`,
        contact: '张司机',
      }),
    );
    expect(asMeal).toContain('§3.4.5');
    await say('siji', '取消');
    expect(await say('siji', `出车报销 ${no}`)).toContain('已经在你的报销草稿里');
    expect((await ReimbursementDraft.findOne().lean())!.items).toHaveLength(1);
  });

  it('refuses fuel naming another driver’s trip, or a trip not yet ended', async () => {
    await registerAndPermit();
    await say('zonghe', permitLines({ holder: '赵司机', number: 'ZJ-2026-002' }));
    const no = await trip(10000, 10048, { 油费: '200' });
    expect(await say('siji2', fuel('200', `出车 ${no} 加油`))).toContain('不是你开的车');
    await say('siji2', '取消');
    const open = TRIP_RE.exec(await say('siji', startLines(PLATE, 10048)))?.[0];
    expect(await say('siji', fuel('50', `出车 ${open} 加油`))).toContain('还没有收车');
    await say('siji', '取消');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);
  });

  it('frees the trip again when its claim is rejected, for the corrected claim', async () => {
    await registerAndPermit();
    const no = await trip(10000, 10048, { 油费: '200' });
    const first = await claimTrip(no);
    expect(await say('zonghe', `驳回 ${first} 发票抬头不对`)).toContain('已驳回');
    expect(await say('siji', `重新报销 ${first}`)).toContain('新草稿');
    await chat.picture('siji', 'console:receipt-again.jpg');
    expect(CLAIM_RE.exec(await say('siji', '提交报销'))?.[0]).toBeDefined();
    expect(await ReimbursementClaim.countDocuments({ status: 'pending' })).toBe(1);
  });
});

describe('#20 self-reported numbers get a sanity check (§3.4.5)', () => {
  it('holds ¥35,068 of fuel for a 48 km trip for 综合部 before the costs can be claimed', async () => {
    await registerAndPermit();
    const ended = await say('siji', startLines(PLATE, 10000)).then(() =>
      say('siji', endLines(10048, { 油费: '35068' })),
    );
    const no = TRIP_RE.exec(ended)![0];
    expect(ended).toContain('综合部确认');
    expect(inbox('zonghe')).toContain(`出车费用待确认：${no}`);
    expect((await Trip.findById(no).lean())!.costCheck).toMatchObject({ status: 'pending' });

    const claimed = await say('siji', `出车报销 ${no}`);
    expect(claimed).toContain('待综合部确认');
    expect(await say('siji', fuel('35068', `出车 ${no} 加油`))).toContain('待综合部确认');
    await say('siji', '取消');
    expect(await ReimbursementDraft.countDocuments()).toBe(0);

    // the driver cannot confirm his own trip's costs
    expect(await say('siji', `确认费用 ${no}`)).toContain('权限');
    expect(await say('zonghe', `确认费用 ${no}`)).toContain('已确认');
    expect(inbox('siji')).toContain(`出车报销 ${no}`);
    expect(await say('siji', `出车报销 ${no}`)).toContain('报销草稿');
  });

  it('lets no 综合部 member confirm the costs of a trip he drove himself (本人回避)', async () => {
    await registerAndPermit();
    expect(await say('dongshi', permitLines({ holder: '王综合', number: 'ZJ-2026-009' }))).toContain('已发证');
    const no = TRIP_RE.exec(await say('zonghe', startLines(PLATE, 10000)))![0];
    expect(await say('zonghe', endLines(10048, { 油费: '35068' }))).toContain('综合部确认');
    expect(await say('zonghe', `确认费用 ${no}`)).toContain('本人回避');
    expect((await Trip.findById(no).lean())!.costCheck).toMatchObject({ status: 'pending' });
  });

  it('bounds the cost per km by the vehicle’s own history, never below the floor', async () => {
    await registerAndPermit();
    // five trips at ¥1.50/km: the bound is 3 × 1.50 = ¥4.50/km, plus the ¥500 allowance
    let km = 10000;
    for (let i = 0; i < 5; i++) {
      await trip(km, km + 100, { 油费: '150' });
      km += 100;
    }
    const fine = await trip(km, km + 100, { 油费: '900' }); // 500 + 100 × 4.5 = 950
    expect((await Trip.findById(fine).lean())!.costCheck).toBeNull();
    const odd = await trip(km + 100, km + 200, { 油费: '1500' }); // (5 × 150 + 900) / 600 km × 3 → ¥1,325
    expect((await Trip.findById(odd).lean())!.costCheck).toMatchObject({ status: 'pending' });
  });
});
