import { describe, expect, it } from 'vitest';
import {
  implausibleTripCost,
  tripCostProblem,
  tripNumbersIn,
  usualCostPerKm,
  vehicleCostWithoutTrip,
} from '../../../handlers/vehicles/cost-rules.ts';
import {
  accidentNeedsResend,
  endOdometerProblem,
  inspectionMonthProblem,
  isLateInspection,
  maintenanceDue,
  mayStartTrip,
  monthJustEnded,
  monthlyUsage,
  odometerContinuity,
  parseKm,
  parseOccurred,
  parsePlate,
  parseTimeOfDay,
  permitDatesProblem,
  permitReminderThreshold,
  showOccurred,
  shuttleLate,
  tripClaimProblem,
  tripCostItems,
} from '../../../handlers/vehicles/rules.ts';

const permit = (
  o: Partial<{ _id: string; vehicles: string[]; expiresOn: string; status: 'active' | 'revoked' }> = {},
) => ({
  _id: 'ZJ-001',
  vehicles: ['粤B12345'],
  expiresOn: '2027-06-30',
  status: 'active' as const,
  ...o,
});
const costs = (o: Partial<Record<'fuel' | 'toll' | 'parking' | 'repair', number>> = {}) => ({
  fuel: 0,
  toll: 0,
  parking: 0,
  repair: 0,
  ...o,
});

describe('plates and readings', () => {
  it('reads plates however they are typed, and refuses what is not one', () => {
    expect(parsePlate('粤b·12345')).toBe('粤B12345');
    expect(parsePlate('粤B D12345')).toBe('粤BD12345');
    expect(parsePlate('12345')).toBeUndefined();
    expect(parsePlate('粤B123')).toBeUndefined();
  });
  it('reads odometer kilometres as whole numbers', () => {
    expect(parseKm('12,345 公里')).toBe(12345);
    expect(parseKm('800km')).toBe(800);
    expect(parseKm('12.5')).toBeUndefined();
    expect(parseKm('很多')).toBeUndefined();
  });
});

describe('§3.4.1 permits are issued after an assessment', () => {
  it('refuses an assessment in the future and an expiry already past or before the assessment', () => {
    expect(permitDatesProblem('2026-11-28', '2027-11-27', '2026-11-27')).toContain('§3.4.1');
    expect(permitDatesProblem('2026-11-20', '2026-11-27', '2026-11-27')).toContain('已经过了');
    expect(permitDatesProblem('2026-11-20', '2027-11-19', '2026-11-27')).toBeUndefined();
  });
  it('reminds at the nearest threshold reached, and once more when expired', () => {
    expect(permitReminderThreshold('2027-01-30', '2026-11-27', [7, 30])).toBeUndefined();
    expect(permitReminderThreshold('2026-12-27', '2026-11-27', [7, 30])).toBe(30);
    expect(permitReminderThreshold('2026-12-01', '2026-11-27', [7, 30])).toBe(7);
    expect(permitReminderThreshold('2026-11-27', '2026-11-27', [7, 30])).toBe(7);
    expect(permitReminderThreshold('2026-11-26', '2026-11-27', [7, 30])).toBe(0);
  });
});

describe('§3.4.2 only permit holders drive', () => {
  it('lets a holder of a valid permit for that vehicle start a trip', () => {
    expect(mayStartTrip([permit()], '粤B12345', '2026-11-27')).toEqual({ ok: true, permit: 'ZJ-001' });
  });
  it.each([
    [[], '没有准驾证'],
    [[permit({ status: 'revoked' })], '已被吊销'],
    [[permit({ expiresOn: '2026-11-26' })], '已于 2026-11-26 过期'],
    [[permit({ vehicles: ['粤B99999'] })], '不含车辆 粤B12345'],
  ])('refuses %j naming the clause and why', (permits, why) => {
    const v = mayStartTrip(permits, '粤B12345', '2026-11-27');
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.message).toContain('§3.4.2');
      expect(v.message).toContain(why);
      expect(v.message).toContain('综合部');
    }
  });
  it('a permit valid through its expiry day still drives that day', () => {
    expect(mayStartTrip([permit({ expiresOn: '2026-11-27' })], '粤B12345', '2026-11-27').ok).toBe(true);
  });
});

describe('§3.4.5 trip log', () => {
  it('flags a start below the last reading, and a gap beyond the configured km', () => {
    expect(odometerContinuity(1000, 990, 10)?.code).toBe('odometer_back');
    expect(odometerContinuity(1000, 1011, 10)?.code).toBe('odometer_gap');
    expect(odometerContinuity(1000, 1011, 10)?.message).toContain('11 km');
    expect(odometerContinuity(1000, 1010, 10)).toBeUndefined();
    expect(odometerContinuity(1000, 1000, 0)).toBeUndefined();
  });
  it('refuses an end reading below the start or implausibly far', () => {
    expect(endOdometerProblem(1000, 999)).toContain('小于');
    expect(endOdometerProblem(1000, 5000)).toContain('核对');
    expect(endOdometerProblem(1000, 1080)).toBeUndefined();
  });
  it('turns costs into §3.5 items, one per kind, each naming the trip', () => {
    const items = tripCostItems(
      {
        _id: 'CL-20261127-001',
        plate: '粤B12345',
        purpose: '接送夜班',
        costs: costs({ fuel: 20000, parking: 1000 }),
        endedAt: new Date(),
      },
      '2026-11-27',
      '王综合',
    );
    expect(items).toEqual([
      {
        date: '2026-11-27',
        category: 'fuel',
        amount: 20000,
        matter: '出车 CL-20261127-001 粤B12345：接送夜班（油费）',
        contact: '王综合',
        serials: [],
        travellers: 1,
      },
      {
        date: '2026-11-27',
        category: 'toll',
        amount: 1000,
        matter: '出车 CL-20261127-001 粤B12345：接送夜班（停车费）',
        contact: '王综合',
        serials: [],
        travellers: 1,
      },
    ]);
  });
  it('lets only the driver claim an ended trip with costs, and never twice', () => {
    const trip = {
      _id: 'CL-1',
      status: 'ended' as const,
      driver: { staffId: 'd1', name: '张三' },
      costs: costs({ fuel: 100 }),
    };
    expect(tripClaimProblem(trip, 'd1')).toBeUndefined();
    expect(tripClaimProblem(trip, 'x')).toContain('张三');
    expect(tripClaimProblem({ ...trip, status: 'open' }, 'd1')).toContain('收车');
    expect(tripClaimProblem({ ...trip, costs: costs() }, 'd1')).toContain('没有登记费用');
    expect(tripClaimProblem(trip, 'd1', '报销单 BX-20261127-001')).toContain('BX-20261127-001');
  });
  it('maintenance falls due by date or by mileage, whichever comes first', () => {
    const every = { km: 5000, months: 6 };
    expect(maintenanceDue({ on: '2026-06-01', odometer: 10000 }, 12000, '2026-11-27', every).due).toBe(false);
    expect(maintenanceDue({ on: '2026-06-01', odometer: 10000 }, 15000, '2026-11-27', every)).toMatchObject({
      due: true,
      byKm: 15000,
    });
    expect(maintenanceDue({ on: '2026-05-27', odometer: 10000 }, 11000, '2026-11-27', every)).toMatchObject({
      due: true,
      byDate: '2026-11-27',
    });
  });
});

describe('§3.4.4 accidents', () => {
  it('sends an unacknowledged report again after the configured minutes only', () => {
    const reportedAt = new Date('2026-11-27T06:00:00Z');
    expect(accidentNeedsResend({ status: 'reported', reportedAt }, new Date('2026-11-27T06:14:59Z'), 15)).toBe(false);
    expect(accidentNeedsResend({ status: 'reported', reportedAt }, new Date('2026-11-27T06:15:00Z'), 15)).toBe(true);
    expect(accidentNeedsResend({ status: 'acknowledged', reportedAt }, new Date('2026-11-27T07:00:00Z'), 15)).toBe(
      false,
    );
  });
});

describe('§3.4.4 发生时间 is a moment, not the words typed', () => {
  const TZ = 'Asia/Shanghai';
  const NOW = new Date('2026-11-27T02:17:33Z'); // 10:17 in Shanghai

  it("reads 刚才, 今天 08:40, 昨天 22:30 and a full date as moments in the bot's zone, and shows each as it reads back", () => {
    const read = (typed: string) => {
      const r = parseOccurred(typed, NOW, TZ);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    expect(read('刚才')).toBe('2026-11-27T10:17:00.000+08:00');
    expect(read('今天 08:40')).toBe('2026-11-27T08:40:00.000+08:00');
    expect(read('昨天 22:30')).toBe('2026-11-26T22:30:00.000+08:00');
    expect(read('2026-11-20 09:00')).toBe('2026-11-20T09:00:00.000+08:00');
    expect(showOccurred(read('今天 08:40'), TZ)).toBe('2026-11-27 08:40');
    for (const typed of ['刚才', '今天 08:40', '昨天 22:30', '上午8点半', '12-04 09:00']) {
      const value = read(typed);
      expect(read(showOccurred(value, TZ)), typed).toBe(value);
    }
  });

  it('refuses 明天, a time later today and 乱写, in Chinese', () => {
    expect(parseOccurred('明天 09:00', NOW, TZ)).toMatchObject({ ok: false, error: expect.stringContaining('还没到') });
    expect(parseOccurred('今天 10:30', NOW, TZ)).toMatchObject({
      ok: false,
      error: expect.stringContaining('晚于现在'),
    });
    expect(parseOccurred('乱写', NOW, TZ)).toMatchObject({ ok: false, error: expect.stringContaining('看不懂') });
    expect(parseOccurred('今天', NOW, TZ)).toMatchObject({ ok: false });
  });

  it('shows an accident reported before 发生时间 was parsed as it was typed', () => {
    expect(showOccurred('今天 14:30', TZ)).toBe('今天 14:30');
  });
});

describe('§3.4.6 monthly inspection', () => {
  it('adds up a month of trips: count, kilometres, costs', () => {
    const trips = [
      { startOdometer: 100, endOdometer: 150, costs: costs({ fuel: 5000 }) },
      { startOdometer: 150, endOdometer: 180, costs: costs({ toll: 1500 }) },
      { startOdometer: 180, endOdometer: null, costs: costs() },
    ];
    expect(monthlyUsage(trips)).toEqual({ trips: 3, km: 80, costs: 6500 });
  });
  it('records a missed month late (补录) up to the setting, never a month to come', () => {
    expect(inspectionMonthProblem('2026-11', '2026-11', 3)).toBeUndefined();
    expect(inspectionMonthProblem('2026-08', '2026-11', 3)).toBeUndefined();
    expect(inspectionMonthProblem('2026-07', '2026-11', 3)).toContain('最多补前 3 个月');
    expect(inspectionMonthProblem('2026-12', '2026-11', 3)).toContain('不能提前记录');
    expect(inspectionMonthProblem('2025-12', '2026-01', 1)).toBeUndefined();
    expect(isLateInspection('2026-10', '2026-11')).toBe(true);
    expect(isLateInspection('2026-11', '2026-11')).toBe(false);
  });
  it('checks the month just ended on the first day of the next one only', () => {
    expect(monthJustEnded('2026-12-01')).toBe('2026-11');
    expect(monthJustEnded('2027-01-01')).toBe('2026-12');
    expect(monthJustEnded('2026-11-30')).toBeUndefined();
  });
});

describe('§3.4.3 shuttle runs on time', () => {
  it('reads a departure time', () => {
    expect(parseTimeOfDay('7:30')).toBe('07:30');
    expect(parseTimeOfDay('18点05')).toBe('18:05');
    expect(parseTimeOfDay('25:00')).toBeUndefined();
  });
  it('reminds the driver after the margin, 综合部 after twice the margin, nobody once it is done', () => {
    const at = (iso: string) => new Date(iso);
    // 07:30 in Shanghai is 23:30 UTC the day before
    expect(shuttleLate('07:30', '2026-11-27', 'Asia/Shanghai', at('2026-11-26T23:44:00Z'), 15, false)).toEqual({
      remind: false,
      escalate: false,
    });
    expect(shuttleLate('07:30', '2026-11-27', 'Asia/Shanghai', at('2026-11-26T23:45:00Z'), 15, false)).toEqual({
      remind: true,
      escalate: false,
    });
    expect(shuttleLate('07:30', '2026-11-27', 'Asia/Shanghai', at('2026-11-27T00:00:00Z'), 15, false)).toEqual({
      remind: true,
      escalate: true,
    });
    expect(shuttleLate('07:30', '2026-11-27', 'Asia/Shanghai', at('2026-11-27T00:00:00Z'), 15, true)).toEqual({
      remind: false,
      escalate: false,
    });
  });
});

describe('§3.4.5 vehicle costs only with a trip (for the §3.5 checks)', () => {
  const plates = ['粤B12345'];
  it('accepts fuel naming a trip, and any other category that names no company plate', () => {
    expect(
      vehicleCostWithoutTrip([{ category: 'fuel', matter: '出车 CL-20261127-001 粤B12345：接送（油费）' }], plates),
    ).toBeUndefined();
    expect(vehicleCostWithoutTrip([{ category: 'meal', matter: '加班餐' }], plates)).toBeUndefined();
    expect(vehicleCostWithoutTrip([{ category: 'other', matter: '打车 粤B88888' }], plates)).toBeUndefined();
  });
  it('refuses fuel or repair without a trip number, and any item naming a company plate without one (#20: a plate says nothing of which trip)', () => {
    // before #20 an item naming a plate the claimant had driven passed: the trip's costs could be claimed again that way
    const r = vehicleCostWithoutTrip(
      [
        { category: 'meal', matter: '加班餐' },
        { category: 'fuel', matter: '加油' },
        { category: 'repair', matter: '粤b 12345 换刹车片' },
        { category: 'toll', matter: '粤B·12345 停车' },
      ],
      plates,
    );
    expect(r?.items).toEqual([1, 2, 3]);
    expect(r?.message).toContain('§3.4.5');
    expect(r?.message).toContain('第 2、3、4 项');
    expect(r?.message).toContain('出车单号');
  });
  it('reads trip numbers however the dashes were typed', () => {
    expect(tripNumbersIn('出车 cl－20261127—001 加油，CL20261127002')).toEqual(['CL-20261127-001', 'CL-20261127-002']);
  });
});

describe('§3.4.5 a trip’s costs as recorded, claimed once (#20)', () => {
  const trip = (
    o: Partial<{
      status: 'open' | 'ended';
      staffId: string;
      fuel: number;
      parking: number;
      costCheck: { status: string } | null;
    }> = {},
  ) => ({
    _id: 'CL-20261127-001',
    status: o.status ?? ('ended' as const),
    driver: { staffId: o.staffId ?? 's1', name: '张司机' },
    costs: costs({ fuel: o.fuel ?? 20000, parking: o.parking ?? 1000 }),
    costCheck: o.costCheck ?? null,
  });
  const item = (category: string, amount: number, matter = '出车 CL-20261127-001 加油') => ({
    category,
    amount,
    matter,
  });
  const trips = (t: ReturnType<typeof trip> | null) => new Map([['CL-20261127-001', t]]);

  it('takes items within what the trip recorded, per kind and in total', () => {
    expect(tripCostProblem([item('fuel', 20000), item('toll', 1000)], trips(trip()), 's1')).toBeUndefined();
  });
  it('refuses more than recorded of a kind, more in total, another driver’s trip, an open one and one held for 综合部', () => {
    expect(tripCostProblem([item('fuel', 15000), item('fuel', 10000)], trips(trip()), 's1')?.message).toContain(
      '油费 ¥200.00，报销写了 ¥250.00',
    );
    expect(tripCostProblem([item('fuel', 20000), item('other', 2000)], trips(trip()), 's1')?.code).toBe(
      'trip_cost_exceeded',
    );
    expect(tripCostProblem([item('fuel', 100)], trips(trip({ staffId: 's2' })), 's1')?.message).toContain(
      '不是你开的车',
    );
    expect(tripCostProblem([item('fuel', 100)], trips(trip({ status: 'open' })), 's1')?.message).toContain(
      '还没有收车',
    );
    expect(
      tripCostProblem([item('fuel', 100)], trips(trip({ costCheck: { status: 'pending' } })), 's1')?.message,
    ).toContain('待综合部确认');
    expect(tripCostProblem([item('fuel', 100)], trips(null), 's1')?.code).toBe('trip_unknown');
  });
});

describe('§3.4.5 costs far beyond the vehicle’s usual per km (#20)', () => {
  const bound = { factor: 3, floorPerKmFen: 200, allowanceFen: 50_000 };
  const history = Array.from({ length: 5 }, () => ({ km: 100, costs: 15_000 }));
  it('holds ¥35,068 of fuel on 48 km, with a short history on the floor', () => {
    const r = implausibleTripCost({ _id: 'CL-20261127-001', km: 48, costs: costs({ fuel: 3_506_800 }) }, [], bound);
    expect(r?.code).toBe('implausible_cost');
    expect(r?.message).toContain('¥596.00'); // 500 + 48 × 2
    expect(implausibleTripCost({ _id: 'x', km: 48, costs: costs({ fuel: 59_600 }) }, [], bound)).toBeUndefined();
  });
  it('bounds by the vehicle’s own cost per km once it has five trips, never below the floor', () => {
    expect(usualCostPerKm(history)).toBe(150);
    expect(usualCostPerKm(history.slice(1))).toBeUndefined();
    expect(implausibleTripCost({ _id: 'x', km: 100, costs: costs({ fuel: 95_000 }) }, history, bound)).toBeUndefined(); // 500 + 100 × 4.50
    expect(
      implausibleTripCost({ _id: 'x', km: 100, costs: costs({ fuel: 95_001 }) }, history, bound)?.message,
    ).toContain('往常每公里 ¥1.50 的 3 倍');
    const cheap = Array.from({ length: 5 }, () => ({ km: 100, costs: 0 }));
    expect(implausibleTripCost({ _id: 'x', km: 100, costs: costs({ fuel: 70_000 }) }, cheap, bound)).toBeUndefined(); // floor: 500 + 100 × 2
  });
});
