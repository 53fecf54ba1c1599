import { takeOnce } from '../../src/core/once.ts';
import { DayIndex } from '../../src/core/period-keys.ts';
import { OnceKey } from '../../src/models/index.ts';
import { Trip } from './models.ts';

/*
 * 查找 <姓名>'s key to a person's trips: for each driver (staff id), every trip number they
 * started, in insert-only chunks read by `_id` (src/core/period-keys.ts DayIndex, its "day" the
 * staff id). `{driver.staffId}` is a read of every trip (39 MB in a year) on FerretDB 1.24. A
 * trip's driver never changes.
 */
export const driverKeys = new DayIndex('vehicles.driver');

const DONE = 'vehicles:driver-keys';

/** Keys the trips started before the keys existed: one full read of the trips, once per database. */
export async function backfillDriverKeys(): Promise<number> {
  if (await OnceKey.exists({ _id: DONE })) return 0;
  const byStaff = new Map<string, string[]>();
  let n = 0;
  for await (const t of Trip.find({}, { 'driver.staffId': 1 })
    .lean<{ _id: string; driver?: { staffId?: string } }[]>()
    .cursor({ batchSize: 1000 })) {
    const id = String(t.driver?.staffId ?? '');
    if (!id) continue;
    byStaff.set(id, [...(byStaff.get(id) ?? []), String(t._id)]);
    n++;
  }
  const staff = [...byStaff];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let e = staff.shift(); e; e = staff.shift()) await driverKeys.add(e[0], ...e[1]);
    }),
  );
  await takeOnce(DONE, 'start');
  return n;
}

let filling: Promise<number> | undefined;

/**
 * backfillDriverKeys() without holding up the start (on a year of records it reads for seconds): 查找 waits for
 * it (driverKeysFilled); a failed fill is reported and tried again at the next start.
 */
export function fillDriverKeysInBackground(onError: (err: unknown) => void): void {
  filling = backfillDriverKeys();
  filling.catch(onError);
}

/** Resolves when no fill of these keys runs in this process. */
export async function driverKeysFilled(): Promise<void> {
  await filling?.catch(() => 0);
}
