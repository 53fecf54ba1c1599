import { actor } from '../../src/core/audit.ts';
import { trailOf } from '../../src/core/audit-trail.ts';
import type { BotContext, StaffContext } from '../../src/core/context.ts';
import { isDuplicateKey, nextSequence } from '../../src/core/once.ts';
import type { Card } from '../../src/core/types.ts';
import { permitsOf, vehicleFromArgs } from './common.ts';
import { type Person, ShuttleDone, ShuttleRun, type ShuttleRunRecord } from './models.ts';
import { CLAUSE, mayStartTrip, parseTimeOfDay, today } from './rules.ts';

/* §3.4.3 准时出车接送员工上下班: fixed daily shuttle runs, each marked done by its driver. */

export const shuttleDoneId = (run: string, day: string) => `${run}:${day}`;

/** The card a driver gets for a run, with the one button that marks it done. */
export function shuttleCard(run: ShuttleRunRecord, title: string, note?: string): Card {
  return {
    title,
    color: 'orange',
    lines: [`班车 ${run._id}：${run.time} ${run.plate}`, `路线：${run.route}`],
    note,
    buttons: [{ label: '已完成', action: 'vehicles.shuttleDone', value: { run: run._id }, style: 'primary' }],
  };
}

/** 设置班车 <车牌> <HH:mm> <路线> (综合部) */
export async function addShuttle(ctx: StaffContext): Promise<void> {
  const example = '设置班车 粤B12345 07:30 宿舍→万达广场（早班）';
  const found = await vehicleFromArgs(ctx, example);
  if (!found) return;
  const [time = '', ...route] = found.rest.split(/\s+/);
  const at = parseTimeOfDay(time);
  if (!at || !route.length) {
    await ctx.reply(`请写明发车时间和路线，例如：${example}`);
    return;
  }
  const id = `BC${await nextSequence('shuttle')}`;
  const doc = {
    _id: id,
    plate: found.v._id,
    post: found.v.post,
    time: at,
    route: route.join(' ').slice(0, 100),
    createdBy: actor(ctx),
  };
  const note = {
    kind: 'vehicle' as const,
    record: { type: 'vehicle', id: found.v._id, label: found.v._id },
    what: '设置班车',
    to: `${id} 每天 ${at} ${doc.route}`,
  };
  await trailOf(ctx).change(ShuttleRun, id, note, (carry) => ShuttleRun.create(carry.doc(doc)));
  ctx.log.info({ run: id, plate: found.v._id, time: at }, 'shuttle run added');
  await ctx.reply(
    `已设置班车 ${id}：每天 ${at}，${found.v._id}，${route.join(' ')}。司机跑完发送「班车完成 ${id}」；到点未完成会提醒司机，再晚会告知综合部（${CLAUSE.shuttle}）。`,
  );
}

/** 取消班车 <编号> (综合部) */
export async function removeShuttle(ctx: StaffContext): Promise<void> {
  const id = ctx.args.trim().toUpperCase();
  const run = id ? await ShuttleRun.findById(id).lean() : null;
  if (!run || !run.active) {
    await ctx.reply('请写明要取消的班车编号，例如：取消班车 BC1（发送「班车」查看）');
    return;
  }
  // only this field changes and only here: no decision races it
  const note = {
    kind: 'vehicle' as const,
    record: { type: 'vehicle', id: run.plate, label: run.plate },
    what: '取消班车',
    from: `${id} 每天 ${run.time} ${run.route}`,
    to: '已取消',
  };
  await trailOf(ctx).change(ShuttleRun, id, note, (carry) =>
    ShuttleRun.updateOne({ _id: id }, carry.update({ $set: { active: false } })),
  );
  await ctx.reply(`已取消班车 ${id}（${run.time} ${run.route}）。`);
}

/** 班车: today's runs and whether each was done. */
export async function listShuttles(ctx: StaffContext): Promise<void> {
  const day = today(ctx.services.now(), ctx.services.config.timezone);
  const runs = await ShuttleRun.find({ active: true }).sort({ time: 1 }).lean<ShuttleRunRecord[]>();
  if (!runs.length) {
    await ctx.reply(`没有设置班车。综合部可发送：设置班车 粤B12345 07:30 宿舍→万达广场`);
    return;
  }
  const done = new Map((await ShuttleDone.find({ day }).lean()).map((d) => [d.run, d]));
  const lines = runs.map(
    (r) =>
      `• ${r._id} ${r.time} ${r.plate} ${r.route}：${done.has(r._id) ? `✔ ${done.get(r._id)!.by.name}` : '未完成'}`,
  );
  await ctx.reply([`今天（${day}）的班车：`, ...lines, '跑完发送「班车完成 编号」。'].join('\n'));
}

/** 班车完成 <编号> / button 已完成: by a holder of a valid permit for the run's vehicle, once a day. */
export async function markShuttleDone(ctx: StaffContext): Promise<void> {
  const id = (ctx.action?.value.run ?? ctx.args.trim()).toUpperCase();
  const run = id ? await ShuttleRun.findById(id).lean<ShuttleRunRecord>() : null;
  if (!run || !run.active) {
    await ctx.toast('请写明班车编号，例如：班车完成 BC1（发送「班车」查看）');
    return;
  }
  const who: Person = actor(ctx);
  const day = today(ctx.services.now(), ctx.services.config.timezone);
  if (!mayStartTrip(await permitsOf(who.staffId), run.plate, day).ok) {
    await ctx.toast(`只有持 ${run.plate} 准驾证的司机才能确认班车完成（${CLAUSE.onlyHolders}）。`);
    return;
  }
  try {
    await ShuttleDone.create({ _id: shuttleDoneId(run._id, day), run: run._id, day, by: who, at: ctx.services.now() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const done = await ShuttleDone.findById(shuttleDoneId(run._id, day)).lean();
    await ctx.toast(`班车 ${run._id} 今天已由 ${done?.by.name ?? '他人'} 确认完成。`);
    return;
  }
  await ctx.toast(`已记录：班车 ${run._id}（${run.time} ${run.route}）今天已完成。`);
}
