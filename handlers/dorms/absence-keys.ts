import { BUILT_PREFIX } from '../../src/core/narrow-copy.ts';
import { takeOnce } from '../../src/core/once.ts';
import { DayIndex } from '../../src/core/period-keys.ts';
import { OnceKey } from '../../src/models/index.ts';
import { type EntryRecord, type RollCallRow, rollCallRows } from './models.ts';

/*
 * 查找 <姓名>'s key to a person's absences: for each staff id, the roll calls (`<date>:<dorm>`) that
 * ever reported them 未归, in insert-only chunks read by `_id` (src/core/period-keys.ts DayIndex,
 * whose "day" is here the staff id). Without it a guard with few absences made 查找 read every
 * month's roll-call rows (~0.9 s of FerretDB CPU a month). A key is a hint: the search reads the
 * roll call and keeps it only if it still has the person 未归 (a correction may have cleared them).
 */
export const absenceKeys = new DayIndex('dorms.absent');

const DONE = 'dorms:absence-keys';

/**
 * Keys the people a report newly has 未归 to roll call `id`; call before writing the report, so a
 * crash in between leaves a key to nothing (one wasted read), never an absence without a key.
 */
export async function keyAbsences(
  id: string,
  before: readonly Pick<EntryRecord, 'staffId' | 'status'>[] | null,
  entries: readonly Pick<EntryRecord, 'staffId' | 'status'>[],
): Promise<void> {
  const had = new Set((before ?? []).filter((e) => e.status === 'absent').map((e) => e.staffId));
  const fresh = new Set(entries.filter((e) => e.status === 'absent' && !had.has(e.staffId)).map((e) => e.staffId));
  for (const staffId of fresh) await absenceKeys.add(staffId, id);
}

/**
 * Keys the absences reported before the keys existed, once per database, from the roll calls' rows
 * (their `absent` ids, a month's rows at a time) rather than the roll calls themselves. Run after
 * the rows are built. Marked done only at the end: a crash part-way keys again (a key twice is
 * read once).
 */
export async function backfillAbsenceKeys(): Promise<number> {
  if (await OnceKey.exists({ _id: DONE })) return 0;
  // the rows of roll calls from before them are built in the background at start: read them once built
  await rollCallRows.built();
  // a failed build leaves rows missing: key nothing yet, and try again at the next start
  if (!(await OnceKey.exists({ _id: `${BUILT_PREFIX}rollcallrows:built` })))
    throw new Error('roll call rows not built: absence keys not filled');
  const byStaff = new Map<string, string[]>();
  let n = 0;
  for (const key of await rollCallRows.partitions()) {
    const rows = (await rollCallRows.rows({ 'absent.0': { $exists: true } }, { keys: [key] })) as RollCallRow[];
    for (const r of rows)
      for (const staffId of r.absent) {
        byStaff.set(staffId, [...(byStaff.get(staffId) ?? []), r._id]);
        n++;
      }
  }
  const staff = [...byStaff];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let e = staff.shift(); e; e = staff.shift()) await absenceKeys.add(e[0], ...e[1]);
    }),
  );
  await takeOnce(DONE, 'start');
  return n;
}

let filling: Promise<number> | undefined;

/**
 * backfillAbsenceKeys() without holding up the start (on a year of records it reads for seconds): 查找 waits for
 * it (absenceKeysFilled); a failed fill is reported and tried again at the next start.
 */
export function fillAbsenceKeysInBackground(onError: (err: unknown) => void): void {
  filling = backfillAbsenceKeys();
  filling.catch(onError);
}

/** Resolves when no fill of these keys runs in this process. */
export async function absenceKeysFilled(): Promise<void> {
  await filling?.catch(() => 0);
}
