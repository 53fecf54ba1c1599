import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FieldResult, FormDefinition } from '../../src/core/forms.ts';
import { dailyNumber, formatDateTime, parseRecordNumber } from '../../src/core/numbering.ts';
import { transition } from '../../src/core/transition.ts';
import { tripCard } from './cards.ts';
import { loadTrip, loadVehicle, permitsOf, tell, text } from './common.ts';
import { driverKeys } from './driver-keys.ts';
import { Trip, type TripRecord, Vehicle, VehicleEvent, type VehicleRecord } from './models.ts';
import { tripReply } from './replies.ts';
import { CLAUSE, mayStartTrip, odometerContinuity, parseKm, parsePlate, today, VIEWERS } from './rules.ts';
import { vehicleSettings } from './settings.ts';

/* §3.4.2 only permit holders drive; §3.4.5 出车记录里程数及各项费用明细. */

export function km(label: string) {
  return (input: string): FieldResult => {
    const n = parseKm(input);
    return n === undefined
      ? { ok: false, error: `${label}请填里程表上的公里数（整数），例如 12345。` }
      : { ok: true, value: String(n) };
  };
}

/** The staff member behind the message, or a reply saying that driving needs a bound staff record. */
export async function driverOf(ctx: StaffContext) {
  if (ctx.sender?.staffId) return actor(ctx);
  await ctx.reply('出车需要员工身份：请先绑定你的员工档案（发送「绑定 绑定码」）。');
  return undefined;
}

/**
 * §3.4.2: the sender may start a trip in `v` only with a valid permit for it. A refusal is said
 * plainly to the person and reported to 综合部 at once (the rulebook dismisses whoever lends the car).
 */
async function checkMayDrive(ctx: StaffContext, v: VehicleRecord): Promise<string | undefined> {
  const who = actor(ctx);
  const verdict = mayStartTrip(
    await permitsOf(who.staffId),
    v._id,
    today(ctx.services.now(), ctx.services.config.timezone),
  );
  if (verdict.ok) return verdict.permit;
  await ctx.reply(verdict.message);
  const now = ctx.services.now();
  await VehicleEvent.create({ at: now, plate: v._id, kind: 'refused_driver', by: who, detail: verdict.reason });
  ctx.log.warn({ plate: v._id, staffId: who.staffId }, 'trip refused: no valid permit');
  await tell(ctx.services, ['general_affairs'], {
    title: `无准驾证人员试图出车：${v._id}`,
    color: 'red',
    lines: [
      `人员：${who.name}`,
      `时间：${formatDateTime(now, ctx.services.config.timezone)}`,
      `原因：${verdict.reason}`,
      `指定司机：${v.drivers.map((d) => d.name).join('、') || '—'}`,
    ],
    note: `已拒绝出车（${CLAUSE.onlyHolders}）。请核实是否有人将车交给无证人员。`,
  });
  return undefined;
}

/** What stops anyone from starting a trip now: the vehicle out already, or the driver still out. */
async function busy(ctx: StaffContext, v: VehicleRecord, staffId: string): Promise<boolean> {
  if (v.openTrip) {
    const t = await loadTrip(v.openTrip);
    await ctx.reply(`车辆 ${v._id} 正在出车（${v.openTrip}，司机 ${t?.driver.name ?? '—'}），要等收车后才能再出车。`);
    return true;
  }
  const mine = await Trip.findOne({ 'driver.staffId': staffId, status: 'open' }, { _id: 1, plate: 1 }).lean();
  if (mine) {
    await ctx.reply(`你还有没收车的出车 ${mine._id}（${mine.plate}）。请先发送「收车」。`);
    return true;
  }
  return false;
}

export const startTripForm: FormDefinition = {
  name: 'vehicles.tripStart',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '出车登记',
  fields: [
    {
      key: 'startOdometer',
      label: '起始里程',
      required: true,
      prompt: '请输入出车时里程表读数（公里）',
      parse: km('起始里程'),
    },
    {
      key: 'purpose',
      label: '用途',
      required: true,
      prompt: '请输入出车用途（如 接送夜班队员）',
      parse: text('用途', 60),
    },
    { key: 'route', label: '路线', prompt: '请输入路线（如 公司→万达广场→公司）', parse: text('路线', 100) },
  ],
  async submit(ctx, v, context) {
    const who = await driverOf(ctx);
    const vehicle = await loadVehicle(context.plate ?? '');
    if (!who || !vehicle) return;
    // the permit or the vehicle may have changed while the form was open
    const permit = await checkMayDrive(ctx, vehicle);
    if (!permit || (await busy(ctx, vehicle, who.staffId))) return;
    const now = ctx.services.now();
    const startKm = Number(v.startOdometer);
    const flag = odometerContinuity(vehicle.odometer, startKm, vehicleSettings.of(ctx.services.config).odometerGapKm);
    const no = await dailyNumber('CL', now, ctx.services.config.timezone);
    // 查找's key to the driver's trips, before the trip (driver-keys.ts)
    await driverKeys.add(who.staffId, no);
    await Trip.create({
      _id: no,
      plate: vehicle._id,
      driver: who,
      permit,
      startedAt: now,
      startOdometer: startKm,
      purpose: v.purpose,
      route: v.route ?? '',
      flags: flag ? [flag] : [],
    });
    // one trip at a time per vehicle: the vehicle's version decides between two drivers at once
    // the trips are the vehicle's log: its own history keeps registry changes only, so it stays small
    if (
      !(await transition(
        Vehicle,
        vehicle._id,
        vehicle.version,
        { $set: { openTrip: no, odometer: startKm } },
        ctx.sender.identity,
      ))
    ) {
      await Trip.deleteOne({ _id: no });
      await ctx.reply(
        `没有登记：车辆 ${vehicle._id} 刚刚被别人登记出车或修改了。请发送「车辆 ${vehicle._id}」查看后再试。`,
      );
      return;
    }
    const trip = (await loadTrip(no))!;
    ctx.log.info({ trip: no, plate: vehicle._id, flagged: !!flag }, 'trip started');
    await ctx.reply(tripReply(trip, `已出车：${no}`, '回来后发送「收车」登记里程和费用；出事故立即发送「事故报备」。'));
    if (flag) {
      await tell(
        ctx.services,
        ['general_affairs'],
        tripReply(trip, `里程不连续：${vehicle._id}（${no}）`, `请向司机 ${who.name} 核实（${CLAUSE.tripLog}）。`),
      );
    }
  },
};

/** 出车 <车牌> [字段: 值 lines] */
export async function startTrip(ctx: StaffContext): Promise<void> {
  const who = await driverOf(ctx);
  if (!who) return;
  // 粤B 12345 is typed with a space as often as without
  const args = ctx.args.trim();
  const split = (re: RegExp) => re.exec(args)!.slice(1) as [string, string];
  let [word, rest] = split(/^(\S*)\s*([\s\S]*)$/);
  if (!parsePlate(word)) [word, rest] = split(/^(\S*(?:\s+[A-Z0-9]{5,6}(?=\s|$))?)\s*([\s\S]*)$/i);
  const plate = parsePlate(word);
  if (!plate) {
    const mine = (await permitsOf(who.staffId)).filter((p) => p.status === 'active').flatMap((p) => p.vehicles);
    await ctx.reply(
      `请写明车牌，例如：出车 ${mine[0] ?? '粤B12345'}${mine.length ? `\n你的准驾车辆：${[...new Set(mine)].join('、')}` : ''}`,
    );
    return;
  }
  const v = await loadVehicle(plate);
  if (!v?.active) {
    await ctx.reply(
      v
        ? `车辆 ${plate} 已停用，不能再用。如有疑问请联系综合部。`
        : `车辆 ${plate} 没有登记。发送「车辆列表」查看公司车辆。`,
    );
    return;
  }
  // refuse before asking anything: a form for a trip that cannot happen helps nobody
  if (!(await checkMayDrive(ctx, v)) || (await busy(ctx, v, who.staffId))) return;
  const hint = ctx.can.formCards ? '' : `（该车上次记录里程 ${v.odometer} km）`;
  if (hint) await ctx.reply(`出车 ${plate}${hint}`);
  await ctx.services.forms.start(ctx, startTripForm.name, rest, { plate });
}

/** 出车记录 [车牌|单号]: one trip, a vehicle's last trips (viewers), or the sender's own. */
export async function listTrips(ctx: StaffContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const arg = ctx.args.trim();
  const viewer = VIEWERS.filter((r) => r !== 'driver').some((r) => ctx.hasRole(r));
  const no = parseRecordNumber('CL', arg)?.number;
  if (no) {
    const t = await loadTrip(no);
    if (!t || (!viewer && t.driver.staffId !== ctx.sender?.staffId)) {
      await ctx.reply(`没有找到出车 ${no}。`);
      return;
    }
    await ctx.reply(tripCard(t, tz, `出车 ${no}`));
    return;
  }
  const plate = parsePlate(arg);
  if (arg && !plate) {
    await ctx.reply('请写车牌或出车单号，例如：出车记录 粤B12345');
    return;
  }
  const filter: Record<string, unknown> =
    plate && viewer ? { plate } : { 'driver.staffId': ctx.sender?.staffId ?? '-', ...(plate ? { plate } : {}) };
  const trips = await Trip.find(filter).sort({ startedAt: -1 }).limit(10).lean<TripRecord[]>();
  if (!trips.length) {
    await ctx.reply('没有出车记录。');
    return;
  }
  const lines = trips.map(
    (t) =>
      `• ${t._id} ${t.plate} ${t.driver.name} ${formatDateTime(t.startedAt, tz)} ${t.purpose}${t.endOdometer == null ? '（出车中）' : `，${t.endOdometer - t.startOdometer} km`}${t.flags.length ? ' ⚠' : ''}`,
  );
  await ctx.reply([`最近 ${trips.length} 次出车：`, ...lines, '发送「出车记录 单号」查看明细。'].join('\n'));
}
