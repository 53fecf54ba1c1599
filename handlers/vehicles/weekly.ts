import type { Services } from '../../src/core/context.ts';
import { formatFen } from '../../src/core/money.ts';
import { daysIn, readAll } from '../../src/core/period-keys.ts';
import type { Period, ReportPart, WeeklySection } from '../../src/core/reporting.ts';
import { tripsEnded } from './days.ts';
import { Trip } from './models.ts';

/*
 * The vehicles' part of 周报 (§3.4.5): per vehicle, the trips ended in the week, their kilometres
 * (odometer at return minus at departure) and costs (油费、过路费、停车费、维修费), and the cost per
 * kilometre that 综合部 compares between vehicles.
 */

export interface VehicleWeek {
  plate: string;
  trips: number;
  km: number;
  /** Fen. */
  cost: number;
}

type TripCosts = { fuel?: number | null; toll?: number | null; parking?: number | null; repair?: number | null };
const costOf = (c: TripCosts | null | undefined) =>
  (c?.fuel ?? 0) + (c?.toll ?? 0) + (c?.parking ?? 0) + (c?.repair ?? 0);

/** Fen per kilometre as yuan with two decimals; 0 when the vehicle did not move. */
export const yuanPerKm = (v: VehicleWeek) => (v.km > 0 ? Math.round(v.cost / v.km) / 100 : 0);

export const vehiclesWeekly: WeeklySection = {
  title: '车辆',
  async build(services: Services, week: Period): Promise<ReportPart> {
    // by the day keys of 收车 (days.ts): an `endedAt` range is a full read of the trips on FerretDB 1.24
    const ids = await tripsEnded.ids(daysIn(week, services.config.timezone));
    const keyed = await readAll(ids, (id) =>
      Trip.findById(id, { plate: 1, startOdometer: 1, endOdometer: 1, costs: 1, endedAt: 1, status: 1 }).lean(),
    );
    const trips = keyed.filter(
      (t) => t.status === 'ended' && t.endedAt && t.endedAt >= week.from && t.endedAt < week.to,
    );
    const by = new Map<string, VehicleWeek>();
    for (const t of trips) {
      const v = by.get(t.plate) ?? { plate: t.plate, trips: 0, km: 0, cost: 0 };
      v.trips++;
      v.km += Math.max(0, (t.endOdometer ?? t.startOdometer) - t.startOdometer);
      v.cost += costOf(t.costs);
      by.set(t.plate, v);
    }
    const vehicles = [...by.values()].sort((a, b) => yuanPerKm(b) - yuanPerKm(a) || a.plate.localeCompare(b.plate));
    if (!vehicles.length) return { title: '车辆（§3.4.5）', lines: ['本周没有收车的出车记录。'] };
    const km = vehicles.reduce((s, v) => s + v.km, 0);
    const cost = vehicles.reduce((s, v) => s + v.cost, 0);
    return {
      title: '车辆（§3.4.5）',
      lines: [
        `本周收车 ${trips.length} 趟，${km} 公里，费用 ${formatFen(cost)}`,
        ...vehicles.map(
          (v) => `• ${v.plate}：${v.trips} 趟 ${v.km} 公里，${formatFen(v.cost)}，每公里 ¥${yuanPerKm(v).toFixed(2)}`,
        ),
      ],
      charts: [
        {
          kind: 'bar',
          title: '各车每公里费用',
          categories: vehicles.map((v) => v.plate),
          series: [{ name: '每公里', values: vehicles.map(yuanPerKm) }],
          unit: '元/公里',
        },
      ],
    };
  },
};
