import type { ChangeNote } from '../core/audit-trail.ts';
import { approvingRolesAdded, GRANT_CONFIRMERS, roleNames } from '../core/roles.ts';
import type { TableIssue } from '../core/table-file.ts';
import type { Role } from '../core/types.ts';
import { Staff } from '../models/index.ts';
import type { StaffInput } from './staff-input.ts';

/*
 * What a roster import may change of people (issue #20), and what it writes to the audit trail.
 * Once someone could confirm a grant in chat (an active 董事长 or 行政部 member), a roster gives
 * nobody an approving role (综合部, 财务部, 董事长, 行政部) and re-enables nobody who holds one: those
 * go through 设置角色 / 启用 and a second person's confirmation. Before that, while the bot is being
 * set up and nobody could confirm, the roster is how the first 行政部 and 董事长 get their roles.
 */

export type RosterSnapshot = {
  _id: unknown;
  phone: string;
  name: string;
  roles: string[];
  post: string;
  dorm: string;
  active: boolean;
  note: string;
  version?: number;
};

/** The approving roles a row would give (a new person's, an added one, or a re-enabled holder's). */
export function grantsOf(input: StaffInput, before: RosterSnapshot | undefined, columns: ReadonlySet<string>): Role[] {
  const active = columns.has('active') ? input.active : (before?.active ?? true);
  if (!active) return [];
  if (!before || (columns.has('active') && !before.active)) return approvingRolesAdded([], input.roles);
  return approvingRolesAdded(before.roles, input.roles);
}

/** What one row changes of a person, as audit notes. */
export function rowNotes(
  id: string,
  input: StaffInput,
  before: RosterSnapshot | undefined,
  set: Record<string, unknown>,
): ChangeNote[] {
  const about = { record: { type: 'staff', id, label: input.name }, subject: { staffId: id, name: input.name } };
  if (!before) {
    const to = [roleNames(input.roles), set.post, set.dorm, set.active === false ? '离职' : '']
      .filter(Boolean)
      .join('，');
    return [{ ...about, kind: 'staff', what: '添加人员', to, note: '花名册导入' }];
  }
  const notes: ChangeNote[] = [];
  if (!same(before.roles, input.roles))
    notes.push({
      ...about,
      kind: 'roles',
      what: '角色',
      from: roleNames(before.roles as Role[]),
      to: roleNames(input.roles),
      note: '花名册导入',
    });
  for (const [f, what] of [
    ['post', '驻点'],
    ['dorm', '宿舍'],
  ] as const) {
    if (f in set && !same(before[f], set[f]))
      notes.push({ ...about, kind: f, what, from: before[f] ?? '', to: String(set[f] ?? ''), note: '花名册导入' });
  }
  if ('active' in set && before.active !== set.active)
    notes.push({
      ...about,
      kind: 'active',
      what: set.active ? '启用' : '停用',
      from: before.active ? '在职' : '已停用',
      to: set.active ? '在职' : '已停用',
      note: '花名册导入',
    });
  if (before.name !== input.name)
    notes.push({ ...about, kind: 'staff', what: '姓名', from: before.name, to: input.name, note: '花名册导入' });
  if ('note' in set && !same(before.note, set.note))
    notes.push({
      ...about,
      kind: 'staff',
      what: '备注',
      from: before.note ?? '',
      to: String(set.note ?? ''),
      note: '花名册导入',
    });
  return notes;
}

/** Rows that would grant an approving role while someone could confirm it in chat: the import refuses them all. */
export async function refusedGrants(
  inputs: readonly StaffInput[],
  existing: ReadonlyMap<string, RosterSnapshot>,
  columns: ReadonlySet<string>,
  rows: readonly number[] | undefined,
): Promise<TableIssue[]> {
  if (!(await Staff.exists({ active: true, roles: { $in: [...GRANT_CONFIRMERS] } }))) return [];
  return inputs.flatMap((input, i) => {
    const before = existing.get(input.phone);
    const granted = grantsOf(input, before, columns);
    if (!granted.length) return [];
    const row = rows?.[i];
    const where = row === undefined ? `${input.name}（${input.phone}）` : `第 ${row} 行`;
    const keep = before ? `保留此人现有的角色（${roleNames(before.roles as Role[])}）` : '先不填这些角色';
    return [
      {
        row,
        message: `${where}：${input.name} 将获得${roleNames(granted)}。审批角色须在聊天里用「设置角色」发起，由董事长或另一位行政部成员确认，不能用花名册授予：请在表里${keep}后重新导入`,
      },
    ];
  });
}

export function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  return (a ?? '') === (b ?? '');
}
