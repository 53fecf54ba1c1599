import { DateTime } from 'luxon';
import type { StaffContext } from '../../src/core/context.ts';
import { resolveDate } from '../../src/core/dates.ts';
import { formatFen, parsePaymentMethod } from '../../src/core/money.ts';
import { formatDateTime, parseRecordNumber } from '../../src/core/numbering.ts';
import { echo, typedTail } from '../../src/core/text.ts';
import { transition } from '../../src/core/transition.ts';
import type { Role } from '../../src/core/types.ts';
import { OnceKey } from '../../src/models/index.ts';
import { type Decision, mayDecide, nextStep, parseClaimNo, rejectionReasonProblem } from './approval.ts';
import { approvalCard, claimCard, decidedCard, rejectReasonCard } from './cards.ts';
import { loadClaim, notifyStep, tellClaimant, updateStepCards } from './chain.ts';
import { releaseHolds } from './claim-checks.ts';
import { claimsDecided, claimsPaid, claimsPending, reimbursementDue } from './due.ts';
import { serialKeys } from './items.ts';
import { ReimbursementClaim } from './models.ts';
import { companionsUnconfirmed, payoutDateProblem } from './rules.ts';
import { reimbursementSettings } from './settings.ts';

const HOUR = 3600_000;
const ACTS: Record<string, string> = { approved: '批准', rejected: '驳回', paid: '发放', withdrawn: '撤回' };

interface DecisionInput {
  no: string;
  decision: Decision;
  reason?: string;
  payment?: { date: string; method: string };
  /** The claim version the clicked card was made from; a newer claim means someone already decided. */
  cardVersion?: number;
}

/** Who moved the claim on from `fromVersion`: every transition appends exactly one history entry. */
async function whoDecided(no: string, fromVersion: number, tz: string): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const claim = await loadClaim(no);
    // a companion's answer (§3.5.3) moves the version too, but decides no step
    const h = claim?.history.slice(fromVersion + 1).find((x) => x.action !== 'companion');
    if (h)
      return `报销单 ${no} 的「${h.step}」已由 ${h.byName} 于 ${formatDateTime(h.at, tz)} ${ACTS[h.action] ?? h.action}，无需重复操作。`;
    // the winner has claimed the version and is writing it
    await new Promise((r) => setTimeout(r, 25));
  }
  return `报销单 ${no} 刚刚已由他人处理，发送「报销单 ${no}」查看。`;
}

/**
 * One decision on the current step (§3.5.1): checked by the pure rules, applied exactly once with
 * transition() (a double click or two approvers at once: one wins, the other is told who), then every
 * copy of the step's card is updated, the next step's approvers notified and the claimant told.
 */
export async function decide(ctx: StaffContext, input: DecisionInput): Promise<boolean> {
  const { services } = ctx;
  const tz = services.config.timezone;
  const claim = await loadClaim(input.no);
  if (!claim) {
    await ctx.toast(`没有找到报销单 ${input.no}，请核对编号。`);
    return false;
  }
  if (
    input.cardVersion !== undefined &&
    claim.version !== input.cardVersion &&
    !onlyCompanionsSince(claim, input.cardVersion)
  ) {
    await ctx.toast(await whoDecided(claim._id, input.cardVersion, tz));
    return false;
  }
  const check = mayDecide(
    { ...claim, status: claim.status },
    { staffId: ctx.sender.staffId, roles: ctx.sender.roles },
    input.decision,
  );
  if (!check.ok) {
    const last = claim.history.at(-1);
    const after =
      last && last.action !== 'submitted' && claim.status === 'pending'
        ? `（上一步「${last.step}」已由 ${last.byName} ${ACTS[last.action]}）`
        : '';
    await ctx.toast(check.why + after);
    return false;
  }
  // §3.5.3 二人及以上同行: 综合部 passes a group trip once every staff companion confirmed it
  const companions =
    input.decision === 'approve' && claim.steps[claim.stepIndex]?.role === 'general_affairs'
      ? companionsUnconfirmed(claim.companionChecks ?? [])
      : undefined;
  if (companions) {
    await ctx.toast(companions);
    return false;
  }
  if (input.decision === 'reject') {
    const problem = rejectionReasonProblem(input.reason);
    if (problem) {
      await ctx.toast(`${problem}例如：驳回 ${claim._id} 票据缺少接洽人签字`);
      return false;
    }
  }

  const now = services.now();
  if (input.payment) {
    // checked against the claim read here, whichever way the payout came (command or card)
    const problem = payoutDateProblem(input.payment.date, claim.submittedAt, now, tz);
    if (problem) {
      await ctx.toast(`${problem}没有登记发放。`);
      return false;
    }
  }
  const idx = claim.stepIndex;
  const step = claim.steps[idx]!;
  const next = nextStep({ ...claim, status: claim.status }, input.decision);
  const done = input.decision === 'reject' ? 'rejected' : input.decision === 'pay' ? 'paid' : 'approved';
  const reason = input.reason?.trim() || null;
  const steps = claim.steps.map((s, i) => {
    if (i === idx)
      return {
        ...s,
        status: done,
        by: ctx.sender.staffId ?? ctx.sender.identity,
        byName: ctx.sender.name,
        at: now,
        reason,
      };
    if (i === next.stepIndex && next.status === 'pending') return { ...s, status: 'pending' };
    return s;
  });
  const payment = input.payment
    ? {
        date: input.payment.date,
        method: input.payment.method,
        by: ctx.sender.staffId ?? null,
        byName: ctx.sender.name,
        at: now,
      }
    : undefined;
  const remindAt =
    next.status === 'pending'
      ? new Date(now.getTime() + reimbursementSettings.of(services.config).remindAfterHours * HOUR)
      : null;
  await Promise.all([
    reimbursementDue.add(claim._id, remindAt, now),
    claimsDecided.add(DateTime.fromJSDate(now, { zone: tz }).toISODate()!, claim._id),
    payment ? claimsPaid.add(payment.date, claim._id) : undefined,
  ]);
  const won = await transition(
    ReimbursementClaim,
    claim._id,
    claim.version,
    {
      $set: {
        steps,
        stepIndex: next.stepIndex,
        status: next.status,
        currentRole: next.role,
        stepSince: now,
        remindAt,
        ...(payment ? { payment, paidOn: payment.date } : {}),
      },
      $push: {
        history: {
          at: now,
          by: ctx.sender.staffId ?? ctx.sender.identity,
          byName: ctx.sender.name,
          action: done,
          step: step.label,
          note: reason ?? (payment ? `${payment.method}，付款日期 ${payment.date}` : ''),
        },
      },
    },
    ctx.sender.identity,
  );
  if (!won) {
    // a companion answering at the same moment moved the version: decide again on the fresh claim
    const fresh = await loadClaim(claim._id);
    if (fresh && fresh.version > claim.version && onlyCompanionsSince(fresh, claim.version))
      return decide(ctx, { ...input, cardVersion: undefined });
    await ctx.toast(await whoDecided(claim._id, claim.version, tz));
    return false;
  }
  if (next.status !== 'pending') await claimsPending.remove(claim._id);
  ctx.log.info({ claim: claim._id, step: step.key, decision: input.decision }, 'reimbursement decision');
  if (input.decision === 'reject') {
    // a rejected claim pays nothing: its tickets may be claimed again on the corrected claim
    await OnceKey.deleteMany({ _id: { $in: serialKeys(claim.items.flatMap((it) => it.serials)) }, by: claim._id });
    await releaseHolds(claim._id, claim.holds ?? []);
  }

  const updated = await updateStepCards(services, claim._id, step.key);
  const fresh = (await loadClaim(claim._id))!;
  if (ctx.can.updatesCards && ctx.action?.messageId && !updated.includes(ctx.action.messageId)) {
    await ctx.updateCard(decidedCard(fresh, step.key, tz));
  }

  let toActor: string;
  if (next.status === 'pending') {
    const nextLabel = fresh.steps[next.stepIndex]!.label;
    const reached = await notifyStep(services, fresh);
    await tellClaimant(
      services,
      fresh,
      `你的报销单 ${fresh._id}（${formatFen(fresh.total)}）已通过「${step.label}」（${ctx.sender.name}），下一步：${nextLabel}。`,
    );
    toActor = `已批准 ${fresh._id}（${step.label}）${reached ? `，已通知「${nextLabel}」` : `。注意：暂时没有可处理「${nextLabel}」的人员，请联系行政部`}。`;
  } else if (next.status === 'rejected') {
    await tellClaimant(
      services,
      fresh,
      `你的报销单 ${fresh._id}（${formatFen(fresh.total)}）在「${step.label}」被 ${ctx.sender.name} 驳回。\n原因：${reason}\n修改后可发送「重新报销 ${fresh._id}」更正再报。`,
    );
    toActor = `已驳回 ${fresh._id}，已告知申请人 ${fresh.claimantName}。`;
  } else {
    await tellClaimant(
      services,
      fresh,
      `你的报销单 ${fresh._id} 已发放 ${formatFen(fresh.total)}：${payment!.method}，付款日期 ${payment!.date}（${ctx.sender.name}）。`,
    );
    toActor = `已登记 ${fresh._id} 发放 ${formatFen(fresh.total)}，已告知申请人 ${fresh.claimantName}。`;
  }
  await ctx.toast(toActor);
  return true;
}

/** Whether only companions answered (§3.5.3) since version `v`: a card made at `v` still shows the step to decide. */
function onlyCompanionsSince(claim: { history: readonly { action: string }[]; version: number }, v: number): boolean {
  return v < claim.version && claim.history.slice(v + 1).every((h) => h.action === 'companion');
}

function cardVersion(ctx: StaffContext): number | undefined {
  const v = ctx.action?.value.v;
  return v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
}

async function numberOrHint(ctx: StaffContext, example: string): Promise<string | undefined> {
  const no = ctx.action?.value.no ?? parseClaimNo(ctx.args);
  if (!no) await ctx.reply(`请写明报销单编号，例如：${example}\n发送「待审批」查看等你处理的报销单。`);
  return no;
}

/** 批准 <编号> / card button 批准 */
export async function approve(ctx: StaffContext): Promise<void> {
  const no = await numberOrHint(ctx, '批准 BX-20261127-001');
  if (!no) return;
  const version = cardVersion(ctx);
  if (version === undefined) {
    // two steps in a row for one role (§3.5.2 特批 then 审核, §3.5.4 批示 then 批准): a typed 批准 sent
    // twice must not pass both, so it only shows the step's card, whose numbered button names the step
    const claim = await loadClaim(no);
    const step = claim?.steps[claim.stepIndex];
    const prev = claim?.steps[claim.stepIndex - 1];
    if (
      claim?.status === 'pending' &&
      step &&
      prev &&
      prev.role === step.role &&
      ctx.sender.roles.has(step.role as Role)
    ) {
      await ctx.reply(approvalCard(claim, ctx.services.config.timezone));
      return;
    }
  }
  await decide(ctx, { no, decision: 'approve', cardVersion: version });
}

/** 驳回 <编号> <原因> */
export async function rejectCommand(ctx: StaffContext): Promise<void> {
  const no = await numberOrHint(ctx, '驳回 BX-20261127-001 票据缺少接洽人签字');
  if (!no) return;
  const reason = typedTail(ctx.event.text ?? '', parseRecordNumber('BX', ctx.args)?.rest ?? ctx.args);
  await decide(ctx, { no, decision: 'reject', reason });
}

/** Card button 驳回: Lark turns the clicker's card into a reason form; text channels say what to send. */
export async function rejectAsk(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? '';
  const claim = await loadClaim(no);
  if (!claim) {
    await ctx.toast(`没有找到报销单 ${no}。`);
    return;
  }
  const v = cardVersion(ctx);
  if (v !== undefined && v !== claim.version && !onlyCompanionsSince(claim, v)) {
    await ctx.toast(await whoDecided(no, v, ctx.services.config.timezone));
    return;
  }
  const check = mayDecide(
    { ...claim, status: claim.status },
    { staffId: ctx.sender.staffId, roles: ctx.sender.roles },
    'reject',
  );
  if (!check.ok) {
    await ctx.toast(check.why);
    return;
  }
  if (!ctx.can.formCards) {
    await ctx.reply(`驳回必须写明原因，请发送：驳回 ${no} 原因\n例如：驳回 ${no} 票据缺少接洽人签字`);
    return;
  }
  await ctx.updateCard(rejectReasonCard(claim, ctx.services.config.timezone));
}

/** The reason form (Lark) was submitted. */
export async function rejectFromCard(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? '';
  const reason = (ctx.action?.form?.reason ?? '').trim();
  const problem = rejectionReasonProblem(reason);
  if (problem) {
    const claim = await loadClaim(no);
    if (claim && claim.status === 'pending')
      await ctx.updateCard(rejectReasonCard(claim, ctx.services.config.timezone, problem));
    await ctx.toast(problem);
    return;
  }
  await decide(ctx, { no, decision: 'reject', reason, cardVersion: cardVersion(ctx) });
}

/** Card button 返回: the reason form goes back to the approval card (or the record, once decided). */
export async function showOnCard(ctx: StaffContext): Promise<void> {
  const claim = await loadClaim(ctx.action?.value.no ?? '');
  if (!claim) {
    await ctx.toast('没有找到这张报销单。');
    return;
  }
  const tz = ctx.services.config.timezone;
  await ctx.updateCard(claim.status === 'pending' ? approvalCard(claim, tz) : claimCard(claim, tz));
}

/** Payment method and date from free text (`银行转账 2026-11-27`, any order; date defaults to today). */
export function parsePayment(
  text: string,
  now: Date,
  tz: string,
): { date: string; method: string } | { error: string } {
  let method: string | undefined;
  let date: string | undefined;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const m = parsePaymentMethod(word);
    if (m) {
      method = m;
      continue;
    }
    const d = resolveDate(word, now, tz);
    if (d) {
      date = d;
      continue;
    }
    return { error: `「${echo(word)}」看不懂：付款方式写 现金、银行转账、微信 或 支付宝，付款日期写 2026-11-27。` };
  }
  if (!method) return { error: '请写明付款方式：现金、银行转账、微信 或 支付宝。' };
  date ??= resolveDate('今天', now, tz)!;
  // whether the date may be the payout's (not in the future, not before submission) is decide's: payoutDateProblem
  return { date, method };
}

/** 发放 <编号> <付款方式> [付款日期] */
export async function payCommand(ctx: StaffContext): Promise<void> {
  const no = await numberOrHint(ctx, '发放 BX-20261127-001 银行转账');
  if (!no) return;
  const rest = parseRecordNumber('BX', ctx.args)?.rest ?? ctx.args.trim();
  const p = parsePayment(rest, ctx.services.now(), ctx.services.config.timezone);
  if ('error' in p) {
    await ctx.reply(
      `${p.error}\n例如：发放 ${no} 银行转账 ${resolveDate('今天', ctx.services.now(), ctx.services.config.timezone)}`,
    );
    return;
  }
  await decide(ctx, { no, decision: 'pay', payment: p, cardVersion: undefined });
}

/** The payout form card (Lark) was submitted: a method or date refused is shown under its field. */
export async function payFromCard(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? '';
  const form = ctx.action?.form ?? {};
  const now = ctx.services.now();
  const tz = ctx.services.config.timezone;
  const p = parsePayment(`${form.method ?? ''} ${form.date ?? ''}`.trim(), now, tz);
  const claim = await loadClaim(no);
  const error = 'error' in p ? p.error : claim ? payoutDateProblem(p.date, claim.submittedAt, now, tz) : undefined;
  if ('error' in p || error) {
    if (claim?.status === 'pending' && claim.steps[claim.stepIndex]?.key === 'payout') {
      const card = approvalCard(claim, tz);
      card.form!.fields[0]!.value = form.method;
      card.form!.fields[1]!.value = form.date;
      const field = 'error' in p && !(form.method && parsePaymentMethod(form.method)) ? 0 : 1;
      card.form!.fields[field]!.error = error;
      await ctx.updateCard(card);
    }
    await ctx.toast(error!);
    return;
  }
  await decide(ctx, { no, decision: 'pay', payment: p, cardVersion: cardVersion(ctx) });
}
