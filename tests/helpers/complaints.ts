import type { Channel, Role } from '../../src/core/types.ts';
import { Identity, Staff } from '../../src/models/index.ts';

/** The company's people for complaint tests: who they are, their roles, and their chat user id. */
export const PEOPLE = {
  kefu: { name: '王客服', phone: '13900000001', roles: ['customer_service'] as Role[] },
  kefu2: { name: '周客服', phone: '13900000008', roles: ['customer_service'] as Role[] },
  renfang: { name: '刘人防', phone: '13900000002', roles: ['guard_ops'] as Role[] },
  duizhang: { name: '陈队长', phone: '13900000003', roles: ['team_leader'] as Role[] },
  zonghe: { name: '赵综合', phone: '13900000004', roles: ['general_affairs'] as Role[] },
  xingzheng: { name: '钱行政', phone: '13900000005', roles: ['admin'] as Role[] },
  dongshi: { name: '孙董事长', phone: '13900000006', roles: ['chairman'] as Role[] },
  zhangsan: { name: '张三', phone: '13800000001', roles: ['guard'] as Role[] },
  lisi: { name: '李四', phone: '13800000002', roles: ['guard'] as Role[] },
} as const;
export type Who = keyof typeof PEOPLE;

/**
 * Creates the staff and binds each to `${channel}:${ids[who] ?? who}`; returns staff ids by key.
 * Only the people in `bound` get a chat identity (everyone by default).
 */
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

/** A complete 客户投诉登记表 as `字段: 值` lines. */
export function registrationLines(
  o: Partial<Record<'name' | 'address' | 'phone' | 'reason' | 'demand' | 'category' | 'type' | 'remark', string>> = {},
): string {
  return [
    `投诉客户名称: ${o.name ?? '万达物业'}`,
    `客户地址: ${o.address ?? '城南路 1 号'}`,
    `电话: ${o.phone ?? '13712345678'}`,
    `投诉缘由: ${o.reason ?? '夜班队员在岗睡觉'}`,
    `客户要求: ${o.demand ?? '更换队员'}`,
    `分类: ${o.category ?? '一般性'}`,
    `投诉类型: ${o.type ?? '脱岗睡岗'}`,
    `备注: ${o.remark ?? '无'}`,
  ].join('\n');
}

export const NUMBER_RE = /TS-\d{8}-\d{3}/;
