import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { applyStep, has, loadComplaint, refused } from './common.ts';
import type { ComplaintRecord } from './models.ts';
import { notifyStep } from './notice.ts';
import { canFollowUp, closingBlocker, isEarly, nextFollowUp } from './rules.ts';

/*
 * §3.1.10 one follow-up logged on a case. The 回访 command, the follow-up form card and the clients
 * workflow's 跟进 / 拜访 (a call or visit that is also the complaint's follow-up) all end here, so a
 * follow-up counts toward closing the same way whichever way it was logged. This module imports
 * nothing from the clients workflow: clients may import it without a cycle.
 */

export const CLOSE_NOTES = {
  followups: '',
  effect:
    '回访计划已完成，但改善效果还没有确认有效，暂不结案。请确认改善效果（§3.1.6）：发送「改善效果 编号 有效/无效 说明」。',
  unsatisfied: '客户不满意，暂不结案。请决定下一步：点「再安排回访」，或「重开投诉」交人防部重新调查。',
  told: '还没有确认已告知客户受理（§4.2「投诉后，必须明确告知客户」），暂不结案。确认客户已被告知后发送「已告知 编号」，即可结案。',
} as const;

/** The fields a case gets when it closes now, or nothing when something still blocks it. */
export function closing(
  c: Pick<ComplaintRecord, 'effect' | 'measuresDue' | 'followUps' | 'clientToldAt'>,
  now: Date,
): Partial<ComplaintRecord> {
  return closingBlocker(c) ? {} : { status: 'closed', closedAt: now };
}

export interface FollowUpEntry {
  /** 满意 / 不满意 */
  outcome: string;
  note: string;
  /** Required by the callers when the follow-up is made before its planned time. */
  earlyReason?: string;
  /** When the client was reached (a call logged later); now by default. */
  at?: Date;
  /** The planned follow-up this entry is for: refused when that one was logged by someone else first. */
  seq?: number;
}

export interface FollowUpResult {
  after: ComplaintRecord;
  seq: number;
  closed: boolean;
  /** What happens next, for the reply. */
  note: string;
}

/**
 * Marks the next planned follow-up done (who, when, outcome) exactly once, closes the case when
 * closingBlocker allows, and tells 客服部 of an unsatisfied client. Undefined, with the person told
 * why, when the rule refuses or someone else changed the case first.
 */
export async function recordFollowUp(
  ctx: StaffContext,
  c: ComplaintRecord,
  e: FollowUpEntry,
): Promise<FollowUpResult | undefined> {
  if (await refused(ctx, canFollowUp(c, has(ctx), ctx.sender.staffId))) return undefined;
  const next = nextFollowUp(c.followUps)!;
  if (e.seq !== undefined && next.seq !== e.seq) {
    await ctx.toast(`投诉 ${c._id} 第 ${e.seq} 次回访已经记录过了，没有重复记录。`);
    return undefined;
  }
  const now = ctx.services.now();
  const at = e.at ?? now;
  const early = isEarly(next.dueAt, at) ? (e.earlyReason ?? '') : '';
  const note = [e.note, early && `提前回访：${early}`].filter(Boolean).join('；');
  const followUps = c.followUps.map((f) =>
    f.seq === next.seq ? { ...f, doneAt: at, by: actor(ctx), outcome: e.outcome, note } : f,
  );
  const set: Partial<ComplaintRecord> = { followUps, ...closing({ ...c, followUps }, now) };
  const blocker = closingBlocker({ ...c, followUps });
  const closed = set.status === 'closed';
  const detail = `第 ${next.seq} 次：${e.outcome}${note ? `，${note}` : ''}${closed ? '；回访计划完成，结案' : ''}`;
  if (!(await applyStep(ctx, c, set, '记录回访', detail))) return undefined;
  const after = (await loadComplaint(c._id))!;
  const left = followUps.filter((f) => !f.doneAt).length;
  const unhappy = e.outcome === '不满意';
  const reply = closed
    ? '回访计划已完成，投诉已结案。'
    : unhappy
      ? CLOSE_NOTES.unsatisfied
      : blocker === 'followups'
        ? `还剩 ${left} 次回访，到期会提醒你。`
        : CLOSE_NOTES[blocker!];
  if (unhappy) {
    // §3.1.10: 客服部 decides what next (another follow-up, or reopen for a new investigation)
    await notifyStep(
      ctx.services,
      after,
      ['customer_service'],
      {
        title: `回访客户不满意：${c._id}`,
        lines: [
          `${ctx.sender.name} 第 ${next.seq} 次回访：客户不满意${e.note ? `（${e.note}）` : ''}。`,
          '下一步：请决定再安排回访，或重开投诉交人防部重新调查（§3.1.10）。',
        ],
      },
      { exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [] },
    );
  }
  return { after, seq: next.seq, closed, note: reply };
}
