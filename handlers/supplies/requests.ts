import type { Services, StaffContext } from '../../src/core/context.ts';
import { type CardRef, notify, recipientsOf, updateCards } from '../../src/core/notify.ts';
import { formatDateTime, parseRecordNumber } from '../../src/core/numbering.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import { decidedRequestCard, refuseReasonCard, requestCard } from './cards.ts';
import { SupplyRequest, SupplyRequestCard, type SupplyRequestRecord } from './models.ts';
import { mayDecideRequest, parseRequestNo, type RequestStatus, refusalReasonProblem } from './rules.ts';

/*
 * §4.2 requests (申领): 综合部 approves or refuses each one on its card (Lark buttons; WeChat and the
 * console answer by number or command). transition() makes a double click or two 综合部 members at
 * once decide exactly once; every copy of the card is updated and the team leader is told.
 */

const load = async (no: string) => SupplyRequest.findById(no).lean<SupplyRequestRecord>();

function whoDecided(q: SupplyRequestRecord | null, no: string, tz: string): string {
  if (!q || q.status === 'pending' || !q.decidedAt) return `申领 ${no} 刚刚已由他人处理，发送「待批申领」查看。`;
  return `申领 ${no} 已由 ${q.decidedByName} 于 ${formatDateTime(q.decidedAt, tz)} ${q.status === 'approved' ? '批准' : '拒绝'}，无需重复操作。`;
}

function cardVersion(ctx: StaffContext): number | undefined {
  const v = ctx.action?.value.v;
  return v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
}

async function decide(ctx: StaffContext, no: string, decision: 'approved' | 'refused', reason?: string): Promise<void> {
  const tz = ctx.services.config.timezone;
  const q = await load(no);
  if (!q) {
    await ctx.toast(`没有找到申领 ${no}，请核对编号。`);
    return;
  }
  const seen = cardVersion(ctx);
  if (seen !== undefined && seen !== q.version) {
    await ctx.toast(whoDecided(await readAfterTransition(SupplyRequest, no, seen), no, tz));
    return;
  }
  const check = mayDecideRequest(
    { status: q.status as RequestStatus, requesterId: q.requesterId },
    { staffId: ctx.sender.staffId, roles: ctx.sender.roles },
  );
  if (!check.ok) {
    await ctx.toast(q.status === 'pending' ? check.why : whoDecided(q, no, tz));
    return;
  }
  if (decision === 'refused') {
    const problem = refusalReasonProblem(reason);
    if (problem) {
      await ctx.toast(`${problem}例如：拒绝申领 ${no} 本月已配发`);
      return;
    }
  }
  const fresh = await applyDecision(
    ctx.services,
    q,
    decision,
    { by: ctx.sender.staffId ?? ctx.sender.identity, byName: ctx.sender.name, identity: ctx.sender.identity },
    reason,
  );
  if (!fresh) {
    await ctx.toast(whoDecided(await readAfterTransition(SupplyRequest, no, q.version), no, tz));
    return;
  }
  ctx.log.info({ request: no, decision }, 'supply request decided');
  if (ctx.can.updatesCards && ctx.action?.messageId && !fresh.cardMessageIds.includes(ctx.action.messageId))
    await ctx.updateCard(decidedRequestCard(fresh.request, tz));
  await ctx.toast(
    decision === 'approved'
      ? `已批准 ${no}（${fresh.request.post} ${fresh.request.item} ${fresh.request.quantity}${fresh.request.unit}），已通知 ${fresh.request.requesterName}。`
      : `已拒绝 ${no}，已告知 ${fresh.request.requesterName}。`,
  );
}

/**
 * Decides a request read at `q.version` exactly once (transition): updates every copy of its card
 * and tells the leader. Undefined when someone else decided first.
 */
export async function applyDecision(
  services: Services,
  q: SupplyRequestRecord,
  decision: 'approved' | 'refused',
  who: { by: string; byName: string; identity: string },
  reason?: string,
): Promise<{ request: SupplyRequestRecord; cardMessageIds: string[] } | undefined> {
  const won = await transition(
    SupplyRequest,
    q._id,
    q.version,
    {
      $set: {
        status: decision,
        decidedBy: who.by,
        decidedByName: who.byName,
        decidedAt: services.now(),
        refuseReason: reason?.trim() || null,
      },
    },
    who.identity,
  );
  if (!won) return undefined;
  const fresh = (await load(q._id))!;
  const sent = await SupplyRequestCard.find({ requestNo: q._id }).lean();
  const refs: CardRef[] = sent.map((c) => ({
    channel: c.channel,
    userId: c.userId,
    messageId: c.messageId ?? undefined,
  }));
  await updateCards(services, refs, decidedRequestCard(fresh, services.config.timezone));
  await tellLeader(services, fresh);
  return { request: fresh, cardMessageIds: refs.flatMap((r) => (r.messageId ? [r.messageId] : [])) };
}

async function tellLeader(services: Services, q: SupplyRequestRecord): Promise<void> {
  const people = await recipientsOf(services, [{ id: q.requesterId, name: q.requesterName }]);
  const text =
    q.status === 'approved'
      ? `你的物资申领 ${q._id}（${q.item} ${q.quantity}${q.unit}）已由综合部 ${q.decidedByName} 批准，请按综合部安排领取。`
      : `你的物资申领 ${q._id}（${q.item} ${q.quantity}${q.unit}）被综合部 ${q.decidedByName} 拒绝。\n原因：${q.refuseReason}`;
  await notify(services, people, text);
}

async function numberOrHint(ctx: StaffContext, example: string): Promise<string | undefined> {
  const no = ctx.action?.value.no ?? parseRequestNo(ctx.args);
  if (!no) await ctx.reply(`请写明申领编号，例如：${example}\n发送「待批申领」查看等待审批的申领。`);
  return no;
}

/** 批准申领 <编号> / card button 批准 */
export async function approveRequest(ctx: StaffContext): Promise<void> {
  const no = await numberOrHint(ctx, '批准申领 WZ-20261127-001');
  if (no) await decide(ctx, no, 'approved');
}

/** 拒绝申领 <编号> <原因> */
export async function refuseCommand(ctx: StaffContext): Promise<void> {
  const no = await numberOrHint(ctx, '拒绝申领 WZ-20261127-001 本月已配发');
  if (no) await decide(ctx, no, 'refused', parseRecordNumber('WZ', ctx.args)?.rest ?? ctx.args.trim());
}

/** Card button 拒绝: Lark asks for the reason on the card; text channels say what to send. */
export async function refuseAsk(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? '';
  const q = await load(no);
  if (!q) {
    await ctx.toast(`没有找到申领 ${no}。`);
    return;
  }
  const check = mayDecideRequest(
    { status: q.status as RequestStatus, requesterId: q.requesterId },
    { staffId: ctx.sender.staffId, roles: ctx.sender.roles },
  );
  if (!check.ok) {
    await ctx.toast(q.status === 'pending' ? check.why : whoDecided(q, no, ctx.services.config.timezone));
    return;
  }
  if (!ctx.can.formCards) {
    await ctx.reply(`拒绝必须写明原因，请发送：拒绝申领 ${no} 原因\n例如：拒绝申领 ${no} 本月已配发`);
    return;
  }
  await ctx.updateCard(refuseReasonCard(q));
}

/** The reason form (Lark) was submitted. */
export async function refuseFromCard(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? '';
  const reason = (ctx.action?.form?.reason ?? '').trim();
  const problem = refusalReasonProblem(reason);
  if (problem) {
    const q = await load(no);
    if (q?.status === 'pending') await ctx.updateCard(refuseReasonCard(q, problem));
    await ctx.toast(problem);
    return;
  }
  await decide(ctx, no, 'refused', reason);
}

/** 待批申领: pending requests, oldest first, each as its card (the last one answers by number). */
export async function pendingRequests(ctx: StaffContext): Promise<void> {
  const pending = await SupplyRequest.find({ status: 'pending' })
    .sort({ requestedAt: 1 })
    .limit(20)
    .lean<SupplyRequestRecord[]>();
  if (!pending.length) {
    await ctx.reply('没有等待审批的物资申领。');
    return;
  }
  if (pending.length > 1)
    await ctx.reply(
      `等待审批的物资申领 ${pending.length} 项${pending.length === 20 ? '（只显示最早的 20 项）' : ''}：`,
    );
  for (const q of pending) {
    const sent = await ctx.reply(requestCard(q));
    // so this copy is updated too when someone decides from another one
    await SupplyRequestCard.create({
      requestNo: q._id,
      channel: ctx.channel,
      userId: ctx.event.userId,
      messageId: sent.messageId ?? null,
    });
  }
}
