import { ROLES, type Role } from './types.ts';

/** The rulebook's departments and titles, as the rulebook names them (docs/architecture.md). */
export const ROLE_LABELS: Record<Role, string> = {
  guard: '队员',
  team_leader: '队长',
  driver: '司机',
  general_affairs: '综合部',
  finance: '财务部',
  chairman: '董事长',
  customer_service: '客服部',
  guard_ops: '人防部',
  admin: '行政部',
};

/**
 * Roles that approve or control something of someone else's (reimbursement steps, permits,
 * payouts, staff and roles): granting one needs a second person's confirmation (issue #20).
 */
export const APPROVING_ROLES: readonly Role[] = ['general_affairs', 'finance', 'chairman', 'admin'];

/** Who may confirm a grant of an approving role: 董事长, or a 行政部 member other than the requester. */
export const GRANT_CONFIRMERS: readonly Role[] = ['chairman', 'admin'];

/** The approving roles `after` has and `before` had not. */
export function approvingRolesAdded(before: readonly string[], after: readonly string[]): Role[] {
  return APPROVING_ROLES.filter((r) => after.includes(r) && !before.includes(r));
}

/** Words people actually type for each role, in rosters and in chat. */
const ROLE_WORDS: Record<string, Role> = {
  队员: 'guard',
  保安: 'guard',
  保安员: 'guard',
  guard: 'guard',
  队长: 'team_leader',
  班长: 'team_leader',
  team_leader: 'team_leader',
  司机: 'driver',
  driver: 'driver',
  综合部: 'general_affairs',
  综合: 'general_affairs',
  general_affairs: 'general_affairs',
  财务部: 'finance',
  财务: 'finance',
  finance: 'finance',
  董事长: 'chairman',
  chairman: 'chairman',
  客服部: 'customer_service',
  客户服务部: 'customer_service',
  客服: 'customer_service',
  customer_service: 'customer_service',
  人防部: 'guard_ops',
  人防: 'guard_ops',
  guard_ops: 'guard_ops',
  行政部: 'admin',
  行政: 'admin',
  管理员: 'admin',
  admin: 'admin',
};

export function parseRole(word: string): Role | undefined {
  return ROLE_WORDS[word.trim().toLowerCase()] ?? ROLE_WORDS[word.trim()];
}

/** Splits "队长、司机" / "队长,司机" / "队长 司机" into roles; unknown words come back separately. */
export function parseRoles(text: string): { roles: Role[]; unknown: string[] } {
  const roles = new Set<Role>();
  const unknown: string[] = [];
  for (const w of text.split(/[、,，/;；\s]+/).filter(Boolean)) {
    const r = parseRole(w);
    if (r) roles.add(r);
    else unknown.push(w);
  }
  return { roles: ROLES.filter((r) => roles.has(r)), unknown };
}

export function roleNames(roles: readonly Role[]): string {
  return roles.map((r) => ROLE_LABELS[r]).join('、') || '无';
}

/** The one result of a permission or precondition check: allowed, or why not (shown to the person). */
export type Verdict = { ok: true } | { ok: false; why: string };
export const allowed: Verdict = { ok: true };
export const denied = (why: string): Verdict => ({ ok: false, why });
