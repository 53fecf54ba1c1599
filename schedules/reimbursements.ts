import { deciders } from '../handlers/reimbursements/chain.ts';
import { pendingReminders, reimbursementDue } from '../handlers/reimbursements/due.ts';
import { type ClaimRecord, ReimbursementClaim } from '../handlers/reimbursements/models.ts';
import { reimbursementSettings } from '../handlers/reimbursements/settings.ts';
import type { Services } from '../src/core/context.ts';
import { formatFen } from '../src/core/money.ts';
import { notify } from '../src/core/notify.ts';
import { takeOnce } from '../src/core/once.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';

const HOUR = 3600_000;

/**
 * A step waiting longer than REIMBURSE_REMIND_AFTER_HOURS reminds its approvers, then again after each
 * further period. Visits only the claims keyed as due (reimbursementDue: reads by `_id`, no scan of
 * all claims); each claim is read by `_id` and acted on only if it says so itself.
 */
export async function remindWaiting(deps: Services): Promise<void> {
  const now = deps.now();
  await reimbursementDue.sweep(now, (id) => remindOne(deps, id, now), { limit: 200, existing: pendingReminders });
}

async function remindOne(deps: Services, id: string, now: Date): Promise<Date | null> {
  const c = await ReimbursementClaim.findById(id).lean<ClaimRecord>();
  const step = c?.steps[c.stepIndex];
  // a stale key: decided, withdrawn, or its step changed (the change keyed its own reminder)
  if (!c || c.status !== 'pending' || !c.remindAt || !step) return null;
  const remindAt = new Date(c.remindAt);
  if (remindAt > now) return remindAt;
  const every = reimbursementSettings.of(deps.config).remindAfterHours * HOUR;
  // remindAt (set by the step change) is when the step first became overdue; the claim itself is
  // never written here (FerretDB writes whole documents, so a write could undo a decision)
  const period = Math.floor((now.getTime() - remindAt.getTime()) / every);
  // the next period's key before this one's reminder: a crash in between leaves an extra key
  await reimbursementDue.add(c._id, new Date(remindAt.getTime() + (period + 1) * every), now);
  // one reminder per step per period, however many instances run the job
  if (!(await takeOnce(`reimburse-remind:${c._id}:${c.stepIndex}:${period}`))) return null;
  const hours = Math.floor((now.getTime() - new Date(c.stepSince).getTime()) / HOUR);
  // only those who may decide it: not the claimant, nor who decided an earlier step for another department
  const people = await deciders(deps, c);
  const hint = step.key === 'payout' ? `发放 ${c._id} 付款方式` : `批准 ${c._id}，或 驳回 ${c._id} 原因`;
  await notify(
    deps,
    people,
    `⏰ 报销单 ${c._id}（${c.claimantName} ${formatFen(c.total)}）在「${step.label}」已等待 ${hours} 小时，请尽快处理。\n发送：${hint}`,
  );
  deps.log.info({ claim: c._id, step: step.key, hours, recipients: people.length }, 'reimbursement reminder sent');
  return null;
}

export const remindWaitingSteps: JobDefinition = {
  name: 'reimbursements.remind',
  cron: '*/15 * * * *',
  description: '报销单在某一审批步骤等待过久时提醒审批人',
  run: remindWaiting,
};

export const reimbursementJobs: JobDefinition[] = [remindWaitingSteps];
