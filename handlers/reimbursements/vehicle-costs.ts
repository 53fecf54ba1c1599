import type { Config } from '../../src/config.ts';
import { Trip } from '../vehicles/models.ts';
import { vehicleCostWithoutTrip } from '../vehicles/rules.ts';
import type { ClaimItem, RuleMessage } from './rules.ts';

/**
 * §3.4.5 出车记录…按规定报账: where the vehicles workflow runs, a fuel or repair item must name one
 * of the claimant's trips (or a plate they drove) — `出车报销` writes it so. Without the vehicles
 * workflow there is no trip log to check against, and the rule does not apply.
 */
export async function vehicleCostProblem(config: Config, staffId: string | undefined, items: readonly ClaimItem[]): Promise<RuleMessage | undefined> {
  if (!('vehicles' in config.settings)) return undefined;
  if (!items.some((it) => it.category === 'fuel' || it.category === 'repair')) return undefined;
  const trips = staffId
    ? (await Trip.find({ 'driver.staffId': staffId }, { _id: 1, plate: 1 }).sort({ startedAt: -1 }).limit(500).lean()).map((t) => ({ _id: String(t._id), plate: t.plate }))
    : [];
  return vehicleCostWithoutTrip(items, trips);
}
