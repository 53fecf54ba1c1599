import type { Channel, Role } from '../../src/core/types.ts';
import { Identity, Staff } from '../../src/models/index.ts';

/** The people of the reimbursement tests: a claimant and the approvers of every step. */
export const PEOPLE: Record<string, { name: string; phone: string; roles: Role[] }> = {
  zhang: { name: '张三', phone: '13800000001', roles: ['guard'] },
  zhao: { name: '赵六', phone: '13800000006', roles: ['guard'] },
  wang: { name: '王综合', phone: '13800000002', roles: ['general_affairs'] },
  liu: { name: '刘综合', phone: '13800000003', roles: ['general_affairs'] },
  li: { name: '李财务', phone: '13800000004', roles: ['finance'] },
  chen: { name: '陈董', phone: '13800000005', roles: ['chairman'] },
};

/**
 * Creates the staff records and binds each to `userIds[key]` on `channel` (default: the key itself).
 * Returns staff ids by key.
 */
export async function seedPeople(
  channel: Channel,
  userIds: Partial<Record<keyof typeof PEOPLE, string>> = {},
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [key, p] of Object.entries(PEOPLE)) {
    const s = await Staff.create(p);
    ids[key] = String(s._id);
    const userId = userIds[key] ?? key;
    await Identity.create({ _id: `${channel}:${userId}`, staffId: s._id, channel, userId, boundAt: new Date() });
  }
  return ids;
}

/** A one-message item: `字段: 值` lines after 报销. */
export function itemMessage(v: {
  date: string;
  category: string;
  amount: string;
  matter?: string;
  contact?: string;
  serials?: string;
  travellers?: string;
  companions?: string;
}): string {
  return [
    '报销',
    `日期: ${v.date}`,
    `类别: ${v.category}`,
    `金额: ${v.amount}`,
    `所办事项: ${v.matter ?? '去万达广场送排班表'}`,
    `公司接洽人: ${v.contact ?? '李经理'}`,
    ...(v.serials ? [`票号: ${v.serials}`] : []),
    ...(v.travellers ? [`同行人数: ${v.travellers}`] : []),
    ...(v.companions ? [`同行人: ${v.companions}`] : []),
  ].join('\n');
}
