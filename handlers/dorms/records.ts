import { Dorm } from '../../src/models/index.ts';
import { type EveningRecord, firstEveningOf } from './figures-rules.ts';
import { RollCall, type RollCallRecord } from './models.ts';
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

/** The roll calls of a month (yyyy-MM) or a date range, of one dorm or all, oldest first. */
export async function recordsOf(q: {
  dorm?: string;
  month?: string;
  from?: string;
  to?: string;
}): Promise<EveningRecord[]> {
  const from = q.month ? `${q.month}-01` : q.from!;
  const to = q.month ? `${q.month}-31` : q.to!;
  const filter: Record<string, unknown> = { date: { $gte: from, $lte: to } };
  if (q.dorm) filter.dorm = q.dorm;
  const docs = await RollCall.find(filter).sort({ date: 1, dorm: 1 }).lean<RollCallRecord[]>();
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
