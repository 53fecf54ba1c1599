import { DateTime } from 'luxon';
import { readAll } from '../../src/core/period-keys.ts';
import { Dorm } from '../../src/models/index.ts';
import { allDormNames } from './common.ts';
import { type EveningRecord, firstEveningOf } from './figures-rules.ts';
import { outOf, RollCall, type RollCallRecord, type RollCallRow, rollCallId, rollCallRows } from './models.ts';
import type { EveningTimes } from './rules.ts';

/*
 * Every reader of many roll calls goes through their rows (models.ts rollCallRows), a month's at a
 * time: on FerretDB 1.24 any filter on the roll calls themselves (a date, a dorm, a person)
 * decodes every roll call ever made — a year of 300 dorms, 110,000 records: ~90 s of its CPU —
 * and even a week read by `_id` is 2,100 reads of ~10 KB. A month's rows are a few MB.
 */

/** A roll call's row as the figures read it (the entries of people not in: no figure counts the rest). */
export function toRecord(rc: RollCallRow): EveningRecord {
  return {
    date: rc.date,
    dorm: rc.dorm,
    asked: !!rc.askedAt,
    reportedAt: rc.report?.at ?? null,
    late: rc.report?.late ?? false,
    preCurfew: rc.report?.preCurfew ?? false,
    entries: outOf(rc),
  };
}

/** The months (yyyy-MM) from `from` to `to` (yyyy-MM-dd). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = DateTime.fromISO(from.slice(0, 7), { zone: 'utc' }); m.toFormat('yyyy-MM') <= to.slice(0, 7); ) {
    out.push(m.toFormat('yyyy-MM'));
    m = m.plus({ months: 1 });
  }
  return out;
}

const byDateThenDorm = (a: RollCallRow, b: RollCallRow) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : a.dorm < b.dorm ? -1 : a.dorm > b.dorm ? 1 : 0;

/**
 * The rows of the roll calls from `from` to `to` (yyyy-MM-dd) of `dorms` (all when undefined),
 * oldest first, then by dorm: only the months concerned are read.
 */
export async function rowsBetween(from: string, to: string, dorms?: readonly string[]): Promise<RollCallRow[]> {
  const filter = { date: { $gte: from, $lte: to }, ...(dorms ? { dorm: { $in: [...dorms] } } : {}) };
  const rows = (await rollCallRows.rows(filter, { keys: monthsBetween(from, to) })) as RollCallRow[];
  return rows.sort(byDateThenDorm);
}

/** The rows of the roll calls of one month (yyyy-MM), of `dorms` (all when undefined), by date then dorm. */
export function rowsOfMonth(month: string, dorms?: readonly string[]): Promise<RollCallRow[]> {
  return rowsBetween(`${month}-01`, `${month}-31`, dorms);
}

/** The roll calls of a month (yyyy-MM) or a date range, of one dorm or all, oldest first (then by dorm). */
export async function recordsOf(q: {
  dorm?: string;
  month?: string;
  from?: string;
  to?: string;
}): Promise<EveningRecord[]> {
  const rows = q.month
    ? await rowsOfMonth(q.month, q.dorm ? [q.dorm] : undefined)
    : await rowsBetween(q.from!, q.to!, q.dorm ? [q.dorm] : undefined);
  return rows.map(toRecord);
}

/**
 * Every roll call of one evening (yyyy-MM-dd), whole, read by `_id`: those the evening's rows name
 * and each known dorm's, so one whose row is missing (a process killed between the record's write
 * and its row's) is still chased and escalated. A row found behind its record is put right here,
 * so the evening's figures are whole again by its escalation.
 */
export async function rollCallsOn(date: string): Promise<RollCallRecord[]> {
  const [rows, known] = await Promise.all([rowsBetween(date, date), allDormNames()]);
  const ids = [...new Set([...rows.map((r) => r._id), ...known.map((d) => rollCallId(date, d))])];
  const records = await readAll(ids, (id) => RollCall.findById(id).lean<RollCallRecord>());
  const held = new Map(rows.map((r) => [r._id, JSON.stringify(r)]));
  for (const rc of records) if (held.get(rc._id) !== JSON.stringify(rollCallRows.rowOf(rc))) await rollCallRows.put(rc);
  return records;
}

/**
 * The first evening a dorm had a roll call due: the evening after its record was made (or that
 * one, made before the roll call), or its first roll call if earlier (a dorm from before dorm
 * records). Undefined when neither is known.
 */
export async function checkedSince(dorm: string, t: EveningTimes, tz: string): Promise<string | undefined> {
  const [place, first] = await Promise.all([
    Dorm.findOne({ name: dorm }, { createdAt: 1 }).lean(),
    firstRollCall(dorm),
  ]);
  const dates = [place?.createdAt ? firstEveningOf(new Date(place.createdAt), t, tz) : undefined, first].filter(
    (d): d is string => !!d,
  );
  return dates.sort()[0];
}

/** The date of a dorm's first roll call: the months' rows, oldest first, until one has the dorm. */
async function firstRollCall(dorm: string): Promise<string | undefined> {
  for (const key of await rollCallRows.partitions()) {
    const [row] = await rollCallRows.rows({ dorm }, { keys: [key], sort: { date: 1 }, limit: 1 });
    if (row) return (row as RollCallRow).date;
  }
  return undefined;
}
