import { actor } from '../../src/core/audit.ts';
import { auditKey, auditLine, type ChangeNote, recentChanges, trailOf } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FieldResult, FormDefinition } from '../../src/core/forms.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import type { StaffHoldings } from '../../src/core/router.ts';
import { echo } from '../../src/core/text.ts';
import { transition } from '../../src/core/transition.ts';
import { vehicleCard } from './cards.ts';
import { dayField, decodePeople, loadVehicle, peopleField, text, vehicleFromArgs } from './common.ts';
import { Permit, type PermitRecord, Vehicle, type VehicleRecord } from './models.ts';
import { CLAUSE, MANAGERS, parseKm, parsePlate, today } from './rules.ts';

/** A change of a vehicle for the audit trail (its history, and the driver's when one is named). */
export function vehicleNote(plate: string, what: string, to = '', extra: Partial<ChangeNote> = {}): ChangeNote {
  return { kind: 'vehicle', record: { type: 'vehicle', id: plate, label: plate }, what, to, ...extra };
}

/* §3.4.1 专人驾车制度: the vehicle registry (the driving permits 综合部 issues: permits.ts). */

const km =
  (label: string) =>
  (input: string): FieldResult => {
    const n = parseKm(input);
    return n === undefined
      ? { ok: false, error: `${label}请填里程表上的公里数（整数），例如 12345。` }
      : { ok: true, value: String(n) };
  };

export const registerVehicleForm: FormDefinition = {
  name: 'vehicles.register',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '登记车辆',
  allow: MANAGERS,
  fields: [
    {
      key: 'plate',
      label: '车牌',
      required: true,
      placeholder: '粤B12345',
      parse: (i) =>
        parsePlate(i)
          ? { ok: true, value: parsePlate(i)! }
          : { ok: false, error: `车牌「${echo(i)}」格式不对，请写成 粤B12345。` },
      check: async (plate) =>
        (await Vehicle.exists({ _id: plate })) ? `车辆 ${plate} 已经登记过了。发送「车辆 ${plate}」查看。` : undefined,
    },
    { key: 'model', label: '车型', required: true, placeholder: '如 金杯海狮 11 座', parse: text('车型', 40) },
    { key: 'post', label: '驻点', prompt: '请输入车辆所属驻点（公司总部用车可跳过）', parse: text('驻点', 40) },
    {
      key: 'drivers',
      label: '指定司机',
      prompt: '请输入指定司机（姓名或电话，多人用顿号隔开；暂未确定可跳过）',
      ...peopleField('指定司机'),
    },
    {
      key: 'odometer',
      label: '当前里程',
      required: true,
      prompt: '请输入里程表当前读数（公里）',
      parse: km('当前里程'),
    },
    {
      key: 'maintainedOn',
      label: '上次保养日期',
      prompt: '请输入上次保养日期（如 2026-10-01；不清楚可跳过，从今天算起）',
      parse: dayField('上次保养日期', true),
    },
  ],
  async submit(ctx, v) {
    const now = ctx.services.now();
    const odometer = Number(v.odometer);
    const doc = {
      _id: v.plate!,
      model: v.model!,
      post: v.post ?? '',
      drivers: decodePeople(v.drivers ?? ''),
      odometer,
      lastMaintenance: { on: v.maintainedOn || today(now, ctx.services.config.timezone), odometer },
      history: [{ at: now, by: actor(ctx), action: '登记车辆', detail: `${v.model}，${odometer} km` }],
    };
    try {
      await trailOf(ctx).change(
        Vehicle,
        doc._id,
        vehicleNote(
          doc._id,
          '登记车辆',
          `${doc.model}，${odometer} km${doc.drivers.length ? `，指定司机 ${doc.drivers.map((d) => d.name).join('、')}` : ''}`,
        ),
        (carry) => Vehicle.create(carry.doc(doc)),
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await ctx.reply(`车辆 ${v.plate} 已经登记过了，没有重复登记。`);
      return;
    }
    ctx.log.info({ plate: v.plate }, 'vehicle registered');
    await ctx.reply(
      vehicleCard(
        (await loadVehicle(v.plate!))!,
        [],
        `已登记。下一步：考核通过的司机，发送「发准驾证」发证（${CLAUSE.permit}）。`,
      ),
    );
  },
};

/** 登记车辆 [字段: 值 lines] */
export async function registerVehicle(ctx: StaffContext): Promise<void> {
  await ctx.services.forms.start(ctx, registerVehicleForm.name, ctx.args);
}

async function activePermitsFor(plate: string): Promise<PermitRecord[]> {
  return Permit.find({ vehicles: plate, status: 'active' }).lean<PermitRecord[]>();
}

/** 车辆 <车牌> */
export async function showVehicle(ctx: StaffContext): Promise<void> {
  const found = await vehicleFromArgs(ctx, '车辆 粤B12345');
  if (!found) return;
  const card = vehicleCard(found.v, await activePermitsFor(found.v._id));
  // the vehicle's history (permits revoked with their reasons…) is for those who manage it, not every driver
  const changes = ctx.hasRole('general_affairs', 'chairman', 'admin')
    ? await recentChanges(auditKey('vehicle', found.v._id), 3)
    : [];
  if (changes.length)
    card.lines.push('最近变更：', ...changes.map((e) => `• ${auditLine(e, ctx.services.config.timezone)}`));
  await ctx.reply(card);
}

/** 车辆列表 */
export async function listVehicles(ctx: StaffContext): Promise<void> {
  const vs = await Vehicle.find({ active: true }).sort({ _id: 1 }).limit(100).lean<VehicleRecord[]>();
  if (!vs.length) {
    await ctx.reply('还没有登记车辆。综合部可发送「登记车辆」。');
    return;
  }
  const lines = vs.map(
    (v) =>
      `• ${v._id} ${v.model}${v.post ? `（${v.post}）` : ''}，${v.odometer} km${v.openTrip ? `，出车中 ${v.openTrip}` : ''}`,
  );
  await ctx.reply([`公司车辆 ${vs.length} 辆：`, ...lines, '发送「车辆 车牌」查看详情。'].join('\n'));
}

/** 指定司机 <车牌> 张三、李四 (§3.4.1 专人驾车) */
export async function setDrivers(ctx: StaffContext): Promise<void> {
  const found = await vehicleFromArgs(ctx, '指定司机 粤B12345 张三、李四');
  if (!found) return;
  const parsed = await peopleField('指定司机').parse!(found.rest, ctx);
  if (!parsed.ok) {
    await ctx.reply(parsed.error);
    return;
  }
  const drivers = decodePeople(parsed.value);
  const v = found.v;
  const entry = {
    at: ctx.services.now(),
    by: actor(ctx),
    action: '指定司机',
    detail: drivers.map((d) => d.name).join('、'),
  };
  const note = vehicleNote(v._id, '指定司机', entry.detail, { from: v.drivers.map((d) => d.name).join('、') });
  if (
    !(await trailOf(ctx).change(Vehicle, v._id, note, (carry) =>
      transition(
        Vehicle,
        v._id,
        v.version,
        carry.update({ $set: { drivers }, $push: { history: entry } }),
        ctx.sender.identity,
      ),
    ))
  ) {
    await ctx.reply('车辆记录刚被别人改过，没有保存，请再发一次。');
    return;
  }
  await ctx.reply(
    `已把 ${v._id} 的指定司机设为：${entry.detail}。他们还需要持有这辆车的准驾证才能出车（${CLAUSE.onlyHolders}）。`,
  );
}

/** 停用车辆 <车牌> <原因>: sold or scrapped; it leaves the lists, reminders and inspections. */
export async function retireVehicle(ctx: StaffContext): Promise<void> {
  const found = await vehicleFromArgs(ctx, '停用车辆 粤B12345 已报废');
  if (!found) return;
  const { v, rest } = found;
  if (!rest.trim()) {
    await ctx.reply(`请写明停用原因，例如：停用车辆 ${v._id} 已报废`);
    return;
  }
  if (v.openTrip) {
    await ctx.reply(`车辆 ${v._id} 正在出车（${v.openTrip}），收车后才能停用。`);
    return;
  }
  const entry = { at: ctx.services.now(), by: actor(ctx), action: '停用车辆', detail: rest.trim().slice(0, 100) };
  const note = vehicleNote(v._id, '停用车辆', '已停用', { from: '在用', note: entry.detail });
  if (
    !(await trailOf(ctx).change(Vehicle, v._id, note, (carry) =>
      transition(
        Vehicle,
        v._id,
        v.version,
        carry.update({ $set: { active: false }, $push: { history: entry } }),
        ctx.sender.identity,
      ),
    ))
  ) {
    await ctx.reply('车辆记录刚被别人改过，没有保存，请再发一次。');
    return;
  }
  ctx.log.info({ plate: v._id }, 'vehicle retired');
  await ctx.reply(`已停用车辆 ${v._id}（${entry.detail}）。它不再出车，也不再提醒检查和保养；记录都保留。`);
}

/** What a person holds in vehicles: permits in force and vehicles they are a designated driver of. */
export const vehicleHoldings: StaffHoldings = async (_services, s) => {
  const permits = await Permit.find({ 'holder.staffId': s.staffId, status: 'active' }).lean<PermitRecord[]>();
  const driven = await Vehicle.find({ 'drivers.staffId': s.staffId, active: true }, { _id: 1, drivers: 1 }).lean<
    VehicleRecord[]
  >();
  return [
    ...permits.map((p) => ({
      what: `准驾证 ${p._id}（${p.vehicles.join('、')}）`,
      handover: `吊销准驾证 ${p._id} 离职`,
    })),
    ...driven.map((v) => ({
      what: `${v._id} 的指定司机`,
      handover: `指定司机 ${v._id} ${[...v.drivers.filter((d) => d.staffId !== s.staffId).map((d) => d.name), '新司机姓名'].join('、')}`,
    })),
  ];
};
