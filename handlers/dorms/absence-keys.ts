import { BUILT_PREFIX } from '../../src/core/narrow-copy.ts';
import { PersonKeys } from '../../src/core/person-keys.ts';
import { OnceKey } from '../../src/models/index.ts';
import { type EntryRecord, type RollCallRow, rollCallRows } from './models.ts';

/*
 * 查找 <姓名>'s key to a person's absences: for each staff id, the roll calls (`<date>:<dorm>`) that
 * ever reported them 未归, in insert-only chunks read by `_id` (src/core/person-keys.ts PersonKeys,
 * a DayIndex whose "day" is the staff id). Without it a guard with few absences made 查找 read every
 * month's roll-call rows (~0.9 s of FerretDB CPU a month). A key is a hint: the search reads the
 * roll call and keeps it only if it still has the person 未归 (a correction may have cleared them).
 */

/**
 * The absences reported before the keys existed, from the roll calls' rows (their `absent` ids, a
 * month's rows at a time) rather than the roll calls themselves: after the rows are built.
 */
const keys = new PersonKeys('dorms.absent', 'dorms:absence-keys', async function* () {
  // the rows of roll calls from before them are built in the background at start: read them once built
  await rollCallRows.built();
  // a failed build leaves rows missing: key nothing yet, and try again at the next start
  if (!(await OnceKey.exists({ _id: `${BUILT_PREFIX}rollcallrows:built` })))
    throw new Error('roll call rows not built: absence keys not filled');
  for (const key of await rollCallRows.partitions()) {
    const rows = (await rollCallRows.rows({ 'absent.0': { $exists: true } }, { keys: [key] })) as RollCallRow[];
    for (const r of rows) for (const staffId of r.absent) yield [staffId, r._id] as const;
  }
});

export const absenceKeys = keys.index;

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

/** Keys the absences reported before the keys existed, once per database. */
export const backfillAbsenceKeys = (): Promise<number> => keys.backfill();
/** backfillAbsenceKeys() in the background at start: 查找 waits for it (absenceKeysFilled). */
export const fillAbsenceKeysInBackground = (onError: (err: unknown) => void): void => keys.fillInBackground(onError);
/** Resolves when no fill of these keys runs in this process. */
export const absenceKeysFilled = (): Promise<void> => keys.filled();
