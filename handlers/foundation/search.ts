import type { SearchSource } from '../../src/core/reporting.ts';
import { roleNames } from '../../src/core/roles.ts';
import { maskPhone } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';

/**
 * Who 查找 shows a colleague's staff record to (name, roles, post, masked phone): everyone who
 * manages others' work. Guards and drivers find only their own. The full phone stays with 行政部
 * in a private chat, as on the staff card (人员 <姓名>).
 */
export const STAFF_FINDERS: readonly Role[] = [
  'team_leader',
  'general_affairs',
  'finance',
  'chairman',
  'customer_service',
  'guard_ops',
  'admin',
];

/** 查找 <姓名/手机号>: the staff record itself, above the person's records (read by `_id`). */
export const staffSearch: SearchSource = {
  kind: '人员',
  async find(ctx, query, _limit, before) {
    if (before || !query.people.length) return [];
    const mayAll = ctx.hasRole(...STAFF_FINDERS);
    const ids = query.people.map((p) => p.staffId).filter((id) => mayAll || id === ctx.sender.staffId);
    if (!ids.length) return [];
    // each by bare `_id`: `$in` on `_id` reads every staff record on FerretDB 1.24
    const staff = (await Promise.all(ids.map((id) => Staff.findById(id).lean()))).filter((s) => !!s);
    const fullPhone = !ctx.chat.isGroup && ctx.hasRole('admin');
    // a namesake is opened by phone, which only a private chat shows
    const byName = query.people.length === 1 || ctx.chat.isGroup;
    return staff.map((s) => ({
      at: new Date(s.updatedAt ?? 0),
      kind: '人员',
      pinned: true,
      line: [
        s.name,
        roleNames(s.roles as Role[]),
        s.post ? `@${s.post}` : '',
        fullPhone ? s.phone : maskPhone(s.phone),
        s.active ? '' : '（已停用）',
      ]
        .filter(Boolean)
        .join(' '),
      // 人员 is 行政部's; the person themselves reads their own record with 我是谁
      open:
        String(s._id) === ctx.sender.staffId
          ? '我是谁'
          : ctx.hasRole('admin')
            ? `人员 ${byName ? s.name : s.phone}`
            : undefined,
    }));
  },
};
