import { DateTime } from 'luxon';
import type { StaffContext } from '../../src/core/context.ts';
import { monthOf } from '../../src/core/dates.ts';
import { readListWords } from '../../src/core/list-filter.ts';
import { daysIn, numbersIssued, readEach } from '../../src/core/period-keys.ts';
import { EXPORT_PAGE, type ExportDefinition } from '../../src/core/reporting.ts';
import { echo } from '../../src/core/text.ts';
import { Inspection, Trip, type TripRecord, Vehicle } from './models.ts';
import { parsePlate, VIEWERS } from './rules.ts';

/*
 * 导出 出车记录 [车牌] [日期]: the trips 出车记录 shows (a driver their own; 综合部, 人防部, the
 * chairman and 行政部 anyone's, by plate), all of them in the period, with odometers and costs.
 * 导出 车辆检查 [月份或日期范围]: the monthly inspections (§3.4.6) as 检查情况 shows them, a
 * vehicle not inspected in a month it was due as 未检查.
 */

/** Sees every driver's trips, as 出车记录 lets them (a driver only their own). */
function seesAllTrips(ctx: StaffContext): boolean {
  return VIEWERS.filter((r) => r !== 'driver').some((r) => ctx.hasRole(r));
}

function tripQuery(ctx: StaffContext, args: string): Record<string, unknown> | { error: string } {
  const read = readListWords(args, ctx.services.now(), ctx.services.config.timezone, () => undefined);
  if ('error' in read) return { error: `${read.error}例如：导出 出车记录 粤B12345 2026-11` };
  const query: Record<string, unknown> = {};
  for (const w of read.rest) {
    const plate = parsePlate(w);
    if (!plate) return { error: `「${echo(w)}」不是车牌或日期，例如：导出 出车记录 粤B12345 2026-11` };
    query.plate = plate;
  }
  if (!seesAllTrips(ctx) || read.mine) query['driver.staffId'] = ctx.sender.staffId ?? '-';
  if (read.period) query.startedAt = { $gte: read.period.from, $lt: read.period.to };
  return query;
}

/**
 * The trips of the query, oldest first. With a period they are read by the numbers issued on its
 * days (a trip is numbered when it starts) and filtered here: any filter on the trips is a full read
 * of them on FerretDB 1.24 (src/core/period-keys.ts).
 */
async function* tripsOf(query: Record<string, unknown>, tz: string): AsyncIterable<TripRecord> {
  const range = query.startedAt as { $gte: Date; $lt: Date } | undefined;
  if (!range) {
    yield* Trip.find(query).sort({ startedAt: 1 }).lean<TripRecord[]>().cursor({ batchSize: EXPORT_PAGE });
    return;
  }
  const ids = await numbersIssued('CL', daysIn({ from: range.$gte, to: range.$lt }, tz));
  for await (const t of readEach(ids, (id) => Trip.findById(id).lean<TripRecord>())) {
    if (query.plate && t.plate !== query.plate) continue;
    if (query['driver.staffId'] && t.driver.staffId !== query['driver.staffId']) continue;
    if (t.startedAt >= range.$gte && t.startedAt < range.$lt) yield t;
  }
}

async function* tripRows(query: Record<string, unknown>, tz: string): AsyncIterable<unknown[]> {
  for await (const t of tripsOf(query, tz)) {
    const c = t.costs ?? { fuel: 0, toll: 0, parking: 0, repair: 0 };
    const km = t.endOdometer == null ? null : t.endOdometer - t.startOdometer;
    yield [
      t._id,
      t.plate,
      t.driver.name,
      t.permit,
      t.endOdometer == null ? '出车中' : '已收车',
      t.startedAt,
      t.endedAt ?? null,
      t.startOdometer,
      t.endOdometer ?? null,
      km,
      t.purpose,
      t.route,
      c.fuel,
      c.toll,
      c.parking,
      c.repair,
      c.fuel + c.toll + c.parking + c.repair,
      (t.flags ?? []).map((f) => f.message).join('；'),
      t.costCheck ? (t.costCheck.status === 'pending' ? '待综合部核实' : `${t.costCheck.by?.name ?? ''} 已核实`) : '',
      t.claimedAt ?? null,
      t.note,
    ];
  }
}

/** The months of 导出 车辆检查: one (this month by default), or those a date range covers. */
function inspectionMonths(ctx: StaffContext, args: string): { from: string; to: string } | { error: string } {
  const tz = ctx.services.config.timezone;
  const read = readListWords(args, ctx.services.now(), tz, () => undefined);
  if ('error' in read || read.rest.length)
    return {
      error: `${'error' in read ? read.error : `「${echo(read.rest[0]!)}」看不懂。`}例如：导出 车辆检查 2026-11`,
    };
  if (!read.period) {
    const m = monthOf(ctx.services.now(), tz);
    return { from: m, to: m };
  }
  const last = DateTime.fromJSDate(new Date(read.period.to.getTime() - 1), { zone: tz });
  return { from: monthOf(read.period.from, tz), to: last.toFormat('yyyy-MM') };
}

async function* inspectionRows(from: string, to: string): AsyncIterable<unknown[]> {
  const cursor = Inspection.find({ month: { $gte: from, $lte: to } })
    .sort({ month: 1, plate: 1 })
    .lean()
    .cursor({ batchSize: EXPORT_PAGE });
  for await (const i of cursor) {
    yield [
      i.month,
      i.plate,
      i.late ? '补录' : '已检查',
      i.usage.trips ?? 0,
      i.usage.km ?? 0,
      i.usage.costs ?? 0,
      i.safety,
      i.condition,
      i.note,
      i.by.name,
      i.at,
    ];
  }
  // one month: the vehicles in use that were not inspected, as 检查情况 lists them
  if (from !== to) return;
  const done = new Set((await Inspection.find({ month: from }, { plate: 1 }).lean()).map((i) => i.plate));
  const vehicles = Vehicle.find({ active: true }, { _id: 1 })
    .sort({ _id: 1 })
    .lean()
    .cursor({ batchSize: EXPORT_PAGE });
  for await (const v of vehicles) {
    if (!done.has(String(v._id))) yield [from, String(v._id), '未检查', null, null, null, '', '', '', '', null];
  }
}

export const vehicleExports: ExportDefinition[] = [
  {
    words: ['出车记录', 'trips'],
    title: '出车记录',
    allow: 'staff',
    async sheets(ctx, args) {
      const query = tripQuery(ctx, args);
      if ('error' in query) return { error: query.error as string };
      return [
        {
          name: '出车记录',
          columns: [
            { header: '出车单号', type: 'text', width: 18 },
            { header: '车牌', type: 'text', width: 11 },
            { header: '司机', type: 'text', width: 10 },
            { header: '准驾证', type: 'text' },
            { header: '状态', type: 'text', width: 8 },
            { header: '出车时间', type: 'datetime' },
            { header: '收车时间', type: 'datetime' },
            { header: '出车里程', type: 'number' },
            { header: '收车里程', type: 'number' },
            { header: '行驶公里', type: 'number' },
            { header: '事由', type: 'text', width: 24 },
            { header: '路线', type: 'text', width: 20 },
            { header: '油费', type: 'money' },
            { header: '过路费', type: 'money' },
            { header: '停车费', type: 'money' },
            { header: '维修费', type: 'money' },
            { header: '费用合计', type: 'money' },
            { header: '里程异常', type: 'text', width: 30 },
            { header: '费用核实', type: 'text', width: 16 },
            { header: '计入报销时间', type: 'datetime' },
            { header: '备注', type: 'text', width: 20 },
          ],
          rows: tripRows(query, ctx.services.config.timezone),
        },
      ];
    },
  },
  {
    words: ['车辆检查', '检查情况', 'inspections'],
    title: '车辆检查',
    allow: VIEWERS,
    async sheets(ctx, args) {
      const months = inspectionMonths(ctx, args);
      if ('error' in months) return months;
      return [
        {
          name: months.from === months.to ? `${months.from} 车辆检查` : '车辆检查',
          columns: [
            { header: '月份', type: 'text', width: 9 },
            { header: '车牌', type: 'text', width: 11 },
            { header: '检查情况', type: 'text', width: 9 },
            { header: '出车次数', type: 'number' },
            { header: '行驶公里', type: 'number' },
            { header: '费用', type: 'money' },
            { header: '安全性能', type: 'text', width: 20 },
            { header: '车况', type: 'text', width: 20 },
            { header: '备注', type: 'text', width: 20 },
            { header: '检查人', type: 'text', width: 10 },
            { header: '记录时间', type: 'datetime' },
          ],
          rows: inspectionRows(months.from, months.to),
        },
      ];
    },
  },
];
