import { DateTime } from 'luxon';
import { takeOnce } from '../../src/core/once.ts';
import { DayIndex } from '../../src/core/period-keys.ts';
import { OnceKey } from '../../src/models/index.ts';
import { Trip } from './models.ts';

/**
 * The trips ended (收车) on each day: what 周报 reads by key, since an `endedAt` range is a full read
 * of the trips on FerretDB 1.24. Keyed before the trip is marked ended.
 */
export const tripsEnded = new DayIndex('vehicles.ended');

/** Keys trip `id` as ended at `at` (the day in `tz`); call before the trip is marked ended. */
export const keyTripEnded = (id: string, at: Date, tz: string) =>
  tripsEnded.add(DateTime.fromJSDate(at, { zone: tz }).toISODate()!, id);

const DONE = 'vehicles:daykeys';

/** Keys the trips ended before the keys existed: one full read of the trips, once per database. */
export async function backfillTripDays(tz: string): Promise<number> {
  if (await OnceKey.exists({ _id: DONE })) return 0;
  const trips = await Trip.find({ status: 'ended' }, { endedAt: 1 }).lean();
  const byDay = new Map<string, string[]>();
  for (const t of trips) {
    if (!t.endedAt) continue;
    const day = DateTime.fromJSDate(t.endedAt, { zone: tz }).toISODate()!;
    byDay.set(day, [...(byDay.get(day) ?? []), t._id]);
  }
  for (const [day, ids] of byDay) await tripsEnded.add(day, ...ids);
  await takeOnce(DONE, 'start');
  return trips.length;
}
