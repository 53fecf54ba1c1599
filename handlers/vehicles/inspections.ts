import { DateTime } from 'luxon';
import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { parseMonth } from '../../src/core/dates.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { formatDateTime } from '../../src/core/numbering.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import { transition } from '../../src/core/transition.ts';
import { loadVehicle, text, vehicleFromArgs } from './common.ts';
import { Inspection, Trip, type TripRecord, Vehicle } from './models.ts';
import {
  CLAUSE,
  inspectionMonthProblem,
  isLateInspection,
  monthlyUsage,
  monthOf,
  parseKm,
  today,
  type Usage,
  usageLine,
} from './rules.ts';
import { vehicleSettings } from './settings.ts';

/* §3.4.6 综合部每月对车辆使用情况、安全性能、车况进行例行检查，并记录; §3.4.5 定期维护保养. */

/** A vehicle's trips started in `month` (yyyy-MM, in the bot's time zone) and what they add up to. */
export async function usageOf(plate: string, month: string, tz: string): Promise<Usage> {
  const start = DateTime.fromFormat(month, 'yyyy-LL', { zone: tz });
  const trips = await Trip.find(
    { plate, startedAt: { $gte: start.toJSDate(), $lt: start.plus({ months: 1 }).toJSDate() } },
    { startOdometer: 1, endOdometer: 1, costs: 1 },
  ).lean<TripRecord[]>();
  return monthlyUsage(trips);
}

export const inspectionId = (plate: string, month: string) => `${plate}:${month}`;

export const inspectForm: FormDefinition = {
  name: 'vehicles.inspect',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: `车辆月度检查（${CLAUSE.inspection}）`,
  allow: ['general_affairs'],
  fields: [
    {
      key: 'safety',
      label: '安全性能',
      required: true,
      prompt: '安全性能如何？（刹车、灯光、轮胎、安全带等；正常请填「正常」，有问题写明）',
      parse: text('安全性能', 300),
    },
    {
      key: 'condition',
      label: '车况',
      required: true,
      prompt: '车况如何？（外观、内饰、清洁、证件保险等）',
      parse: text('车况', 300),
    },
    { key: 'note', label: '备注', parse: text('备注', 300) },
  ],
  async submit(ctx, v, context) {
    const plate = context.plate ?? '';
    const tz = ctx.services.config.timezone;
    const now = ctx.services.now();
    const current = monthOf(now, tz);
    const month = context.month ?? current;
    // a form left open across a month end is checked again against the month it is submitted in
    const problem = inspectionMonthProblem(
      month,
      current,
      vehicleSettings.of(ctx.services.config).inspectionLateMonths,
    );
    if (problem) {
      await ctx.reply(`${problem}没有记录。`);
      return;
    }
    const late = isLateInspection(month, current);
    const usage = await usageOf(plate, month, tz);
    try {
      await Inspection.create({
        _id: inspectionId(plate, month),
        plate,
        month,
        usage,
        safety: v.safety,
        condition: v.condition,
        note: v.note ?? '',
        by: actor(ctx),
        at: now,
        late,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const done = await Inspection.findById(inspectionId(plate, month)).lean();
      await ctx.reply(`${plate} ${month} 的检查已由 ${done?.by.name ?? '他人'} 记录，没有重复记录。`);
      return;
    }
    ctx.log.info({ plate, month, late }, 'vehicle inspected');
    const head = late
      ? `已补录 ${plate} ${month} 月度检查（补录：${ctx.sender.name} ${formatDateTime(now, tz)} 记录）。`
      : `已记录 ${plate} ${month} 月度检查。`;
    await ctx.reply(
      [head, `使用情况：${usageLine(usage)}`, `安全性能：${v.safety}`, `车况：${v.condition}`].join('\n'),
    );
  },
};

/** A month as the first word after the plate (2026-10, 2026年10月, 10月, 上月); the rest is form lines. */
function monthFromRest(rest: string, now: Date, tz: string): { month?: string; rest: string } | { error: string } {
  const [, word = '', after = ''] = /^(\S*)\s*([\s\S]*)$/.exec(rest)!;
  if (/^上个?月$/.test(word))
    return { month: monthOf(DateTime.fromJSDate(now, { zone: tz }).minus({ months: 1 }).toJSDate(), tz), rest: after };
  const month = parseMonth(word, now, tz);
  if (month) return { month, rest: after };
  if (/^\d{4}[-./年]\d|^\d{1,2}月$/.test(word)) return { error: `月份「${word}」看不懂，请写成 2026-10 或 10月。` };
  return { rest };
}

/**
 * 车辆检查 <车牌> [月份] [字段: 值 lines]: once per vehicle and month; usage is filled in from the
 * trips. Without a month it is this month's; a month that was missed is recorded late (补录, §3.4.6).
 */
export async function inspectVehicle(ctx: StaffContext): Promise<void> {
  const found = await vehicleFromArgs(ctx, '车辆检查 粤B12345');
  if (!found) return;
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  const current = monthOf(now, tz);
  const given = monthFromRest(found.rest, now, tz);
  if ('error' in given) {
    await ctx.reply(`${given.error}例如：车辆检查 ${found.v._id} ${current}`);
    return;
  }
  const month = given.month ?? current;
  const problem = inspectionMonthProblem(month, current, vehicleSettings.of(ctx.services.config).inspectionLateMonths);
  if (problem) {
    await ctx.reply(problem);
    return;
  }
  const done = await Inspection.findById(inspectionId(found.v._id, month)).lean();
  if (done) {
    await ctx.reply(
      `${found.v._id} ${month} 已由 ${done.by.name} 检查过${done.late ? '（补录）' : ''}：安全性能 ${done.safety}；车况 ${done.condition}。`,
    );
    return;
  }
  const usage = await usageOf(found.v._id, month, tz);
  const late = isLateInspection(month, current) ? `（补录 ${month} 的检查，会注明补录和记录人、时间）` : '';
  if (!ctx.can.formCards) await ctx.reply(`${found.v._id} ${month} 使用情况：${usageLine(usage)}${late}`);
  await ctx.services.forms.start(ctx, inspectForm.name, given.rest, { plate: found.v._id, month });
}

/** 检查情况 [yyyy-MM]: which vehicles were inspected in a month and which not. */
export async function inspectionStatus(ctx: StaffContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const typed = ctx.args.trim();
  // a month not understood is said so, not silently replaced by this month
  const month = typed ? readMonth(typed, ctx.services.now(), tz) : monthOf(ctx.services.now(), tz);
  if (!month) {
    await ctx.reply('月份请写成 本月、上月、2026-11 或 11月，例如：检查情况 2026-11');
    return;
  }
  const plates = (await Vehicle.find({ active: true }, { _id: 1 }).sort({ _id: 1 }).lean()).map((v) => String(v._id));
  const done = new Map((await Inspection.find({ month }).lean()).map((i) => [i.plate, i]));
  const shown = (i: { by: { name: string }; late?: boolean | null; at: Date }) =>
    `${i.by.name}${i.late ? `，补录于 ${today(i.at, tz)}` : ''}`;
  const lines = plates.map((p) => (done.has(p) ? `✔ ${p}（${shown(done.get(p)!)}）` : `✘ ${p} 未检查`));
  await ctx.reply([`${month} 车辆检查（${done.size}/${plates.length}）：`, ...lines].join('\n'));
}

/** 保养 <车牌> [里程]: maintenance done today at this reading (default the last known one). */
export async function recordMaintenance(ctx: StaffContext): Promise<void> {
  const found = await vehicleFromArgs(ctx, '保养 粤B12345 15000');
  if (!found) return;
  const v = found.v;
  const given = found.rest ? parseKm(found.rest.split(/\s+/)[0]!) : undefined;
  if (found.rest && given === undefined) {
    await ctx.reply(`里程请填公里数，例如：保养 ${v._id} ${v.odometer}`);
    return;
  }
  const km = given ?? v.odometer;
  if (km < (v.lastMaintenance?.odometer ?? 0)) {
    await ctx.reply(`保养里程 ${km} km 小于上次保养的 ${v.lastMaintenance!.odometer} km，请核对。`);
    return;
  }
  const on = today(ctx.services.now(), ctx.services.config.timezone);
  const set: Record<string, unknown> = { lastMaintenance: { on, odometer: km } };
  if (!v.openTrip && km > v.odometer) set.odometer = km;
  const entry = { at: ctx.services.now(), by: actor(ctx), action: '保养', detail: `${km} km` };
  if (!(await transition(Vehicle, v._id, v.version, { $set: set, $push: { history: entry } }, ctx.sender.identity))) {
    await ctx.reply('车辆记录刚被别人改过，没有保存，请再发一次。');
    return;
  }
  const after = (await loadVehicle(v._id))!;
  await ctx.reply(
    `已记录 ${v._id} 于 ${on} 保养（${km} km）。下次保养到期会提醒（${CLAUSE.tripLog}）。当前里程 ${after.odometer} km。`,
  );
}
