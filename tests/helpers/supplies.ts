import { SupplyItem } from '../../handlers/supplies/models.ts';
import type { Channel, Role } from '../../src/core/types.ts';
import { Identity, Post, Staff } from '../../src/models/index.ts';

/** The people of the supplies tests: two team leaders, two 综合部 members, a guard. */
export const PEOPLE = {
  chen: { name: '陈队长', phone: '13900000003', roles: ['team_leader'] as Role[], post: '万达广场' },
  zhou: { name: '周队长', phone: '13900000007', roles: ['team_leader'] as Role[], post: '城南小区' },
  zhao: { name: '赵综合', phone: '13900000004', roles: ['general_affairs'] as Role[], post: '' },
  qian: { name: '钱综合', phone: '13900000005', roles: ['general_affairs'] as Role[], post: '' },
  zhang: { name: '张三', phone: '13800000001', roles: ['guard'] as Role[], post: '万达广场' },
} as const;
export type Who = keyof typeof PEOPLE;

/** Posts: 万达广场 and 城南小区 have leaders, 东湖公园 has none. */
export const POSTS = ['万达广场', '城南小区', '东湖公园'];

/** Creates posts, staff and (for `bound`, default everyone) their chat identities; returns staff ids. */
export async function seedPeople(
  channel: Channel,
  ids: Partial<Record<Who, string>> = {},
  bound?: Who[],
): Promise<Record<Who, string>> {
  for (const name of POSTS) await Post.create({ name });
  const out = {} as Record<Who, string>;
  for (const [key, p] of Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]) {
    const s = await Staff.create({ name: p.name, phone: p.phone, roles: [...p.roles], post: p.post });
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

/** Configured lists straight into the database (the tests of §4.2 start from them). */
export async function seedLists(lists: Record<string, [string, number, string][]>): Promise<void> {
  for (const [post, items] of Object.entries(lists)) {
    for (const [item, quantity, unit] of items) await SupplyItem.create({ post, item, quantity, unit });
  }
}

export const WANDA: [string, number, string][] = [
  ['对讲机', 6, '台'],
  ['手电筒', 8, '支'],
];
export const CHENGNAN: [string, number, string][] = [['对讲机', 4, '台']];

/** 09:00 in Shanghai on the 25th: the default report day and reminder time. */
export const REPORT_DAY = new Date('2026-11-25T01:00:00Z');
/** 17:00 in Shanghai on the 28th: the default summary day and time. */
export const SUMMARY_DAY = new Date('2026-11-28T09:00:00Z');
