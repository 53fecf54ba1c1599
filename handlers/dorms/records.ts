import { RollCall, type RollCallRecord } from './models.ts';
import type { EveningRecord } from './rules.ts';

/** A stored roll call as the figures read it. */
export function toRecord(rc: RollCallRecord): EveningRecord {
  return {
    date: rc.date,
    dorm: rc.dorm,
    asked: !!rc.askedAt,
    reportedAt: rc.report?.at ?? null,
    late: rc.report?.late ?? false,
    entries: rc.report?.entries ?? [],
  };
}

/** The roll calls of a month (yyyy-MM) or a date range, of one dorm or all, oldest first. */
export async function recordsOf(q: { dorm?: string; month?: string; from?: string; to?: string }): Promise<EveningRecord[]> {
  const from = q.month ? `${q.month}-01` : q.from!;
  const to = q.month ? `${q.month}-31` : q.to!;
  const filter: Record<string, unknown> = { date: { $gte: from, $lte: to } };
  if (q.dorm) filter.dorm = q.dorm;
  const docs = await RollCall.find(filter).sort({ date: 1, dorm: 1 }).lean<RollCallRecord[]>();
  return docs.map(toRecord);
}
