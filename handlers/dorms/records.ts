import { DateTime } from 'luxon';
import { readAll } from '../../src/core/period-keys.ts';
import { Dorm } from '../../src/models/index.ts';
import { allDormNames } from './common.ts';
import { type EveningRecord, firstEveningOf } from './figures-rules.ts';
import { RollCall, type RollCallRecord, rollCallId } from './models.ts';
import type { EveningTimes } from './rules.ts';

/** A stored roll call as the figures read it. */
export function toRecord(rc: RollCallRecord): EveningRecord {
  return {
    date: rc.date,
    dorm: rc.dorm,
    asked: !!rc.askedAt,
    reportedAt: rc.report?.at ?? null,
    late: rc.report?.late ?? false,
    preCurfew: rc.report?.preCurfew ?? false,
    entries: rc.report?.entries ?? [],
  };
}

/**
 * The roll calls of a month (yyyy-MM) or a date range, of one dorm or all, oldest first (then by
 * dorm). Read by `_id` (`<date>:<dorm>` for each day and dorm), a few at a time: on FerretDB 1.24 a
 * `date` range decodes every roll call ever made (a year of 300 dorms, 110,000 records: 90 s of its
 * CPU), while a week of all dorms by key is 2,100 reads. So "all" is every dorm allDormNames knows:
 * the dorm records and the dorms of active staff.
 */
export async function recordsOf(q: {
  dorm?: string;
  month?: string;
  from?: string;
  to?: string;
}): Promise<EveningRecord[]> {
  const from = q.month ? `${q.month}-01` : q.from!;
  const to = q.month ? `${q.month}-31` : q.to!;
  const dorms = q.dorm ? [q.dorm] : await allDormNames();
  const days: string[] = [];
  // calendar days as strings: a month's "-31" bound stops at its last real day
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to && d.isValid; d = d.plus({ days: 1 }))
    days.push(d.toISODate()!);
  const ids = days.flatMap((day) => [...dorms].sort().map((dorm) => rollCallId(day, dorm)));
  const docs = await readAll(ids, (id) => RollCall.findById(id).lean<RollCallRecord>());
  return docs.map(toRecord);
}

/**
 * The first evening a dorm had a roll call due: the evening after its record was made (or that
 * one, made before the roll call), or its first roll call if earlier (a dorm from before dorm
 * records). Undefined when neither is known.
 */
export async function checkedSince(dorm: string, t: EveningTimes, tz: string): Promise<string | undefined> {
  const [place, first] = await Promise.all([
    Dorm.findOne({ name: dorm }, { createdAt: 1 }).lean(),
    RollCall.findOne({ dorm }, { date: 1 }).sort({ date: 1 }).lean(),
  ]);
  const dates = [place?.createdAt ? firstEveningOf(new Date(place.createdAt), t, tz) : undefined, first?.date].filter(
    (d): d is string => !!d,
  );
  return dates.sort()[0];
}
