import { DateTime } from 'luxon';
import { ClientLog } from '../../handlers/clients/models.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { readReport } from '../../handlers/complaints/report.ts';
import { HygieneEvaluation, RollCall, rollCallId } from '../../handlers/dorms/models.ts';
import { recordsOf } from '../../handlers/dorms/records.ts';
import { claimsDecided, claimsPaid, claimsPending } from '../../handlers/reimbursements/due.ts';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { tripsEnded } from '../../handlers/vehicles/days.ts';
import { Trip } from '../../handlers/vehicles/models.ts';
import { daysIn, numbersIssued, readAll } from '../../src/core/period-keys.ts';
import type { Period } from '../../src/core/reporting.ts';
import { AuditEntry, Dorm } from '../../src/models/index.ts';
import { type Measured, measure } from './reports-measure.ts';

/*
 * What the reads a report is made of cost on this database, before any report code: a week or a
 * month of each large collection by its date field (what a section would naturally query; on
 * FerretDB 1.24 a scan of the whole collection), beside reading the same records by `_id`.
 */

const TZ = 'Asia/Shanghai';
/** Once each: a scan of a year of roll calls takes long enough to be timed once. */
const RUNS = Number(process.env.REPORTS_PROBE_RUNS ?? 1);

/** Reads `ids` by `_id`, `concurrency` at a time; returns how many were found. */
export async function byIds<T>(ids: readonly string[], read: (id: string) => Promise<T | null>, concurrency = 8) {
  let next = 0;
  let found = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) if (await read(ids[next++]!)) found++;
    }),
  );
  return found;
}

export async function probes(week: Period, month: Period, dbPid: number | undefined): Promise<Measured[]> {
  const day = (d: Date) => DateTime.fromJSDate(d, { zone: TZ }).toISODate()!;
  const weekDays: string[] = [];
  for (let d = DateTime.fromJSDate(week.from, { zone: TZ }); d.toJSDate() < week.to; d = d.plus({ days: 1 }))
    weekDays.push(d.toISODate()!);
  const dorms = (await Dorm.find({}, { name: 1 }).lean()).map((d) => d.name);
  const n = (rows: unknown[]) => `${rows.length} docs`;
  const range = { $gte: week.from, $lt: week.to };
  const monthRange = { $gte: month.from, $lt: month.to };
  const out: Measured[] = [];
  const probe = async (name: string, work: () => Promise<string>) => {
    out.push(await measure(name, 'probe', RUNS, dbPid, work));
  };
  // 90 s of FerretDB's CPU on the year's 110,000 roll calls: only when asked for
  if (process.env.REPORTS_SLOW_PROBES === '1')
    await probe('roll calls of the week by {date}', async () =>
      n(await RollCall.find({ date: { $gte: weekDays[0], $lte: weekDays.at(-1) } }).lean()),
    );
  await probe('roll calls of the week by _id (dorms × days, 8 at a time)', async () => {
    const ids = weekDays.flatMap((d) => dorms.map((dorm) => rollCallId(d, dorm)));
    return `${await byIds(ids, (id) => RollCall.findById(id).lean())} docs`;
  });
  await probe('complaints accepted in the week', async () => n(await Complaint.find({ acceptedAt: range }).lean()));
  await probe('complaints open (status)', async () =>
    n(await Complaint.find({ status: { $in: ['registered', 'investigated', 'decided'] } }).lean()),
  );
  await probe('claims paid in the month {paidOn}', async () =>
    n(await ReimbursementClaim.find({ paidOn: { $gte: day(month.from), $lt: day(month.to) } }).lean()),
  );
  await probe('claims submitted in the week', async () =>
    n(await ReimbursementClaim.find({ submittedAt: range }).lean()),
  );
  await probe('trips of the month {startedAt}', async () => n(await Trip.find({ startedAt: monthRange }).lean()));
  await probe('hygiene of the week {date}', async () =>
    n(await HygieneEvaluation.find({ date: { $gte: weekDays[0], $lte: weekDays.at(-1) } }).lean()),
  );
  await probe('client calls and visits of the week', async () => n(await ClientLog.find({ at: range }).lean()));
  await probe('audit entries of the month {at}', async () => n(await AuditEntry.find({ at: monthRange }).lean()));
  // the same reads by key (src/core/period-keys.ts), as the report code now makes them
  const monthDays = daysIn(month, TZ);
  await probe('keyed: roll calls of the week, every dorm (recordsOf)', async () =>
    n(await recordsOf({ from: weekDays[0]!, to: weekDays.at(-1)! })),
  );
  await probe('keyed: roll calls of the month, every dorm (recordsOf)', async () =>
    n(await recordsOf({ month: monthDays[0]!.slice(0, 7) })),
  );
  await probe('keyed: claims submitted in the week (numbers issued)', async () =>
    n(await readAll(await numbersIssued('BX', weekDays), (id) => ReimbursementClaim.findById(id).lean())),
  );
  await probe('keyed: claims decided in the week (day keys)', async () =>
    n(await readAll(await claimsDecided.ids(weekDays), (id) => ReimbursementClaim.findById(id).lean())),
  );
  await probe('keyed: claims paid in the month (day keys)', async () =>
    n(await readAll(await claimsPaid.ids(monthDays), (id) => ReimbursementClaim.findById(id).lean())),
  );
  await probe('keyed: claims pending now (open set)', async () =>
    n(await readAll(await claimsPending.ids(), (id) => ReimbursementClaim.findById(id).lean())),
  );
  await probe('complaints §4.3 report, one query (readReport)', async () => {
    const r = await readReport(week, week.to);
    return `${r.accepted.length} accepted, ${r.overdue.length} overdue listed`;
  });
  await probe('keyed: trips of the month (numbers issued)', async () =>
    n(await readAll(await numbersIssued('CL', monthDays), (id) => Trip.findById(id).lean())),
  );
  await probe('keyed: trips ended in the week (day keys)', async () =>
    n(await readAll(await tripsEnded.ids(weekDays), (id) => Trip.findById(id).lean())),
  );
  await probe('keyed: complaints registered in the month (numbers issued)', async () =>
    n(await readAll(await numbersIssued('TS', monthDays), (id) => Complaint.findById(id).lean())),
  );
  return out;
}
