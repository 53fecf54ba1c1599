import { formatFen } from '../src/core/money.ts';
import { reimbursementSettings } from '../handlers/reimbursements/settings.ts';
import { notify } from '../src/core/notify.ts';
import { deciders } from '../handlers/reimbursements/chain.ts';
import { ReimbursementClaim, type ClaimRecord } from '../handlers/reimbursements/models.ts';

import type { JobDefinition } from '../src/core/scheduler.ts';
import { takeOnce } from '../src/core/once.ts';

const HOUR = 3600_000;

/**
 * A step waiting longer than REIMBURSE_REMIND_AFTER_HOURS reminds its approvers, then again after each
 * further period. Reads only the due claims, through the {status, remindAt} index.
 */
export const remindWaitingSteps: JobDefinition = {
  name: 'reimbursements.remind',
  cron: '*/15 * * * *',
  description: '报销单在某一审批步骤等待过久时提醒审批人',
  run: async (deps) => {
    const now = deps.now();
    const every = reimbursementSettings.of(deps.config).remindAfterHours * HOUR;
    // remindAt (set by the step change) is when the step first became overdue; the claim itself is
    // never written here (FerretDB writes whole documents, so a write could undo a decision)
    const due = (await ReimbursementClaim.find({ status: 'pending', remindAt: { $lte: now } }).sort({ remindAt: 1 }).limit(200).lean());
    for (const c of due) {
      const step = c.steps[c.stepIndex];
      if (!step) continue;
      // one reminder per step per period, however many instances run the job
      const period = Math.floor((now.getTime() - new Date(c.remindAt!).getTime()) / every);
      if (!(await takeOnce(`reimburse-remind:${c._id}:${c.stepIndex}:${period}`))) continue;
      const hours = Math.floor((now.getTime() - new Date(c.stepSince).getTime()) / HOUR);
      // only those who may decide it: not the claimant, nor who decided an earlier step for another department
      const people = await deciders(deps, c);
      const hint = step.key === 'payout' ? `发放 ${c._id} 付款方式` : `批准 ${c._id}，或 驳回 ${c._id} 原因`;
      await notify(deps, people, `⏰ 报销单 ${c._id}（${c.claimantName} ${formatFen(c.total)}）在「${step.label}」已等待 ${hours} 小时，请尽快处理。\n发送：${hint}`);
      deps.log.info({ claim: c._id, step: step.key, hours, recipients: people.length }, 'reimbursement reminder sent');
    }
  },
};

export const reimbursementJobs: JobDefinition[] = [remindWaitingSteps];
