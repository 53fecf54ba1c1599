import type { Channel, Role } from '../../src/core/types.ts';
import { Identity, Staff } from '../../src/models/index.ts';

/** The people of the vehicle tests: 综合部, 人防部, a driver, a guard without a permit, the chairman. */
export const PEOPLE = {
  zonghe: { name: '王综合', phone: '13700000001', roles: ['general_affairs'] as Role[] },
  renfang: { name: '刘人防', phone: '13700000002', roles: ['guard_ops'] as Role[] },
  siji: { name: '张司机', phone: '13700000003', roles: ['driver'] as Role[] },
  siji2: { name: '赵司机', phone: '13700000006', roles: ['driver'] as Role[] },
  duiyuan: { name: '李队员', phone: '13700000004', roles: ['guard'] as Role[] },
  dongshi: { name: '孙董事长', phone: '13700000005', roles: ['chairman'] as Role[] },
  caiwu: { name: '钱财务', phone: '13700000007', roles: ['finance'] as Role[] },
} as const;
export type Who = keyof typeof PEOPLE;

/** Creates the staff; binds each to `${channel}:${ids[who] ?? who}` (only `bound`, when given). */
export async function seedPeople(
  channel: Channel,
  ids: Partial<Record<Who, string>> = {},
  bound?: Who[],
): Promise<Record<Who, string>> {
  const out = {} as Record<Who, string>;
  for (const [key, p] of Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]) {
    const s = await Staff.create({ name: p.name, phone: p.phone, roles: [...p.roles], post: '万达广场' });
    out[key] = String(s._id);
    if (bound && !bound.includes(key)) continue;
    const userId = ids[key] ?? key;
    await Identity.create({
      _id: `${channel}:${userId}`,
      staffId: s._id,
      channel,
      userId,
      displayName: p.name,
      boundAt: new Date(),
    });
  }
  return out;
}

export const PLATE = '粤B12345';

/** 登记车辆 as one message. */
export function registerLines(
  o: { plate?: string; odometer?: number; drivers?: string; maintainedOn?: string } = {},
): string {
  return [
    '登记车辆',
    `车牌: ${o.plate ?? PLATE}`,
    '车型: 金杯海狮 11座',
    '驻点: 万达广场',
    `指定司机: ${o.drivers ?? '张司机'}`,
    `当前里程: ${o.odometer ?? 10000}`,
    `上次保养日期: ${o.maintainedOn ?? '2026-10-01'}`,
  ].join('\n');
}

/** 发准驾证 as one message. */
export function permitLines(
  o: { holder?: string; plates?: string; number?: string; assessedOn?: string; expiresOn?: string } = {},
): string {
  return [
    '发准驾证',
    `司机: ${o.holder ?? '张司机'}`,
    `准驾车辆: ${o.plates ?? PLATE}`,
    `准驾证号: ${o.number ?? 'ZJ-2026-001'}`,
    `考核日期: ${o.assessedOn ?? '2026-11-20'}`,
    `有效期至: ${o.expiresOn ?? '2027-11-19'}`,
    '考核人: 王综合',
  ].join('\n');
}

export function startLines(plate = PLATE, km = 10000, purpose = '接送夜班队员'): string {
  return `出车 ${plate}\n起始里程: ${km}\n用途: ${purpose}\n路线: 公司→万达广场→公司`;
}

export function endLines(km: number, c: Partial<Record<'油费' | '过路费' | '停车费' | '维修费', string>> = {}): string {
  return `收车\n收车里程: ${km}\n油费: ${c.油费 ?? '0'}\n过路费: ${c.过路费 ?? '0'}\n停车费: ${c.停车费 ?? '0'}\n维修费: ${c.维修费 ?? '0'}\n备注: 无`;
}

export const TRIP_RE = /CL-\d{8}-\d{3}/;
export const ACCIDENT_RE = /SG-\d{8}-\d{3}/;
export const CLAIM_RE = /BX-\d{8}-\d{3}/;
