import type { BotContext, StaffContext } from '../../src/core/context.ts';
import type { FieldResult, FormDefinition, FormField } from '../../src/core/forms.ts';
import { parseYuan, yuanText } from '../../src/core/money.ts';
import { transition } from '../../src/core/transition.ts';
import { isNone, loadTrip, loadVehicle, tell, text } from './common.ts';
import { implausibleTripCost } from './cost-rules.ts';
import { keyTripEnded } from './days.ts';
import { Trip, type TripRecord, Vehicle } from './models.ts';
import { claimTripButton, tripReply } from './replies.ts';
import { CLAUSE, costsTotal, endOdometerProblem, MANAGERS } from './rules.ts';
import { vehicleSettings } from './settings.ts';
import { driverOf, km } from './trips.ts';

/* §3.4.5 收车: 出车记录里程数及各项费用明细; costs far beyond the vehicle's usual wait for 综合部. */

/** An amount in yuan as typed; the value is fen, shown again as yuan (a card holding fen would read ¥100 back as ¥10,000). */
function yuan(label: string): Pick<FormField, 'parse' | 'show'> {
  return {
    parse: (input: string): FieldResult => {
      if (isNone(input)) return { ok: true, value: '0' };
      const fen = parseYuan(input);
      if (fen === undefined)
        return { ok: false, error: `${label}请写金额（元），最多两位小数，如 200 或 35.5；没有请填 0。` };
      return { ok: true, value: String(fen) };
    },
    show: (fen) => yuanText(Number(fen)),
  };
}

export const endTripForm: FormDefinition = {
  name: 'vehicles.tripEnd',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '收车登记',
  fields: [
    // below the trip's start is refused at this question, before the costs are asked
    {
      key: 'endOdometer',
      label: '收车里程',
      required: true,
      prompt: '请输入收车时里程表读数（公里）',
      parse: km('收车里程'),
      check: endOdometerCheck,
    },
    {
      key: 'fuel',
      label: '油费',
      prompt: '油费多少元？（没有可回复 0 或「跳过」）',
      placeholder: '元，没有填 0',
      ...yuan('油费'),
    },
    {
      key: 'toll',
      label: '过路费',
      prompt: '过路费多少元？（没有可回复 0 或「跳过」）',
      placeholder: '元，没有填 0',
      ...yuan('过路费'),
    },
    {
      key: 'parking',
      label: '停车费',
      prompt: '停车费多少元？（没有可回复 0 或「跳过」）',
      placeholder: '元，没有填 0',
      ...yuan('停车费'),
    },
    {
      key: 'repair',
      label: '维修费',
      prompt: '维修费多少元？（没有可回复 0 或「跳过」）',
      placeholder: '元，没有填 0',
      ...yuan('维修费'),
    },
    { key: 'note', label: '备注', parse: text('备注', 200) },
  ],
  async submit(ctx, v, context) {
    const trip = await loadTrip(context.trip ?? '');
    if (!trip || trip.status !== 'open' || trip.driver.staffId !== ctx.sender?.staffId) {
      await ctx.reply('这次出车已经收车了，没有重复登记。发送「出车记录」查看。');
      return;
    }
    const now = ctx.services.now();
    const endKm = Number(v.endOdometer);
    const costs = {
      fuel: Number(v.fuel || 0),
      toll: Number(v.toll || 0),
      parking: Number(v.parking || 0),
      repair: Number(v.repair || 0),
    };
    const odd = implausibleTripCost(
      { _id: trip._id, km: endKm - trip.startOdometer, costs },
      await recentUsage(trip.plate, trip._id),
      vehicleSettings.of(ctx.services.config).costBound,
    );
    const costCheck = odd ? { status: 'pending', message: odd.message, by: null, at: null } : null;
    const set = { status: 'ended', endedAt: now, endOdometer: endKm, costs, note: v.note ?? '', costCheck };
    // 周报 reads the week's trips by this key (days.ts): written before the trip is marked ended
    await keyTripEnded(trip._id, now, ctx.services.config.timezone);
    if (!(await transition(Trip, trip._id, trip.version, { $set: set }, ctx.sender.identity))) {
      await ctx.reply(`出车 ${trip._id} 已经收车了，没有重复登记。`);
      return;
    }
    await closeOnVehicle(ctx, trip._id, trip.plate, endKm);
    const after = (await loadTrip(trip._id))!;
    ctx.log.info({ trip: trip._id, km: endKm - trip.startOdometer }, 'trip ended');
    if (odd) {
      // the warning is the trip's pending cost check: the reply says who decides it
      await ctx.reply(tripReply(after, `已收车：${trip._id}`, '下一步：费用已报综合部确认，确认后会通知你。'));
      await askCostConfirmation(ctx, after);
      return;
    }
    const claimable = costsTotal(after.costs) > 0;
    await ctx.reply(
      claimable
        ? tripReply(
            after,
            `已收车：${trip._id}`,
            `下一步：点「报销这次费用」或发送「出车报销 ${trip._id}」（${CLAUSE.tripLog}）。`,
            [claimTripButton(trip._id)],
          )
        : tripReply(after, `已收车：${trip._id}`),
    );
  },
};

/** 收车里程 against the start of the trip being ended (the form's context). */
async function endOdometerCheck(
  value: string,
  _ctx: BotContext,
  context: Record<string, string>,
): Promise<string | undefined> {
  const trip = await loadTrip(context.trip ?? '');
  return trip ? endOdometerProblem(trip.startOdometer, Number(value)) : undefined;
}

/** The vehicle's recent ended trips as km and costs, for its usual cost per km; costs still held for 综合部 do not count. */
async function recentUsage(plate: string, except: string): Promise<{ km: number; costs: number }[]> {
  const trips = await Trip.find({ plate }, { status: 1, startOdometer: 1, endOdometer: 1, costs: 1, costCheck: 1 })
    .sort({ startedAt: -1 })
    .limit(31)
    .lean<TripRecord[]>();
  return trips
    .filter(
      (t) => t._id !== except && t.status === 'ended' && t.endOdometer != null && t.costCheck?.status !== 'pending',
    )
    .slice(0, 30)
    .map((t) => ({ km: t.endOdometer! - t.startOdometer, costs: costsTotal(t.costs) }));
}

/** §3.4.5: 综合部 (never the driver) is asked to confirm costs far beyond the vehicle's usual. */
async function askCostConfirmation(ctx: StaffContext, trip: TripRecord): Promise<void> {
  await tell(
    ctx.services,
    MANAGERS.slice(),
    tripReply(
      trip,
      `出车费用待确认：${trip._id}`,
      `请向司机 ${trip.driver.name} 核实票据，属实点「确认费用」；不属实请告诉司机，不要确认。`,
      [{ label: '确认费用', action: 'vehicles.confirmCosts', value: { no: trip._id }, style: 'primary' }],
    ),
    [],
    [trip.driver.staffId],
  );
}

/** The trip is over: the vehicle is free again and its odometer is the trip's end. */
async function closeOnVehicle(ctx: StaffContext, no: string, plate: string, endKm: number): Promise<void> {
  // the ended trip is already recorded; retry against concurrent edits of the vehicle (e.g. 指定司机)
  for (let attempt = 0; attempt < 5; attempt++) {
    const v = await loadVehicle(plate);
    if (!v || v.openTrip !== no) return;
    if (await transition(Vehicle, plate, v.version, { $set: { openTrip: null, odometer: endKm } }, ctx.sender.identity))
      return;
  }
  ctx.log.error({ trip: no, plate }, 'could not free the vehicle after a trip ended');
}

/** 收车 [字段: 值 lines]: ends the sender's trip under way. */
export async function endTrip(ctx: StaffContext): Promise<void> {
  const who = await driverOf(ctx);
  if (!who) return;
  const open = await Trip.findOne({ 'driver.staffId': who.staffId, status: 'open' }).lean<TripRecord>();
  if (!open) {
    await ctx.reply('你没有未收车的出车。出车时发送「出车 车牌」。');
    return;
  }
  if (!ctx.can.formCards) await ctx.reply(`收车 ${open._id}（${open.plate}，出车里程 ${open.startOdometer} km）`);
  await ctx.services.forms.start(ctx, endTripForm.name, ctx.args, { trip: open._id });
}
