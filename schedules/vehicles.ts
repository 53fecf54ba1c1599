import { rememberAccidentCards } from '../handlers/vehicles/accidents.ts';
import { accidentCard } from '../handlers/vehicles/cards.ts';
import { recipients, tell } from '../handlers/vehicles/common.ts';
import { inspectionId, usageOf } from '../handlers/vehicles/inspections.ts';
import {
  Accident,
  type AccidentRecord,
  Inspection,
  Permit,
  type PermitRecord,
  ShuttleDone,
  ShuttleRun,
  type ShuttleRunRecord,
  Vehicle,
  VehicleEvent,
  type VehicleRecord,
} from '../handlers/vehicles/models.ts';
import {
  accidentNeedsResend,
  CLAUSE,
  maintenanceDue,
  monthJustEnded,
  monthOf,
  permitReminderThreshold,
  shuttleLate,
  today,
  usageLine,
} from '../handlers/vehicles/rules.ts';
import { vehicleSettings } from '../handlers/vehicles/settings.ts';
import { shuttleCard } from '../handlers/vehicles/shuttle.ts';
import type { Services } from '../src/core/context.ts';
import { notify, recipientsOf } from '../src/core/notify.ts';
import { takeOnce } from '../src/core/once.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';
import { Staff } from '../src/models/index.ts';

/*
 * §3.4 reminders. The scheduler runs each slot once across instances; every notice below also
 * claims its own once-key (permit+threshold, accident, month, maintenance cycle), so a catch-up or a
 * second slot on the same day never repeats it. Daily jobs read their day from the slot, not the
 * clock, so a slot caught up after midnight still does that day's work.
 */

const DAY = 24 * 3600_000;

async function activeVehicles(): Promise<VehicleRecord[]> {
  return Vehicle.find({ active: true }).sort({ _id: 1 }).lean<VehicleRecord[]>();
}

/** §3.4.1: permits reaching a reminder threshold (days before expiry), or expired, to 综合部 and the holder. */
export async function remindExpiringPermits(deps: Services, slot: Date): Promise<string[]> {
  const tz = deps.config.timezone;
  const day = today(slot, tz);
  const { permitRemindDays } = vehicleSettings.of(deps.config);
  const horizon = today(new Date(slot.getTime() + Math.max(...permitRemindDays) * DAY), tz);
  const permits = await Permit.find({ status: 'active', expiresOn: { $lte: horizon } })
    .sort({ expiresOn: 1 })
    .lean<PermitRecord[]>();
  const sent: string[] = [];
  for (const p of permits) {
    const t = permitReminderThreshold(p.expiresOn, day, permitRemindDays);
    if (t === undefined || !(await takeOnce(`vehicles-permit:${p._id}:${t}`))) continue;
    const what = t === 0 ? `已于 ${p.expiresOn} 过期，持证人不能再出车` : `将于 ${p.expiresOn} 到期`;
    await tell(
      deps,
      ['general_affairs'],
      `🪪 准驾证 ${p._id}（${p.holder.name}，${p.vehicles.join('、')}）${what}。如需续期，请重新考核后发送「发准驾证」（${CLAUSE.permit}）。`,
    );
    await tell(deps, [], `你的准驾证 ${p._id} ${what}。请联系综合部安排考核续证。`, [p.holder]);
    sent.push(`${p._id}:${t}`);
  }
  return sent;
}

/** §3.4.4: an accident nobody in 人防部 acknowledged in time goes to 人防部 again, and to 综合部. */
export async function resendUnacknowledgedAccidents(deps: Services): Promise<string[]> {
  const now = deps.now();
  const minutes = vehicleSettings.of(deps.config).accidentAckMinutes;
  const cutoff = new Date(now.getTime() - minutes * 60_000);
  const open = await Accident.find({ status: 'reported', reportedAt: { $lte: cutoff } })
    .sort({ reportedAt: 1 })
    .limit(100)
    .lean<AccidentRecord[]>();
  const sent: string[] = [];
  for (const a of open) {
    // the case itself is not written: a write here could race 人防部's 已知悉 (FerretDB writes whole documents)
    if (!accidentNeedsResend(a, now, minutes) || !(await takeOnce(`vehicles-accident-resend:${a._id}`))) continue;
    const note = `报备 ${minutes} 分钟仍无人确认知悉！请人防部立即点「已知悉」并给出指示（${CLAUSE.accident}）。`;
    const title = `🚨 事故未确认（再次通知）：${a.plate}`;
    const ops = await tell(
      deps,
      ['guard_ops'],
      accidentCard(a, deps.config.timezone, title, note, true),
      [],
      [a.reporter.staffId],
    );
    await rememberAccidentCards(a._id, ops);
    const opsIds = new Set(ops.map((r) => `${r.channel}:${r.userId}`));
    const ga = (await recipients(deps, ['general_affairs'], [], [a.reporter.staffId])).filter(
      (r) => !opsIds.has(`${r.channel}:${r.userId}`),
    );
    await notify(
      deps,
      ga,
      accidentCard(a, deps.config.timezone, title, `人防部仍未确认知悉，请电话联系人防部（${CLAUSE.accident}）。`),
    );
    await VehicleEvent.create({
      at: now,
      plate: a.plate,
      kind: 'accident_resent',
      by: { staffId: '', name: '系统' },
      detail: a._id,
    });
    deps.log.warn({ accident: a._id, minutes }, 'accident not acknowledged, sent again');
    sent.push(a._id);
  }
  return sent;
}

/** §3.4.6: on the configured day, 综合部 gets the vehicles not yet inspected this month with their usage. */
export async function remindInspection(deps: Services, slot: Date): Promise<boolean> {
  const tz = deps.config.timezone;
  const day = today(slot, tz);
  if (Number(day.slice(8)) !== vehicleSettings.of(deps.config).inspectionDay) return false;
  const month = monthOf(slot, tz);
  const vs = await activeVehicles();
  const done = new Set((await Inspection.find({ month }, { plate: 1 }).lean()).map((i) => i.plate));
  const todo = vs.filter((v) => !done.has(v._id));
  if (!todo.length || !(await takeOnce(`vehicles-inspection-remind:${month}`))) return false;
  const lines = await Promise.all(
    todo.map(async (v) => `• ${v._id} ${v.model}：本月${usageLine(await usageOf(v._id, month, tz))}`),
  );
  await tell(deps, ['general_affairs'], {
    title: `${month} 车辆月度检查`,
    color: 'blue',
    lines: [`请在月底前检查以下 ${todo.length} 辆车的使用情况、安全性能和车况（${CLAUSE.inspection}）：`, ...lines],
    note: '检查后发送「车辆检查 车牌」记录；「检查情况」查看进度。',
  });
  return true;
}

/** Who hears of vehicles not inspected by month end: VEHICLE_ESCALATE_PHONES, or every 董事长. */
async function escalationTargets(deps: Services) {
  const phones = vehicleSettings.of(deps.config).escalatePhones;
  if (!phones.length) return recipients(deps, ['chairman']);
  const people = await Staff.find({ phone: { $in: phones }, active: true }, { name: 1 }).lean();
  return recipientsOf(
    deps,
    people.map((s) => ({ id: String(s._id), name: s.name })),
  );
}

/** §3.4.6: on the 1st, vehicles with no inspection for the month just ended escalate, once for that month. */
export async function escalateUninspected(deps: Services, slot: Date): Promise<string[]> {
  const month = monthJustEnded(today(slot, deps.config.timezone));
  if (!month) return [];
  const vs = await activeVehicles();
  const ids = vs.map((v) => inspectionId(v._id, month));
  const done = new Set((await Inspection.find({ _id: { $in: ids } }, { plate: 1 }).lean()).map((i) => i.plate));
  const missed = vs.filter((v) => !done.has(v._id)).map((v) => v._id);
  if (!missed.length || !(await takeOnce(`vehicles-inspection-escalate:${month}`))) return [];
  const text = `⚠ ${month} 有 ${missed.length} 辆车没有做月度检查（${CLAUSE.inspection}）：${missed.join('、')}。请督促综合部尽快补查并记录。`;
  const bosses = await escalationTargets(deps);
  await notify(deps, bosses, text);
  const ga = (await recipients(deps, ['general_affairs'])).filter(
    (r) => !bosses.some((b) => b.channel === r.channel && b.userId === r.userId),
  );
  await notify(deps, ga, `${text}\n检查后发送「车辆检查 车牌 ${month}」补录。`);
  deps.log.warn({ month, missed }, 'vehicles not inspected by month end');
  return missed;
}

/** §3.4.5 定期维护保养: due by date or mileage, whichever first; once per maintenance cycle. */
export async function remindMaintenance(deps: Services, slot: Date): Promise<string[]> {
  const { maintenanceEveryKm: km, maintenanceEveryMonths: months } = vehicleSettings.of(deps.config);
  const day = today(slot, deps.config.timezone);
  const sent: string[] = [];
  for (const v of await activeVehicles()) {
    const last = v.lastMaintenance ?? { on: day, odometer: v.odometer };
    const due = maintenanceDue(last, v.odometer, day, { km, months });
    if (!due.due || !(await takeOnce(`vehicles-maintenance:${v._id}:${due.key}`))) continue;
    const text = `🔧 车辆 ${v._id} 该保养了：${due.reason}（上次保养 ${last.on}，${last.odometer} km）。保养后发送「保养 ${v._id} 里程」记录（${CLAUSE.tripLog}）。`;
    await tell(deps, ['general_affairs'], text, v.drivers);
    sent.push(v._id);
  }
  return sent;
}

/**
 * §3.4.3 准时出车: a run not marked done `margin` minutes after its time reminds the vehicle's
 * designated drivers; twice that, 综合部. Each once per run and day.
 */
export async function chaseShuttles(deps: Services): Promise<{ reminded: string[]; escalated: string[] }> {
  const now = deps.now();
  const tz = deps.config.timezone;
  const day = today(now, tz);
  const margin = vehicleSettings.of(deps.config).shuttleMarginMinutes;
  const runs = await ShuttleRun.find({ active: true }).sort({ time: 1 }).lean<ShuttleRunRecord[]>();
  const done = new Set((await ShuttleDone.find({ day }, { run: 1 }).lean()).map((d) => d.run));
  const out = { reminded: [] as string[], escalated: [] as string[] };
  for (const run of runs) {
    const late = shuttleLate(run.time, day, tz, now, margin, done.has(run._id));
    if (late.remind && (await takeOnce(`vehicles-shuttle-remind:${run._id}:${day}`))) {
      const v = await Vehicle.findById(run.plate, { drivers: 1 }).lean<VehicleRecord>();
      await tell(
        deps,
        [],
        shuttleCard(
          run,
          `班车未确认：${run.time} ${run.route}`,
          `已过发车时间 ${margin} 分钟。跑完请点「已完成」或发送「班车完成 ${run._id}」。`,
        ),
        v?.drivers ?? [],
      );
      out.reminded.push(run._id);
    }
    if (late.escalate && (await takeOnce(`vehicles-shuttle-escalate:${run._id}:${day}`))) {
      await tell(
        deps,
        ['general_affairs'],
        `🚌 班车 ${run._id}（${run.time} ${run.plate} ${run.route}）过了 ${2 * margin} 分钟仍未确认完成，请联系司机核实是否准时接送（${CLAUSE.shuttle}）。`,
      );
      out.escalated.push(run._id);
    }
  }
  return out;
}

const daily = (
  name: string,
  description: string,
  run: (deps: Services, slot: Date) => Promise<unknown>,
): JobDefinition => ({
  name,
  cron: '0 9 * * *',
  description,
  catchUpMs: 23 * 3600_000,
  run: async (deps, slot) => {
    await run(deps, slot);
  },
});

export const vehicleJobs: JobDefinition[] = [
  daily('vehicles.permits', '准驾证到期前提醒综合部和持证人', remindExpiringPermits),
  daily('vehicles.inspectionRemind', '每月检查日提醒综合部检查车辆', remindInspection),
  daily('vehicles.inspectionEscalate', '月底未检查的车辆上报', escalateUninspected),
  daily('vehicles.maintenance', '按日期或里程提醒保养', remindMaintenance),
  {
    name: 'vehicles.shuttle',
    cron: '*/5 * * * *',
    description: '班车到点未确认完成时提醒司机，再晚告知综合部',
    catchUpMs: 30 * 60_000,
    run: async (deps) => {
      await chaseShuttles(deps);
    },
  },
  {
    name: 'vehicles.accidents',
    cron: '* * * * *',
    description: '事故报备后无人确认知悉时再次通知人防部和综合部',
    catchUpMs: 30 * 60_000,
    run: async (deps) => {
      await resendUnacknowledgedAccidents(deps);
    },
  },
];
