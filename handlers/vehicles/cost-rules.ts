import type { ClaimItem } from '../reimbursements/api.ts';
import type { Costs, TripRecord } from './models.ts';
import { CLAUSE, COST_LABELS, costsTotal, formatFen, type RuleMessage } from './rules.ts';

/*
 * §3.4.5 出车记录里程数及各项费用明细，按规定报账, as claims meet it (#20): a trip's costs are claimed
 * once and never beyond what the trip recorded, a vehicle cost names its trip, and a cost far beyond
 * what the vehicle runs up per kilometre waits for 综合部. Pure functions; claim.ts and trips.ts read
 * the records and ask these.
 */

/** The trip numbers (CL-20261127-001) a text names, however the dashes were typed. */
export function tripNumbersIn(text: string): string[] {
  const found = text.toUpperCase().matchAll(/CL[-－—–\s]?(\d{8})[-－—–\s]?(\d{3})/g);
  return [...new Set([...found].map((m) => `CL-${m[1]}-${m[2]}`))];
}

/** The company plates (粤B12345) a text names, with spaces, dots or dashes in between or not. */
export function platesIn(text: string, plates: readonly string[]): string[] {
  const t = text.toUpperCase().replace(/[\s·•.\-－]/g, '');
  return plates.filter((p) => t.includes(p));
}

/** Items of these categories are a company vehicle's costs whatever their 所办事项 says. */
const VEHICLE_CATEGORIES = new Set(['fuel', 'repair']);

/**
 * §3.4.5 → §3.5: a fuel or repair item, or any item naming a company vehicle's plate, is a cost of a
 * trip and names that trip (出车 CL-…); a plate alone says nothing of which trip, so it is refused
 * naming the clause. `plates` are the company's registered plates.
 */
export function vehicleCostWithoutTrip(
  items: readonly Pick<ClaimItem, 'category' | 'matter'>[],
  plates: readonly string[],
): (RuleMessage & { items: number[] }) | undefined {
  const bad = items.flatMap((it, i) => {
    if (!VEHICLE_CATEGORIES.has(it.category) && !platesIn(it.matter, plates).length) return [];
    return tripNumbersIn(it.matter).length ? [] : [i];
  });
  if (!bad.length) return undefined;
  return {
    clause: CLAUSE.tripLog,
    code: 'vehicle_cost_without_trip',
    message: `第 ${bad.map((i) => i + 1).join('、')} 项是公司车辆的费用（油费、维修费，或写了车牌），但没有写出车单号（${CLAUSE.tripLog} 出车记录各项费用，按规定报账）。请用「出车报销 单号」报销一次出车的费用。`,
    items: bad,
  };
}

/** Which of a trip's recorded costs an item of a category is claimed against; other categories only count in the total. */
const KINDS_OF: Record<string, (keyof Costs)[]> = { fuel: ['fuel'], toll: ['toll', 'parking'], repair: ['repair'] };
const KIND_LABEL: Record<string, string> = { fuel: '油费', toll: '过路停车费', repair: '维修费' };

export type ClaimableTrip = Pick<TripRecord, '_id' | 'status' | 'driver' | 'costs'> & {
  costCheck?: { status: string } | null;
};

/**
 * §3.4.5 a trip's costs, claimed as recorded: every trip an item names must be the claimant's, ended,
 * not waiting for 综合部 (costCheck), and the items naming it — in this claim, the draft included —
 * stay within what it recorded, per kind (fuel, tolls and parking, repairs) and in total. That it is
 * claimed once across claims is the claim's hold on it (tripHolds in claim.ts).
 */
export function tripCostProblem(
  items: readonly Pick<ClaimItem, 'category' | 'matter' | 'amount'>[],
  trips: ReadonlyMap<string, ClaimableTrip | null>,
  staffId: string | undefined,
): (RuleMessage & { items: number[] }) | undefined {
  const byTrip = new Map<string, number[]>();
  for (const [i, it] of items.entries()) {
    const nos = tripNumbersIn(it.matter);
    if (nos.length > 1)
      return {
        clause: CLAUSE.tripLog,
        code: 'several_trips',
        items: [i],
        message: `第 ${i + 1} 项写了 ${nos.length} 个出车单号：一项只报一次出车的一种费用（${CLAUSE.tripLog}）。`,
      };
    if (nos[0]) byTrip.set(nos[0], [...(byTrip.get(nos[0]) ?? []), i]);
  }
  for (const [no, idx] of byTrip) {
    const trip = trips.get(no);
    const fail = (code: string, message: string) => ({
      clause: CLAUSE.tripLog,
      code,
      items: idx,
      message: `第 ${idx.map((i) => i + 1).join('、')} 项：${message}`,
    });
    if (!trip) return fail('trip_unknown', `没有出车 ${no} 的记录，请核对出车单号（${CLAUSE.tripLog}）。`);
    if (trip.driver.staffId !== staffId)
      return fail('trip_not_yours', `出车 ${no} 不是你开的车，费用由司机 ${trip.driver.name} 报销。`);
    if (trip.status !== 'ended')
      return fail('trip_open', `出车 ${no} 还没有收车，收车时登记的费用才能报销（${CLAUSE.tripLog}）。`);
    if (trip.costCheck?.status === 'pending')
      return fail(
        'trip_cost_unconfirmed',
        `出车 ${no} 的费用远超该车往常，待综合部确认后才能报销（${CLAUSE.tripLog}）。`,
      );
    const claimed = (kinds?: (keyof Costs)[]) =>
      idx.filter((i) => !kinds || KINDS_OF[items[i]!.category] === kinds).reduce((s, i) => s + items[i]!.amount, 0);
    for (const [category, kinds] of Object.entries(KINDS_OF)) {
      const recorded = kinds.reduce((s, k) => s + trip.costs[k], 0);
      const asked = claimed(kinds);
      if (asked > recorded)
        return fail(
          'trip_cost_exceeded',
          `出车 ${no} 记录的${KIND_LABEL[category]} ${formatFen(recorded)}，报销写了 ${formatFen(asked)}。一次出车的费用按记录报一次（${CLAUSE.tripLog}）。`,
        );
    }
    const total = claimed();
    if (total > costsTotal(trip.costs)) {
      return fail(
        'trip_cost_exceeded',
        `出车 ${no} 记录的费用共 ${formatFen(costsTotal(trip.costs))}（${Object.entries(COST_LABELS)
          .map(([k, l]) => `${l} ${formatFen(trip.costs[k as keyof Costs])}`)
          .join('、')}），报销写了 ${formatFen(total)}。一次出车的费用按记录报一次（${CLAUSE.tripLog}）。`,
      );
    }
  }
  return undefined;
}

// ── §3.4.5 self-reported costs: a sanity check against the vehicle's own record ─────────────

export interface CostBound {
  /** The vehicle's usual cost per km is multiplied by this. */
  factor: number;
  /** Never less than this per km (fen), and this alone while the history is short. */
  floorPerKmFen: number;
  /** Allowed on any trip on top of the per-km bound (fen): a fill-up is not proportional to one trip. */
  allowanceFen: number;
}

/** Trips of a vehicle it takes before its own cost per km is trusted; fewer, and the floor is the bound. */
export const MIN_HISTORY_TRIPS = 5;

/**
 * The vehicle's usual cost per km (fen): everything its recent trips cost over every km they drove
 * (fill-ups fall on some trips, not others, so one trip's cost per km says little), or undefined
 * while it has fewer than MIN_HISTORY_TRIPS trips with a distance.
 */
export function usualCostPerKm(history: readonly { km: number; costs: number }[]): number | undefined {
  const driven = history.filter((h) => h.km > 0);
  if (driven.length < MIN_HISTORY_TRIPS) return undefined;
  return driven.reduce((s, h) => s + h.costs, 0) / driven.reduce((s, h) => s + h.km, 0);
}

/**
 * §3.4.5 出车记录…各项费用明细: costs far beyond what the vehicle runs up over the distance are held
 * for 综合部 before they can be claimed. The bound is the allowance plus the km driven times the
 * larger of the usual cost per km × factor and the floor.
 */
export function implausibleTripCost(
  trip: { _id: string; km: number; costs: Costs },
  history: readonly { km: number; costs: number }[],
  bound: CostBound,
): RuleMessage | undefined {
  const total = costsTotal(trip.costs);
  const usual = usualCostPerKm(history);
  const perKm = Math.max((usual ?? 0) * bound.factor, bound.floorPerKmFen);
  const limit = Math.round(bound.allowanceFen + Math.max(trip.km, 0) * perKm);
  if (total <= limit) return undefined;
  const basis =
    usual === undefined
      ? `每公里 ${formatFen(Math.round(perKm))}`
      : `往常每公里 ${formatFen(Math.round(usual))} 的 ${bound.factor} 倍`;
  return {
    clause: CLAUSE.tripLog,
    code: 'implausible_cost',
    message: `出车 ${trip._id} 行驶 ${trip.km} km，登记费用 ${formatFen(total)}，超过该车按${basis}估算的上限 ${formatFen(limit)}（${CLAUSE.tripLog}）：须综合部确认后才能报销。`,
  };
}
