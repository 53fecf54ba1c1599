import type { StaffContext } from '../../src/core/context.ts';
import { Permit, Trip } from './models.ts';
import { ACCIDENT_HANDLERS, today } from './rules.ts';

/*
 * Which trip commands make sense for a person now, for 帮助's list only: the commands themselves
 * still check and say why (§3.4.2 only permit holders drive).
 */

/** 出车: a permit valid today (not revoked, not expired). */
export async function holdsValidPermit(ctx: StaffContext): Promise<boolean> {
  const staffId = ctx.sender.staffId;
  if (!staffId) return false;
  const day = today(ctx.services.now(), ctx.services.config.timezone);
  return (await Permit.exists({ 'holder.staffId': staffId, status: 'active', expiresOn: { $gte: day } })) !== null;
}

/** 收车: a trip of theirs is under way. */
export async function onTrip(ctx: StaffContext): Promise<boolean> {
  const staffId = ctx.sender.staffId;
  return !!staffId && (await Trip.exists({ 'driver.staffId': staffId, status: 'open' })) !== null;
}

/** The rest of a driver's commands (出车报销, 事故报备, 班车完成…): a 司机, or someone who holds or held a permit. */
export async function drives(ctx: StaffContext): Promise<boolean> {
  if (ctx.sender.roles.has('driver')) return true;
  const staffId = ctx.sender.staffId;
  return !!staffId && (await Permit.exists({ 'holder.staffId': staffId })) !== null;
}

/** 出车记录, 准驾证, 事故: a driver's own, or 综合部 looking after every vehicle. */
export async function drivesOrManages(ctx: StaffContext): Promise<boolean> {
  return ctx.sender.roles.has('general_affairs') || drives(ctx);
}

/** 事故: a driver's own accidents, or those who handle them. */
export async function seesAccidents(ctx: StaffContext): Promise<boolean> {
  return ACCIDENT_HANDLERS.some((r) => ctx.sender.roles.has(r)) || drives(ctx);
}
