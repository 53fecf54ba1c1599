import { PersonKeys } from '../../src/core/person-keys.ts';
import { Trip } from './models.ts';

/*
 * 查找 <姓名>'s key to a person's trips: for each driver (staff id), every trip number they
 * started, in insert-only chunks read by `_id` (src/core/person-keys.ts PersonKeys: a DayIndex
 * keyed by staff id). `{driver.staffId}` is a read of every trip (39 MB in a year) on FerretDB 1.24. A
 * trip's driver never changes.
 */
const keys = new PersonKeys('vehicles.driver', 'vehicles:driver-keys', async function* () {
  for await (const t of Trip.find({}, { 'driver.staffId': 1 })
    .lean<{ _id: string; driver?: { staffId?: string } }[]>()
    .cursor({ batchSize: 1000 }))
    yield [String(t.driver?.staffId ?? ''), String(t._id)] as const;
});

export const driverKeys = keys.index;
/** Keys the trips started before the keys existed: one full read of the trips, once per database. */
export const backfillDriverKeys = (): Promise<number> => keys.backfill();
/** backfillDriverKeys() in the background at start: 查找 waits for it (driverKeysFilled). */
export const fillDriverKeysInBackground = (onError: (err: unknown) => void): void => keys.fillInBackground(onError);
/** Resolves when no fill of these keys runs in this process. */
export const driverKeysFilled = (): Promise<void> => keys.filled();
