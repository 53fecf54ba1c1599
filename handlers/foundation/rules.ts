import {
  allowed,
  approvingRolesAdded,
  denied,
  GRANT_CONFIRMERS,
  roleNames,
  type Verdict,
} from '../../src/core/roles.ts';
import { isSubject, ownCaseRefusal } from '../../src/core/subject.ts';
import type { Role } from '../../src/core/types.ts';

/*
 * Who may change whose roles and status (issue #20, "roles granted silently"), as pure functions:
 * the handlers read the records, ask these, then write. DOMAIN.md: 行政部 manages staff, roles and
 * posts; a person can hold several roles. The controls:
 *  - nobody changes their own roles or disables themselves;
 *  - granting an approving role (综合部, 财务部, 董事长, 行政部; APPROVING_ROLES) waits for a second
 *    person's confirmation: 董事长, or another 行政部 member — never the requester nor the subject;
 *    re-enabling someone whose record holds an approving role restores it, so it waits the same way;
 *  - removals apply at once (they take power away; 董事长 and the other 行政部 members are told),
 *    except that the last active 行政部 member keeps 行政部 and stays enabled: otherwise nobody could
 *    manage staff at all.
 */

export interface Someone {
  staffId?: string;
  identity: string;
  roles: ReadonlySet<Role>;
}

export interface StaffState {
  staffId: string;
  name: string;
  roles: readonly string[];
  active: boolean;
}

/** 设置角色: whether `actor` may set `staff`'s roles to `after` (before any confirmation). `otherAdmins`: active 行政部 members besides `staff`. */
export function roleChangeProblem(
  actor: Pick<Someone, 'staffId'>,
  staff: StaffState,
  after: readonly Role[],
  otherAdmins: number,
): string | undefined {
  if (isSubject(actor.staffId, [staff.staffId]))
    return ownCaseRefusal({ as: `${staff.name}本人`, doing: '修改自己的角色', instead: '另一位行政部成员' });
  if (sameRoles(staff.roles, after)) return `${staff.name} 的角色已经是：${roleNames(after)}，没有修改。`;
  if (staff.roles.includes('admin') && !after.includes('admin') && staff.active && otherAdmins === 0) {
    return `${staff.name} 是最后一位在职的行政部成员，不能去掉行政部：请先让另一人成为行政部（须确认），再修改。`;
  }
  return undefined;
}

/** 停用 / 启用: whether `actor` may set `staff` active or not. */
export function activeChangeProblem(
  actor: Pick<Someone, 'staffId'>,
  staff: StaffState,
  active: boolean,
  otherAdmins: number,
): string | undefined {
  if (staff.active === active) return active ? `${staff.name} 本来就是在职状态。` : `${staff.name} 已经停用了。`;
  if (isSubject(actor.staffId, [staff.staffId]))
    return ownCaseRefusal({ as: `${staff.name}本人`, doing: '停用自己', instead: '另一位行政部成员' });
  if (!active && staff.roles.includes('admin') && otherAdmins === 0)
    return `${staff.name} 是最后一位在职的行政部成员，不能停用：请先让另一人成为行政部（须确认）。`;
  return undefined;
}

/** The approving roles a change gives that the person does not hold now: these wait for confirmation. */
export function grantsNeedingConfirmation(
  staff: Pick<StaffState, 'roles' | 'active'>,
  change: { roles?: readonly Role[]; active?: boolean },
): Role[] {
  if (change.roles) return approvingRolesAdded(staff.active ? staff.roles : [], change.roles);
  // 启用 gives back every role the record holds
  if (change.active && !staff.active) return approvingRolesAdded([], staff.roles);
  return [];
}

export interface GrantRequestState {
  _id: string;
  status: 'pending' | 'confirmed' | 'refused' | 'void';
  staffId: string;
  requestedBy: { staffId: string; identity: string };
}

/** Who may confirm (or refuse) a grant: 董事长 or 行政部, and neither the requester nor the person it is for. */
export function mayConfirmGrant(req: GrantRequestState, actor: Someone): Verdict {
  if (!GRANT_CONFIRMERS.some((r) => actor.roles.has(r))) return denied('只有董事长或行政部成员可以确认角色授权。');
  const requester =
    (actor.staffId && actor.staffId === req.requestedBy.staffId) || actor.identity === req.requestedBy.identity;
  if (requester) return denied(`授权 ${req._id} 是你发起的，须由董事长或另一位行政部成员确认。`);
  if (isSubject(actor.staffId, [req.staffId]))
    return denied(
      ownCaseRefusal({
        as: `授权 ${req._id} 的授予对象`,
        doing: '确认给自己的授权',
        instead: '董事长或另一位行政部成员',
      }),
    );
  if (req.status !== 'pending') return denied(`授权 ${req._id} 已${GRANT_STATUS_LABELS[req.status]}，不用再处理。`);
  return allowed;
}

export const GRANT_STATUS_LABELS: Record<GrantRequestState['status'], string> = {
  pending: '待确认',
  confirmed: '确认生效',
  refused: '被拒绝',
  void: '作废',
};

export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}

/** QX-20261127-001 (权限), typed in any case. */
export const GRANT_NO_RE = /\bQX-\d{8}-\d{3,}\b/i;
export function parseGrantNo(text: string): string | undefined {
  return GRANT_NO_RE.exec(text)?.[0].toUpperCase();
}
