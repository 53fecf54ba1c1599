import { DateTime } from 'luxon';
import { parseDateTime } from '../../src/core/dates.ts';
import { formatFen } from '../../src/core/money.ts';
import { notOwnCase } from '../../src/core/subject.ts';
import { echo } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import type { ClaimItem } from '../reimbursements/api.ts';
import type { Costs, PermitRecord, TripRecord } from './models.ts';

/*
 * The rulebook's §3.4 (车辆管理) as pure functions named after what each clause says. Messages are
 * the Chinese the person reads and name the clause. No I/O: handlers and jobs read, ask, then write.
 */

export const CLAUSE = {
  permit: '§3.4.1',
  onlyHolders: '§3.4.2',
  shuttle: '§3.4.3',
  accident: '§3.4.4',
  tripLog: '§3.4.5',
  inspection: '§3.4.6',
} as const;

/** Who manages the registry and permits, inspects, and hears of refusals and odometer problems. */
export const MANAGERS: readonly Role[] = ['general_affairs'];
/**
 * §3.4.1 准驾证由综合部考核发放, and #20 nobody acts on a case in which they are the subject: a
 * 综合部 member who wants a permit gets it from another 综合部 member or the 董事长.
 */
export const PERMIT_ISSUERS: readonly Role[] = ['general_affairs', 'chairman'];
/** Who may read the registry, trips and accidents besides the drivers themselves. */
export const VIEWERS: readonly Role[] = ['general_affairs', 'guard_ops', 'chairman', 'admin', 'driver'];
/** Who acknowledges accidents and gives instructions (人防部 first; the leaders too). */
export const ACCIDENT_HANDLERS: readonly Role[] = ['guard_ops', 'general_affairs', 'chairman'];

export interface RuleMessage {
  clause: string;
  code: string;
  message: string;
}

// ── plates, days, kilometres, money ─────────────────────────────────────────

/** 粤B·12345 / 粤b 12345 / 粤BD12345 (new energy) → 粤B12345; undefined if it is no mainland plate. */
export function parsePlate(text: string): string | undefined {
  const t = text.replace(/[\s·•.-]/g, '').toUpperCase();
  return /^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$/.test(t) ? t : undefined;
}

export function today(now: Date, tz: string): string {
  return DateTime.fromJSDate(now, { zone: tz }).toISODate()!;
}

export function monthOf(now: Date, tz: string): string {
  return DateTime.fromJSDate(now, { zone: tz }).toFormat('yyyy-LL');
}

/** 2026-11-27 / 2026.11.27 / 2026年11月27日 → 2026-11-27 (a permit's dates always carry a year). */
export function parseDay(text: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!m) return undefined;
  const d = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! });
  return d.isValid ? d.toISODate()! : undefined;
}

/** Days from `from` to `to`, both yyyy-MM-dd. */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days);
}

/** "12345", "12345km", "12,345 公里" → 12345; an odometer reads whole kilometres. */
export function parseKm(text: string): number | undefined {
  const t = text.replace(/[,，\s]|km|公里|千米/gi, '');
  if (!/^\d{1,7}$/.test(t)) return undefined;
  return Number(t);
}

export { formatFen };

// ── §3.4.1 专人驾车、考核通过后发放准驾证 ──────────────────────────────────

/** Problems with issuing a permit: the assessment cannot be in the future, nor the expiry before it. */
export function permitDatesProblem(assessedOn: string, expiresOn: string, todayIs: string): string | undefined {
  if (assessedOn > todayIs) return `考核日期 ${assessedOn} 晚于今天：准驾证在考核通过后发放（${CLAUSE.permit}）。`;
  if (expiresOn <= todayIs) return `有效期至 ${expiresOn} 已经过了，请填今天之后的日期。`;
  if (expiresOn <= assessedOn) return '有效期至必须晚于考核日期。';
  return undefined;
}

/** #20: the holder of a permit never issues it to himself, whatever his roles. */
export function permitIssuerProblem(holderId: string, issuerId: string | undefined): string | undefined {
  const v = notOwnCase(issuerId, [holderId], {
    as: '这张准驾证的持证人',
    doing: '给自己发准驾证',
    instead: '其他综合部人员或董事长',
  });
  return v.ok ? undefined : `${v.why}（${CLAUSE.permit}）`;
}

/** Why `permit` does not let its holder drive `plate` on `todayIs`; undefined when it does. */
export function permitProblem(
  permit: Pick<PermitRecord, '_id' | 'vehicles' | 'expiresOn' | 'status'>,
  plate: string,
  todayIs: string,
): string | undefined {
  if (permit.status === 'revoked') return `准驾证 ${permit._id} 已被吊销`;
  if (permit.expiresOn < todayIs) return `准驾证 ${permit._id} 已于 ${permit.expiresOn} 过期`;
  if (!permit.vehicles.includes(plate)) return `准驾证 ${permit._id} 不含车辆 ${plate}`;
  return undefined;
}

/**
 * The reminder due for a permit expiring on `expiresOn`: the smallest configured threshold (days
 * before expiry) already reached, or 0 once it expired. Each (permit, threshold) is sent once; a
 * bot that was down past a threshold sends only the nearest one.
 */
export function permitReminderThreshold(
  expiresOn: string,
  todayIs: string,
  thresholds: readonly number[],
): number | undefined {
  const left = daysBetween(todayIs, expiresOn);
  if (left < 0) return 0;
  const reached = thresholds.filter((t) => left <= t);
  return reached.length ? Math.min(...reached) : undefined;
}

// ── §3.4.2 司机不得将通勤车交给无准驾证人员驾驶 ─────────────────────────────

/**
 * Whether someone holding `permits` may start a trip in `plate` today: the valid permit, or the
 * Chinese refusal naming the clause (the reason says what 综合部 has to fix).
 */
export function mayStartTrip(
  permits: readonly Pick<PermitRecord, '_id' | 'vehicles' | 'expiresOn' | 'status'>[],
  plate: string,
  todayIs: string,
): { ok: true; permit: string } | { ok: false; reason: string; message: string } {
  const valid = permits.find((p) => !permitProblem(p, plate, todayIs));
  if (valid) return { ok: true, permit: valid._id };
  const reasons = permits.map((p) => permitProblem(p, plate, todayIs)!);
  const reason = reasons.length ? reasons.join('；') : '没有准驾证';
  return {
    ok: false,
    reason,
    message: `不能出车：你没有车辆 ${plate} 的有效准驾证（${reason}）。公司车辆只能由考核通过、持有准驾证的专人驾驶（${CLAUSE.onlyHolders}），已报告综合部。如需驾车，请联系综合部考核发证。`,
  };
}

// ── §3.4.5 出车记录里程数及各项费用明细 ──────────────────────────────────────

/**
 * A trip's start against the vehicle's last recorded reading: running backwards, or a gap larger
 * than `gapKm` (driven without a trip record), is flagged to 综合部. Neither stops the trip.
 */
export function odometerContinuity(lastKm: number, startKm: number, gapKm: number): RuleMessage | undefined {
  if (startKm < lastKm) {
    return {
      clause: CLAUSE.tripLog,
      code: 'odometer_back',
      message: `起始里程 ${startKm} km 小于该车上次记录的 ${lastKm} km（${CLAUSE.tripLog}），已报综合部核对。`,
    };
  }
  if (startKm - lastKm > gapKm) {
    return {
      clause: CLAUSE.tripLog,
      code: 'odometer_gap',
      message: `起始里程 ${startKm} km 比上次记录的 ${lastKm} km 多 ${startKm - lastKm} km，超过 ${gapKm} km 没有出车记录（${CLAUSE.tripLog}），已报综合部核对。`,
    };
  }
  return undefined;
}

/** Largest distance one trip may log; more is taken for a typing mistake. */
export const MAX_TRIP_KM = 3000;

export function endOdometerProblem(startKm: number, endKm: number): string | undefined {
  if (endKm < startKm) return `收车里程 ${endKm} km 小于出车时的 ${startKm} km，请核对里程表。`;
  if (endKm - startKm > MAX_TRIP_KM) return `这次出车 ${endKm - startKm} km，超过 ${MAX_TRIP_KM} km，请核对里程表。`;
  return undefined;
}

export const COST_LABELS: Record<keyof Costs, string> = {
  fuel: '油费',
  toll: '过路费',
  parking: '停车费',
  repair: '维修费',
};
/** Reimbursement categories (§3.5) of each trip cost. */
const COST_CATEGORY: Record<keyof Costs, string> = { fuel: 'fuel', toll: 'toll', parking: 'toll', repair: 'repair' };

export function costsTotal(c: Costs): number {
  return c.fuel + c.toll + c.parking + c.repair;
}

export function costLines(c: Costs): string[] {
  return (Object.keys(COST_LABELS) as (keyof Costs)[])
    .filter((k) => c[k] > 0)
    .map((k) => `${COST_LABELS[k]} ${formatFen(c[k])}`);
}

/**
 * §3.4.5 按规定报账: a trip's costs as §3.5 items, one per kind of cost, each naming the trip in its
 * 所办事项 so 综合部 and 财务部 see which trip it was. The company contact (§3.5.3) is given.
 */
export function tripCostItems(
  trip: Pick<TripRecord, '_id' | 'plate' | 'purpose' | 'costs' | 'endedAt'>,
  day: string,
  contact: string,
): ClaimItem[] {
  const matter = `出车 ${trip._id} ${trip.plate}：${trip.purpose}`.slice(0, 100);
  return (Object.keys(COST_LABELS) as (keyof Costs)[])
    .filter((k) => trip.costs[k] > 0)
    .map((k) => ({
      date: day,
      category: COST_CATEGORY[k],
      amount: trip.costs[k],
      matter: `${matter}（${COST_LABELS[k]}）`,
      contact,
      serials: [],
      travellers: 1,
    }));
}

/**
 * Why the trip's costs cannot be claimed by this person now; undefined when they can. `heldBy` is
 * where its items already are (the draft, or a claim still in the chain or paid): never twice.
 */
export function tripClaimProblem(
  trip: Pick<TripRecord, '_id' | 'status' | 'driver' | 'costs' | 'costCheck'>,
  staffId: string,
  heldBy?: string,
): string | undefined {
  if (trip.driver.staffId !== staffId) return `出车 ${trip._id} 不是你开的车，费用由司机 ${trip.driver.name} 报销。`;
  if (trip.status !== 'ended') return `出车 ${trip._id} 还没有收车。请先发送「收车」登记里程和费用。`;
  if (costsTotal(trip.costs) === 0) return `出车 ${trip._id} 没有登记费用，不需要报销。`;
  if (trip.costCheck?.status === 'pending')
    return `出车 ${trip._id} 的费用远超该车往常，待综合部确认后才能报销（${CLAUSE.tripLog}）。确认后会通知你。`;
  if (heldBy) return `出车 ${trip._id} 的费用已经在${heldBy}里，不能再报一次。`;
  return undefined;
}

// ── §3.4.4 交通事故第一时间报备人防部 ───────────────────────────────────────

/** An accident report nobody has acknowledged within `minutes` goes out again (once: see the job). */
export function accidentNeedsResend(a: { status: string; reportedAt: Date }, now: Date, minutes: number): boolean {
  return a.status === 'reported' && now.getTime() - a.reportedAt.getTime() >= minutes * 60_000;
}

/**
 * 发生时间 as typed (刚才, 今天 08:40, 昨天 22:30, 12-04 09:00…) → the moment, stored as an ISO instant in
 * the bot's zone. An accident is reported after it happened, so a time after now is refused.
 */
export function parseOccurred(
  input: string,
  now: Date,
  tz: string,
): { ok: true; value: string } | { ok: false; error: string } {
  const at = parseDateTime(input, now, tz);
  if (!at && /明天|后天|明早|明晚/.test(input))
    return { ok: false, error: `发生时间「${echo(input)}」还没到，请写事故实际发生的时间，如 刚才 或 今天 14:30。` };
  if (!at)
    return {
      ok: false,
      error: `发生时间「${echo(input)}」看不懂，请写成 刚才、今天 14:30、昨天 22:30 或 2026-12-04 09:00。`,
    };
  const moment = DateTime.fromJSDate(at, { zone: tz });
  if (at > now)
    return {
      ok: false,
      error: `发生时间 ${moment.toFormat('yyyy-MM-dd HH:mm')} 晚于现在，请核对（昨天发生的请写「昨天 22:30」）。`,
    };
  return { ok: true, value: moment.toISO()! };
}

/**
 * 发生时间 as people read it, 2026-12-04 09:00 in the bot's zone (parseOccurred reads it back to the same
 * value). Reports from before it was parsed keep what the driver typed (「今天 14:30」), shown as is.
 */
export function showOccurred(value: string, tz: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return value;
  const at = DateTime.fromISO(value, { zone: tz });
  return at.isValid ? at.toFormat('yyyy-MM-dd HH:mm') : value;
}

export const ACCIDENT_STATUS: Record<string, string> = {
  reported: '待人防部确认',
  acknowledged: '处理中',
  closed: '已结案',
};

// ── §3.4.6 综合部每月例行检查 ────────────────────────────────────────────────

export interface Usage {
  trips: number;
  km: number;
  costs: number;
}

/** A vehicle's usage from its trips of the month: how many, kilometres driven, costs. */
export function monthlyUsage(trips: readonly Pick<TripRecord, 'startOdometer' | 'endOdometer' | 'costs'>[]): Usage {
  return trips.reduce(
    (u, t) => ({
      trips: u.trips + 1,
      km: u.km + (t.endOdometer == null ? 0 : t.endOdometer - t.startOdometer),
      costs: u.costs + costsTotal(t.costs),
    }),
    { trips: 0, km: 0, costs: 0 },
  );
}

export function usageLine(u: Usage): string {
  return `出车 ${u.trips} 次，行驶 ${u.km} km，费用 ${formatFen(u.costs)}`;
}

/**
 * §3.4.6 每月…检查，并记录: an inspection is recorded for the current month, or — a month that was
 * missed — late (补录) for one of the `lateMonths` months before it, never for a month to come.
 * Undefined when `month` (yyyy-MM) may be recorded now; otherwise the reason, in Chinese.
 */
export function inspectionMonthProblem(month: string, current: string, lateMonths: number): string | undefined {
  if (month > current) return `${month} 还没到，不能提前记录车辆检查（${CLAUSE.inspection} 每月检查）。`;
  const earliest = DateTime.fromFormat(current, 'yyyy-LL').minus({ months: lateMonths }).toFormat('yyyy-LL');
  if (month < earliest)
    return `${month} 太久了：补录最多补前 ${lateMonths} 个月（${earliest} 起）。更早的检查请写在备注里报综合部负责人。`;
  return undefined;
}

/** §3.4.6: an inspection recorded for a month before the current one is a late record (补录). */
export function isLateInspection(month: string, current: string): boolean {
  return month < current;
}

/** The month whose inspections are checked when `todayIs` is the first day of the next one. */
export function monthJustEnded(todayIs: string): string | undefined {
  const d = DateTime.fromISO(todayIs);
  return d.day === 1 ? d.minus({ days: 1 }).toFormat('yyyy-LL') : undefined;
}

// ── §3.4.5 定期维护保养 ──────────────────────────────────────────────────────

/**
 * Maintenance falls due by date or by mileage, whichever comes first, counted from the last
 * maintenance (or registration). `key` identifies the cycle so each cycle reminds once.
 */
export function maintenanceDue(
  last: { on: string; odometer: number },
  odometer: number,
  todayIs: string,
  every: { km: number; months: number },
): { due: boolean; byDate: string; byKm: number; reason: string; key: string } {
  const byDate = DateTime.fromISO(last.on).plus({ months: every.months }).toISODate()!;
  const byKm = last.odometer + every.km;
  const dateDue = todayIs >= byDate;
  const kmDue = odometer >= byKm;
  const reason = kmDue ? `已行驶到 ${odometer} km（应在 ${byKm} km 保养）` : dateDue ? `已到保养日期 ${byDate}` : '';
  return { due: dateDue || kmDue, byDate, byKm, reason, key: `${last.on}:${last.odometer}` };
}

// ── §3.4.3 准时出车接送员工上下班 ────────────────────────────────────────────

/** "7:30" / "07:30" / "7点30" → "07:30"; undefined for anything that is no time of day. */
export function parseTimeOfDay(text: string): string | undefined {
  const m = /^(\d{1,2})\s*[:：点]\s*(\d{2})分?$/.exec(text.trim());
  if (!m || +m[1]! > 23 || +m[2]! > 59) return undefined;
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

/**
 * A shuttle run not marked done: the driver is reminded `margin` minutes after its time, 综合部 told
 * after twice that. `done` runs need nothing.
 */
export function shuttleLate(
  time: string,
  day: string,
  tz: string,
  now: Date,
  marginMinutes: number,
  done: boolean,
): { remind: boolean; escalate: boolean } {
  if (done) return { remind: false, escalate: false };
  const [h, m] = time.split(':').map(Number);
  const due = DateTime.fromISO(day, { zone: tz }).set({ hour: h!, minute: m!, second: 0, millisecond: 0 });
  const late = (now.getTime() - due.toMillis()) / 60_000;
  return { remind: late >= marginMinutes, escalate: late >= 2 * marginMinutes };
}
