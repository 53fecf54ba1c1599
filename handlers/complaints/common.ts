import { actor } from '../../src/core/audit.ts';
import type { Services, StaffContext } from '../../src/core/context.ts';
import { formatDateTime } from '../../src/core/numbering.ts';
import { echo, maskPhone } from '../../src/core/text.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import type { Role } from '../../src/core/types.ts';
import { complaintDue } from './due.ts';
import { Complaint, type ComplaintRecord, type FollowUp, type Person } from './models.ts';
import { nextCheckAt, parseComplaintNumber } from './rules.ts';
import { complaintSettings } from './settings.ts';

export type { FollowUp, Person };

export async function loadComplaint(id: string): Promise<ComplaintRecord | null> {
  return Complaint.findById(id).lean<ComplaintRecord>();
}

export const has = (ctx: StaffContext) => (role: Role) => ctx.hasRole(role);

/**
 * Finds the complaint named by the first word of `args` (受理编号); answers the person itself when
 * the number is missing, malformed or unknown. Returns the rest of the text too.
 */
export async function findComplaint(
  ctx: StaffContext,
  args: string,
  example: string,
): Promise<{ c: ComplaintRecord; rest: string } | undefined> {
  const [first = '', ...rest] = args.trim().split(/\s+/);
  const id = parseComplaintNumber(first);
  if (!id) {
    await ctx.reply(
      first
        ? `「${echo(first)}」不是受理编号，编号形如 TS-20261127-003。例如：${example}`
        : `请写明受理编号，例如：${example}`,
    );
    return undefined;
  }
  const c = await loadComplaint(id);
  if (!c) {
    await ctx.reply(`没有找到投诉 ${id}，请检查编号。发送「投诉列表」查看最近的投诉。`);
    return undefined;
  }
  // keep the lines of a one-message form (`字段: 值`) as they were typed
  const restText = args
    .trim()
    .slice(first.length)
    .replace(/^[ \t]+/, '');
  return { c, rest: rest.length ? restText : '' };
}

/** The complaint named by a card button's value, or a toast saying it is gone. */
export async function complaintFromAction(ctx: StaffContext): Promise<ComplaintRecord | undefined> {
  const id = ctx.action?.value.id ?? '';
  const c = parseComplaintNumber(id) ? await loadComplaint(parseComplaintNumber(id)!) : null;
  if (!c) await ctx.toast('找不到这件投诉，可能编号有误。');
  return c ?? undefined;
}

/** Client phones: in full only in private chats to 客服部 and 人防部 (they call the client back). */
export function mayseeClientPhone(ctx: Pick<StaffContext, 'chat' | 'hasRole'>): boolean {
  return !ctx.chat.isGroup && ctx.hasRole('customer_service', 'guard_ops');
}

export function phoneFor(phone: string, full: boolean): string {
  if (!phone) return '未留';
  return full ? phone : maskPhone(phone);
}

export function fmt(services: Pick<Services, 'config'>, at: Date | null | undefined): string {
  return at ? formatDateTime(new Date(at), services.config.timezone) : '';
}

/** Registered in the bot well after the client complained (补登): shown so nobody mistakes the dates. */
export function isLate(c: Pick<ComplaintRecord, 'acceptedAt' | 'registeredAt'>): boolean {
  return !!c.registeredAt && new Date(c.registeredAt).getTime() - new Date(c.acceptedAt).getTime() > 60_000;
}

/**
 * Applies one step to the case exactly once (core/transition): the change, a history entry, and
 * the sweep's next check time recomputed from the new state. A loser is told who acted first.
 */
export async function applyStep(
  ctx: StaffContext,
  c: ComplaintRecord,
  set: Partial<ComplaintRecord>,
  action: string,
  detail = '',
  push: Record<string, unknown> = {},
): Promise<boolean> {
  const after: ComplaintRecord = { ...c, ...set };
  const entry = { at: ctx.services.now(), by: actor(ctx), action, detail };
  const $set = { ...set, nextCheckAt: nextCheckAt(after, complaintSettings.of(ctx.services.config).remindBeforeHours) };
  // even when unchanged: the sweep may have consumed the old key while this step raced it
  await complaintDue.add(c._id, $set.nextCheckAt, ctx.services.now());
  const won = await transition(
    Complaint,
    c._id,
    c.version,
    { $set, $push: { history: entry, ...push } },
    ctx.sender.identity,
  );
  if (!won) await tellLoser(ctx, c._id, c.version);
  return won;
}

/** Someone else changed the case first: say who and what, change nothing. */
export async function tellLoser(ctx: StaffContext, id: string, fromVersion: number): Promise<void> {
  const now = await readAfterTransition(Complaint, id, fromVersion);
  const last = now?.history.at(-1);
  if (last && !last.by.staffId) {
    // the time-limit sweep changed the case at that moment: nothing was done twice, the action was just not saved
    await ctx.toast(`系统刚更新了这件投诉（${last.action}），你的操作没有保存。请发送「投诉 ${id}」查看后重新操作。`);
    return;
  }
  const who = last ? `${last.by.name} 已在 ${fmt(ctx.services, last.at)}「${last.action}」` : '别人刚刚处理了';
  await ctx.toast(`${who}，你的这次操作没有重复执行。发送「投诉 ${id}」查看最新情况。`);
}

/** Replies with a rule's refusal; true when refused. */
export async function refused(ctx: StaffContext, verdict: { ok: true } | { ok: false; why: string }): Promise<boolean> {
  if (verdict.ok) return false;
  await ctx.toast(verdict.why);
  return true;
}
