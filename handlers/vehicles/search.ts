import { DateTime } from 'luxon';
import { formatDate, parseRecordNumber } from '../../src/core/numbering.ts';
import { newestKept } from '../../src/core/period-keys.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { latest, olderThan, visiblePeople } from '../../src/core/search.ts';
import { driverKeys, driverKeysFilled } from './driver-keys.ts';
import {
  Accident,
  type AccidentRecord,
  Inspection,
  Permit,
  type PermitRecord,
  Trip,
  type TripRecord,
} from './models.ts';
import { ACCIDENT_STATUS, MANAGERS, parsePlate, VIEWERS } from './rules.ts';

/*
 * 查找 in vehicles: a trip, accident or permit by number; a person's trips, accidents reported and permits;
 * a plate's trips, monthly inspections and accidents. As the lists show them: trips and accidents
 * to the vehicle viewers but drivers (出车记录, 事故), a driver their own; permits to 综合部, a
 * holder their own; inspections to VIEWERS (检查情况). Indexes (models.ts): `_id`;
 * {plate, startedAt}; {reporter.staffId, reportedAt}; {plate, reportedAt}; {holder.staffId,
 * issuedAt}; {plate, at} on inspections. A person's trips are read through their driver keys
 * (driver-keys.ts) and a trip by number by bare `_id`: on FerretDB 1.24 any other filter on the
 * trips reads all of them (39 MB in a year); accidents and permits are a few dozen records.
 */

const tripHit = (t: TripRecord): SearchHit => ({
  at: t.startedAt,
  kind: '出车',
  line: `${t._id} ${t.plate} ${t.driver.name} ${t.purpose}${t.endOdometer == null ? '（出车中）' : `，${t.endOdometer - t.startOdometer} km`}`,
  open: `出车记录 ${t._id}`,
});

const accidentHit = (a: AccidentRecord): SearchHit => ({
  at: a.reportedAt,
  kind: '事故',
  line: `${a._id} ${a.plate} ${a.reporter.name} ${a.place}（${ACCIDENT_STATUS[a.status] ?? a.status}）`,
  open: `事故 ${a._id}`,
});

const permitHit = (p: PermitRecord): SearchHit => ({
  at: p.issuedAt,
  kind: '准驾证',
  line: `${p._id} ${p.holder.name}：${p.vehicles.join('、')}，${p.status === 'revoked' ? '已吊销' : `有效期至 ${p.expiresOn}`}`,
  open: '准驾证',
});

/** yyyyMMdd of CL-yyyyMMdd-nnn: the day in the bot's zone the trip started. */
const dayOf = (no: string) => no.split('-')[1] ?? '';

/**
 * A person's latest trips, through their driver keys (driver-keys.ts), each read by `_id`: a trip's
 * number carries its day, so only the newest are read.
 */
async function tripsOf(people: readonly string[], limit: number, before: Date | undefined, tz: string) {
  // records from before the keys are keyed in the background at start: wait for it
  await driverKeysFilled();
  return newestKept(await driverKeys.ids(people), {
    dayOf,
    lastDay: before ? DateTime.fromMillis(before.getTime() - 1, { zone: tz }).toFormat('yyyyLLdd') : undefined,
    read: (no) => Trip.findById(no).lean<TripRecord>(),
    // a key is a hint: the trip must be theirs and older than the page
    keep: (t) => people.includes(t.driver.staffId) && (!before || t.startedAt.getTime() < before.getTime()),
    limit,
  });
}

export const vehicleSearch: SearchSource = {
  kind: '车辆',
  async find(ctx, query, limit, before) {
    const me = ctx.sender.staffId ?? '-';
    const viewer = VIEWERS.filter((r) => r !== 'driver').some((r) => ctx.hasRole(r));
    const trips = (f: Record<string, unknown>) =>
      Trip.find({ ...f, ...olderThan('startedAt', before) })
        .sort({ startedAt: -1 })
        .limit(limit)
        .lean<TripRecord[]>();
    const accidents = (f: Record<string, unknown>) =>
      Accident.find({ ...f, ...olderThan('reportedAt', before) })
        .sort({ reportedAt: -1 })
        .limit(limit)
        .lean<AccidentRecord[]>();
    const own = (field: string) => (viewer ? {} : { [field]: me });

    const trip = parseRecordNumber('CL', query.text)?.number;
    if (trip) {
      // a bare `_id` read, then the rest checked here: `{_id, startedAt}` reads every trip on FerretDB
      const t = await Trip.findById(trip).lean<TripRecord>();
      const shown = t && (viewer || t.driver.staffId === me) && (!before || t.startedAt.getTime() < before.getTime());
      return shown ? [tripHit(t)] : [];
    }
    const accident = parseRecordNumber('SG', query.text)?.number;
    if (accident) return (await accidents({ _id: accident, ...own('reporter.staffId') })).map(accidentHit);

    // a permit's number is what 综合部 typed when issuing it (ZJ-2026-001): its own holder or 综合部
    const permit = await Permit.findById(query.text.trim().toUpperCase()).lean<PermitRecord>();
    if (permit && (MANAGERS.some((r) => ctx.hasRole(r)) || permit.holder.staffId === me))
      return before ? [] : [permitHit(permit)];

    const plate = parsePlate(query.text);
    if (plate) {
      const [t, a, i] = await Promise.all([
        trips({ plate, ...own('driver.staffId') }),
        accidents({ plate, ...own('reporter.staffId') }),
        ctx.hasRole(...VIEWERS)
          ? Inspection.find({ plate, ...olderThan('at', before) })
              .sort({ at: -1 })
              .limit(limit)
              .lean()
          : [],
      ]);
      const tz = ctx.services.config.timezone;
      return latest(
        [
          ...t.map(tripHit),
          ...a.map(accidentHit),
          ...i.map((x) => ({
            at: x.at,
            kind: '车辆检查',
            line: `${x.plate} ${x.month}：安全 ${x.safety}，车况 ${x.condition}（${x.by.name}${x.late ? `，${formatDate(x.at, tz)} 补录` : ''}）`,
            open: `检查情况 ${x.month}`,
          })),
        ],
        limit,
      );
    }

    const ids = visiblePeople(ctx, query, true);
    if (!ids.length) return [];
    // a driver sees their own trips, accidents and permit; the viewers everyone's
    const seen = viewer ? ids : ids.filter((id) => id === me);
    const holders = MANAGERS.some((r) => ctx.hasRole(r)) ? ids : ids.filter((id) => id === me);
    const [t, a, p] = await Promise.all([
      seen.length ? tripsOf(seen, limit, before, ctx.services.config.timezone) : [],
      seen.length ? accidents({ 'reporter.staffId': { $in: seen } }) : [],
      holders.length
        ? Permit.find({ 'holder.staffId': { $in: holders }, ...olderThan('issuedAt', before) })
            .sort({ issuedAt: -1 })
            .limit(limit)
            .lean<PermitRecord[]>()
        : [],
    ]);
    return latest([...t.map(tripHit), ...a.map(accidentHit), ...p.map(permitHit)], limit);
  },
};
