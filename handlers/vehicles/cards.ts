import { formatDateTime } from '../../src/core/numbering.ts';
import type { Card, CardButton } from '../../src/core/types.ts';
import type { AccidentRecord, PermitRecord, TripRecord, VehicleRecord } from './models.ts';
import { ACCIDENT_STATUS, costLines, costsTotal, formatFen, showOccurred } from './rules.ts';

/* What staff read about vehicles, permits, trips and accidents: platform-neutral cards. */

export function vehicleCard(v: VehicleRecord, permits: readonly PermitRecord[], note?: string): Card {
  return {
    title: `车辆 ${v._id}`,
    color: 'blue',
    lines: [
      `车型：${v.model}　驻点：${v.post || '—'}`,
      `指定司机：${v.drivers.map((d) => d.name).join('、') || '—'}`,
      `当前里程：${v.odometer} km${v.openTrip ? `　出车中（${v.openTrip}）` : ''}`,
      `上次保养：${v.lastMaintenance ? `${v.lastMaintenance.on}，${v.lastMaintenance.odometer} km` : '—'}`,
      `准驾人员：${permits.map((p) => `${p.holder.name}（${p._id}，至 ${p.expiresOn}）`).join('、') || '无'}`,
    ],
    note,
  };
}

export function permitLine(p: PermitRecord): string {
  const state = p.status === 'revoked' ? `已吊销（${p.revoked?.reason ?? ''}）` : `有效期至 ${p.expiresOn}`;
  return `${p._id} ${p.holder.name}：${p.vehicles.join('、')}，${state}；考核 ${p.assessedOn} ${p.assessor}`;
}

export function tripLines(t: TripRecord, tz: string): string[] {
  const km = t.endOdometer == null ? '' : `，行驶 ${t.endOdometer - t.startOdometer} km`;
  return [
    `车辆：${t.plate}　司机：${t.driver.name}`,
    `出车：${formatDateTime(t.startedAt, tz)}，里程 ${t.startOdometer} km`,
    t.endedAt ? `收车：${formatDateTime(t.endedAt, tz)}，里程 ${t.endOdometer} km${km}` : '状态：出车中',
    `用途：${t.purpose}${t.route ? `　路线：${t.route}` : ''}`,
    ...(costsTotal(t.costs) ? [`费用：${costLines(t.costs).join('，')}，合计 ${formatFen(costsTotal(t.costs))}`] : []),
    ...(t.note ? [`备注：${t.note}`] : []),
    ...t.flags.map((f) => `⚠ ${f.message}`),
    ...(t.costCheck?.status === 'pending' ? [`⚠ 费用待综合部确认：${t.costCheck.message}`] : []),
    ...(t.costCheck?.status === 'confirmed'
      ? [
          `费用已由综合部 ${t.costCheck.by?.name ?? ''} 确认${t.costCheck.at ? `（${formatDateTime(t.costCheck.at, tz)}）` : ''}`,
        ]
      : []),
    ...(t.claimedAt ? [`已转报销：${formatDateTime(t.claimedAt, tz)}`] : []),
  ];
}

export function tripCard(t: TripRecord, tz: string, title: string, note?: string, buttons?: CardButton[]): Card {
  return {
    title,
    color: t.flags.length || t.costCheck?.status === 'pending' ? 'orange' : 'blue',
    lines: tripLines(t, tz),
    note,
    buttons,
  };
}

export function accidentLines(a: AccidentRecord, tz: string): string[] {
  return [
    `车辆：${a.plate}　报告人：${a.reporter.name}${a.trip ? `　出车 ${a.trip}` : ''}`,
    `时间：${showOccurred(a.occurred, tz)}　地点：${a.place}`,
    `伤亡：${a.injuries}`,
    `车损：${a.damage}`,
    ...(a.account ? [`经过：${a.account}`] : []),
    `报备：${formatDateTime(a.reportedAt, tz)}　状态：${ACCIDENT_STATUS[a.status]}`,
    ...(a.acknowledged ? [`已知悉：${a.acknowledged.by.name} ${formatDateTime(a.acknowledged.at, tz)}`] : []),
    ...a.instructions.map((i) => `指示（${i.by.name} ${formatDateTime(i.at, tz)}）：${i.text}`),
    ...(a.outcome ? [`处理结果（${a.outcome.by.name}）：${a.outcome.text}`] : []),
  ];
}

export function accidentCard(a: AccidentRecord, tz: string, title: string, note?: string, withAck = false): Card {
  return {
    title,
    color: a.status === 'closed' ? 'green' : a.status === 'reported' ? 'red' : 'orange',
    lines: accidentLines(a, tz),
    note,
    buttons:
      withAck && a.status === 'reported'
        ? [{ label: '已知悉', action: 'vehicles.accidentAck', value: { no: a._id }, style: 'primary' }]
        : undefined,
  };
}
