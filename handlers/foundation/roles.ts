import { type ChangeNote, trailOf } from '../../src/core/audit-trail.ts';
import type { Services, StaffContext } from '../../src/core/context.ts';
import { notify, recipientsWithRole } from '../../src/core/notify.ts';
import { APPROVING_ROLES, GRANT_CONFIRMERS, roleNames } from '../../src/core/roles.ts';
import type { Role } from '../../src/core/types.ts';
import { requestGrant } from './grants.ts';
import { GrantRequest } from './models.ts';
import { activeChangeProblem, grantsNeedingConfirmation, roleChangeProblem } from './rules.ts';
import { applyToStaff, otherActiveAdmins, type StaffRow, staffRecord, state, subjectOf } from './staff-record.ts';

/*
 * Roles and 停用/启用 (issue #20): checked by rules.ts, written through transition() on the staff
 * record's version with their audit entries (staff-record.ts), and a grant of an approving role held
 * on a confirmation card until 董事长 or another 行政部 member confirms it (grants.ts).
 */

/** 董事长 and the other 行政部 members hear of approving roles taken away at once. */
async function tellOverseers(ctx: StaffContext, s: StaffRow, text: string): Promise<void> {
  const people = await recipientsWithRole(
    ctx.services,
    [...GRANT_CONFIRMERS],
    [ctx.sender.staffId ?? '', String(s._id)],
  );
  await notify(ctx.services, people, text);
}

/** 设置角色 for the person found: at once, or held for confirmation when it grants an approving role. */
export async function changeRoles(ctx: StaffContext, s: StaffRow, roles: Role[]): Promise<void> {
  const problem = roleChangeProblem(
    { staffId: ctx.sender.staffId },
    state(s),
    roles,
    await otherActiveAdmins(String(s._id)),
  );
  if (problem) {
    await ctx.reply(problem);
    return;
  }
  if (grantsNeedingConfirmation(state(s), { roles }).length) {
    await requestGrant(ctx, s, 'roles', roles);
    return;
  }
  const note: ChangeNote = {
    kind: 'roles',
    record: staffRecord(s),
    subject: subjectOf(s),
    what: '角色',
    from: roleNames(s.roles as Role[]),
    to: roleNames(roles),
  };
  if (!(await applyToStaff(trailOf(ctx), s, { roles }, [note], ctx.sender.identity))) {
    await ctx.reply(`${s.name} 的档案刚被别人修改过，没有保存，请重新发送。`);
    return;
  }
  ctx.log.info({ staffId: String(s._id), roles }, 'roles set');
  await ctx.reply(`已把 ${s.name} 的角色设为：${roleNames(roles)}`);
  const removed = APPROVING_ROLES.filter((r) => s.roles.includes(r) && !roles.includes(r));
  if (removed.length)
    await tellOverseers(
      ctx,
      s,
      `${ctx.sender.name} 已去掉 ${s.name} 的${roleNames(removed)}角色（现在：${roleNames(roles)}）。`,
    );
}

/**
 * 停用 / 启用 one person: refused for oneself and for the last 行政部 member; 启用 of someone whose
 * record holds an approving role waits for confirmation. Returns the answer to show.
 */
export async function changeActive(ctx: StaffContext, s: StaffRow, active: boolean): Promise<string> {
  const problem = activeChangeProblem(
    { staffId: ctx.sender.staffId },
    state(s),
    active,
    await otherActiveAdmins(String(s._id)),
  );
  if (problem) return problem;
  if (grantsNeedingConfirmation(state(s), { active }).length)
    return requestGrant(ctx, s, 'enable', s.roles as Role[], false);
  const note: ChangeNote = {
    kind: 'active',
    record: staffRecord(s),
    subject: subjectOf(s),
    what: active ? '启用' : '停用',
    from: s.active ? '在职' : '已停用',
    to: active ? '在职' : '已停用',
  };
  if (!(await applyToStaff(trailOf(ctx), s, { active }, [note], ctx.sender.identity)))
    return `${s.name} 的档案刚被别人修改过，没有保存，请重新发送。`;
  ctx.log.info({ staffId: String(s._id), active }, active ? 'staff enabled' : 'staff disabled');
  if (active) return `已启用 ${s.name}。`;
  const held = APPROVING_ROLES.filter((r) => s.roles.includes(r));
  if (held.length) await tellOverseers(ctx, s, `${ctx.sender.name} 已停用 ${s.name}（${roleNames(held)}）。`);
  return [`已停用 ${s.name}，此人将无法再使用机器人。`, ...(await holdingsText(ctx.services, s))].join('\n');
}

/** What a disabled person still holds, from every workflow (Workflow.staffHoldings), with how to hand it over. */
export async function holdingsText(services: Services, s: StaffRow): Promise<string[]> {
  const subject = {
    staffId: String(s._id),
    name: s.name,
    roles: s.roles as Role[],
    post: s.post ?? '',
    dorm: s.dorm ?? '',
    active: s.active,
  };
  const held = [];
  for (const ask of services.routes.staffHoldings ?? []) held.push(...(await ask(services, subject)));
  const asked = await GrantRequest.find({ staffId: String(s._id), status: 'pending' }, { _id: 1 }).lean();
  held.push(...asked.map((r) => ({ what: `待确认的角色授权 ${r._id}`, handover: `拒绝授权 ${r._id} 已离职` })));
  if (!held.length) return ['此人名下没有需要交接的事项。'];
  return [`${s.name} 名下还有这些事项，请指定接手的人：`, ...held.map((h) => `• ${h.what}\n  → ${h.handover}`)];
}
