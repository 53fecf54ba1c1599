import type { Channel, Role } from '../../src/core/types.ts';
import { Dorm, Identity, Staff } from '../../src/models/index.ts';

/**
 * The people of the dorm tests: two dorms with a leader each, one dorm with residents and no
 * leader, and the departments that manage them. `ids` maps a key to its chat user id.
 */
export const DORM_PEOPLE = {
  zonghe: { name: '赵综合', phone: '13900000104', roles: ['general_affairs'] as Role[], dorm: '' },
  xingzheng: { name: '钱行政', phone: '13900000105', roles: ['admin'] as Role[], dorm: '' },
  caiwu: { name: '孙财务', phone: '13900000106', roles: ['finance'] as Role[], dorm: '' },
  chen: { name: '陈队长', phone: '13900000103', roles: ['team_leader'] as Role[], dorm: '城南宿舍' },
  liu: { name: '刘队长', phone: '13900000107', roles: ['team_leader'] as Role[], dorm: '城北宿舍' },
  zhangsan: { name: '张三', phone: '13800000101', roles: ['guard'] as Role[], dorm: '城南宿舍' },
  lisi: { name: '李四', phone: '13800000102', roles: ['guard'] as Role[], dorm: '城南宿舍' },
  wangwu: { name: '王五', phone: '13800000103', roles: ['guard'] as Role[], dorm: '城南宿舍' },
  zhouqi: { name: '周七', phone: '13800000104', roles: ['guard'] as Role[], dorm: '城北宿舍' },
  zhengjiu: { name: '郑九', phone: '13800000105', roles: ['guard'] as Role[], dorm: '东区宿舍' },
} as const;
export type DormWho = keyof typeof DORM_PEOPLE;

/** Creates the staff and dorms and binds everyone to `${channel}:${ids[who] ?? who}`; returns staff ids. */
export async function seedDormPeople(
  channel: Channel,
  ids: Partial<Record<DormWho, string>> = {},
): Promise<Record<DormWho, string>> {
  const out = {} as Record<DormWho, string>;
  for (const name of ['城南宿舍', '城北宿舍', '东区宿舍']) await Dorm.create({ name });
  for (const [key, p] of Object.entries(DORM_PEOPLE) as [DormWho, (typeof DORM_PEOPLE)[DormWho]][]) {
    const s = await Staff.create({ name: p.name, phone: p.phone, roles: [...p.roles], dorm: p.dorm });
    out[key] = String(s._id);
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

/** 2026-11-27 at hh:mm in Shanghai; `day` 28 for the small hours after. */
export const sh = (hhmm: string, day = 27): Date => new Date(`2026-11-${day}T${hhmm}:00+08:00`);

/** 陈队长 leads 城南宿舍 and 刘队长 城北宿舍; 东区宿舍 has nobody. */
export async function seedLeaders(ids: Record<DormWho, string>): Promise<void> {
  const { DormLeader } = await import('../../handlers/dorms/models.ts');
  const by = { staffId: ids.xingzheng, name: '钱行政' };
  await DormLeader.create({
    _id: `城南宿舍:${ids.chen}`,
    dorm: '城南宿舍',
    staffId: ids.chen,
    name: '陈队长',
    assignedBy: by,
    assignedAt: new Date(),
  });
  await DormLeader.create({
    _id: `城北宿舍:${ids.liu}`,
    dorm: '城北宿舍',
    staffId: ids.liu,
    name: '刘队长',
    assignedBy: by,
    assignedAt: new Date(),
  });
}
