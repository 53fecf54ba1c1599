import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { typedTail } from '../../src/core/text.ts';
import { applyStep, complaintFromAction, findComplaint, fmt, has, loadComplaint, refused } from './common.ts';
import { CLOSE_NOTES, closing, recordFollowUp } from './followup.ts';
import type { ComplaintRecord, FollowUp } from './models.ts';
import { clip, dueLine, notifyStep, replyStep, toInvestigate, waitingLine, who } from './notice.ts';
import {
  canConfirmEffect,
  canFollowUp,
  canPlanFollowUp,
  canProposeMeasures,
  canReopen,
  closingBlocker,
  deadlinesFor,
  isEarly,
  nextFollowUp,
  parseEffective,
  parseSatisfied,
} from './rules.ts';
import { complaintSettings } from './settings.ts';
import { caseForSubmit, formStep, required } from './steps.ts';

/*
 * After the decision: the improvement's effect (§3.1.6), the follow-up calls (§3.1.10), and a
 * closed case reopened. A case closes only when every follow-up is done, the effect is confirmed
 * 有效 and the client was satisfied at the last call (closingBlocker).
 */

// ─── §3.1.6 the improvement's effect ────────────────────────────────────────

/** 改善效果 <编号> 有效|无效 [说明] (§3.1.6) */
export async function confirmEffect(ctx: StaffContext): Promise<void> {
  const example = '改善效果 TS-20261127-003 有效 客户反映队员已按时到岗';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const [word = '', ...words] = found.rest.split(/\s+/);
  // the note is stored as typed (full-width punctuation kept); the command was read folded
  const note = [typedTail(ctx.event.text ?? '', words.join(' '))].filter(Boolean);
  const effective = parseEffective(word);
  if (effective === undefined) {
    await ctx.reply(`请写明「有效」或「无效」，例如：${example}`);
    return;
  }
  const c = found.c;
  if (await refused(ctx, canConfirmEffect(c, has(ctx), ctx.sender.staffId))) return;
  const now = ctx.services.now();
  const effect = { effective, note: note.join(' '), by: actor(ctx), at: now };
  const set: Partial<ComplaintRecord> = { effect, measuresDue: !effective };
  Object.assign(set, c.status === 'following_up' ? closing({ ...c, ...set }, now) : {});
  const closes = set.status === 'closed';
  const detail = `${effective ? '有效' : '无效'}${effect.note ? `：${effect.note}` : ''}${closes ? '；回访已完成，结案' : ''}`;
  if (!(await applyStep(ctx, c, set, '确认改善效果', detail))) return;
  const after = (await loadComplaint(c._id))!;
  // §3.1.6: 无效 goes back to 人防部 for new measures, and the case owner hears of it
  const ops = effective
    ? []
    : await notifyStep(
        ctx.services,
        after,
        ['guard_ops'],
        {
          title: `改善无效，待提出新对策：${c._id}`,
          facts: true,
          lines: [
            `${ctx.sender.name} 确认改善效果无效${effect.note ? `：${effect.note}` : ''}。请提出新的改善对策：发送「新对策 ${c._id} 内容」（§3.1.6）。`,
          ],
          forOthers: [
            `${ctx.sender.name} 确认改善效果无效${effect.note ? `：${effect.note}` : ''}。`,
            '下一步：人防部提出新的改善对策，之后客服部再确认效果（§3.1.6）。',
          ],
        },
        { people: [c.acceptedBy], exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [] },
      );
  const toldMissing = c.status === 'following_up' && closingBlocker({ ...c, ...set }) === 'told';
  const next = effective
    ? closes
      ? '回访计划已完成，投诉已结案。'
      : toldMissing
        ? CLOSE_NOTES.told
        : waitingLine(ctx.services, after)
    : `下一步：${who('guard_ops', ops)} 提出新的改善对策，之后请再确认效果（§3.1.6）。`;
  await replyStep(ctx, after, {
    title: `改善效果已记录：${c._id}`,
    lines: [`改善效果：${effective ? '有效' : '无效'}${effect.note ? `（${effect.note}）` : ''}。`, next],
  });
}

export const measuresForm: FormDefinition = {
  name: 'complaints.measures',
  oneMessage: 'apply',
  allow: ['guard_ops'],
  title: '新的改善对策（§3.1.6、§3.2.2）',
  fields: [{ key: 'measures', label: '改善对策', required: true, parse: required('改善对策', 500) }],
  async submit(ctx, v, context) {
    const c = await caseForSubmit(ctx, context, canProposeMeasures);
    if (!c?.investigation) return;
    const investigation = { ...c.investigation, measures: v.measures ?? '' };
    // the old measures and the 无效 effect stay in the history; the effect is confirmed anew
    if (
      !(await applyStep(
        ctx,
        c,
        { investigation, measuresDue: false, effect: null },
        '提出新改善对策',
        `原对策：${c.investigation.measures}；新对策：${v.measures}`,
      ))
    )
      return;
    const after = (await loadComplaint(c._id))!;
    const cs = await notifyStep(
      ctx.services,
      after,
      ['customer_service'],
      {
        title: `新改善对策：${c._id}`,
        lines: [
          `${ctx.sender.name}（人防部）：${clip(v.measures ?? '', 40)}`,
          `请督促执行，之后确认效果：发送「改善效果 ${c._id} 有效/无效 说明」（§3.1.6）。`,
        ],
        forOthers: [
          `${ctx.sender.name}（人防部）：${clip(v.measures ?? '', 40)}`,
          '下一步：客服部督促执行，再确认改善效果（§3.1.6）。',
        ],
      },
      { people: [c.acceptedBy] },
    );
    await replyStep(ctx, after, {
      title: `新改善对策已记录：${c._id}`,
      lines: [`下一步：${who('customer_service', cs)} 督促执行，再确认改善效果（§3.1.6）。`],
      buttons: [],
    });
  },
};
export const newMeasures = formStep(
  () => measuresForm.name,
  canProposeMeasures,
  '新对策 TS-20261127-003 每晚队长查岗两次并登记',
);

// ─── §3.1.10 follow-up calls ─────────────────────────────────────────────────

export const followUpForm: FormDefinition = {
  name: 'complaints.followup',
  oneMessage: 'apply',
  allow: ['customer_service'],
  title: '客户回访（§3.1.10）',
  fields: [
    {
      key: 'outcome',
      label: '回访结果',
      required: true,
      prompt: '客户是否满意？请回复：满意 / 不满意',
      parse: (i) =>
        parseSatisfied(i) === undefined
          ? { ok: false, error: '回访结果请填「满意」或「不满意」。' }
          : { ok: true, value: parseSatisfied(i) ? '满意' : '不满意' },
    },
    { key: 'note', label: '回访情况', parse: required('回访情况', 300) },
    // never asked: a follow-up before its day is refused at the start unless the reason was given
    {
      key: 'earlyReason',
      label: '提前原因',
      placeholder: '未到计划回访日期时必填',
      when: () => false,
      parse: required('提前原因', 200),
    },
  ],
  async validate(ctx, v, context): Promise<Record<string, string>> {
    const c = await loadComplaint(context.id ?? '');
    const next = c && nextFollowUp(c.followUps);
    if (next && isEarly(next.dueAt, ctx.services.now()) && !v.earlyReason) {
      return {
        earlyReason: `第 ${next.seq} 次回访计划在 ${fmt(ctx.services, next.dueAt)}，提前回访请写明原因（§3.1.10）。`,
      };
    }
    return {};
  },
  async submit(ctx, v, context) {
    const c = await caseForSubmit(ctx, context, canFollowUp);
    if (!c) return;
    const r = await recordFollowUp(ctx, c, { outcome: v.outcome!, note: v.note ?? '', earlyReason: v.earlyReason });
    if (r)
      await replyStep(ctx, r.after, {
        title: r.closed ? `投诉已结案：${c._id}` : `回访已记录：${c._id}`,
        lines: [`第 ${r.seq} 次回访：${v.outcome}。`, r.note],
      });
  },
};
const followUpStep = formStep(() => followUpForm.name, canFollowUp, '回访 TS-20261127-003 满意 客户说已改善');

/**
 * §3.1.10 on text channels: a follow-up before its day is refused up front unless 提前原因 was typed
 * (a guided form never asks it). A form card shows the field and its validate asks for it.
 */
async function refusedAsEarly(ctx: StaffContext, c: ComplaintRecord, rest: string): Promise<boolean> {
  const next = nextFollowUp(c.followUps);
  if (ctx.can.formCards || !next || !isEarly(next.dueAt, ctx.services.now()) || /^提前原因\s*[:：]\s*\S/m.test(rest))
    return false;
  await ctx.reply(
    `第 ${next.seq} 次回访计划在 ${fmt(ctx.services, next.dueAt)}，还没到期。提前回访请写明原因（§3.1.10），例如：\n回访 ${c._id} 满意 客户说已改善 提前原因: 客户主动来电`,
  );
  return true;
}

export const followUp = {
  /** Button 记录回访 */
  action: async (ctx: StaffContext) => {
    const c = await complaintFromAction(ctx);
    if (c && !(await refusedAsEarly(ctx, c, ''))) await followUpStep.action(ctx);
  },
  /** 回访 <编号> [满意|不满意] [情况] [提前原因: …] — with the outcome given it is saved at once. */
  command: async (ctx: StaffContext) => {
    const m = /^(\S+)\s+(满意|非常满意|基本满意|不满意)(?:\s+([\s\S]+?))?(?:\s*提前原因\s*[:：]\s*([\s\S]+))?$/.exec(
      ctx.args.trim(),
    );
    if (m)
      ctx.args = `${m[1]}\n回访结果: ${m[2]}\n回访情况: ${m[3]?.trim() || '无'}${m[4] ? `\n提前原因: ${m[4].trim()}` : ''}`;
    const found = await findComplaint(ctx, ctx.args, '回访 TS-20261127-003 满意 客户说已改善');
    if (found && !(await refusedAsEarly(ctx, found.c, found.rest))) await followUpStep.command(ctx);
  },
};

/** 再次回访 <编号> [天数] / button 再安排回访: one more follow-up after the client was not satisfied. */
export async function moreFollowUp(ctx: StaffContext): Promise<void> {
  const fromCard = ctx.action?.value.id;
  const found = fromCard
    ? { c: await complaintFromAction(ctx), rest: '' }
    : await findComplaint(ctx, ctx.args, '再次回访 TS-20261127-003 7');
  const c = found?.c;
  if (!c) return;
  if (await refused(ctx, canPlanFollowUp(c, has(ctx), ctx.sender.staffId))) return;
  const days = Number(found.rest.trim() || complaintSettings.of(ctx.services.config).followUpDays[0]);
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    await ctx.reply('天数请写 1 到 365 的整数，例如：再次回访 TS-20261127-003 7');
    return;
  }
  const now = ctx.services.now();
  const f: FollowUp = {
    seq: c.followUps.length + 1,
    dueAt: new Date(now.getTime() + days * 24 * 3600_000),
    remindedAt: null,
    doneAt: null,
    by: null,
    outcome: '',
    note: '',
  };
  if (
    !(await applyStep(
      ctx,
      c,
      { followUps: [...c.followUps, f] },
      '再安排回访',
      `第 ${f.seq} 次，${fmt(ctx.services, f.dueAt)}`,
    ))
  )
    return;
  await ctx.toast(`已安排投诉 ${c._id} 第 ${f.seq} 次回访：${fmt(ctx.services, f.dueAt)}，到期会提醒。`);
}

// ─── reopening a closed case ────────────────────────────────────────────────

async function doReopen(ctx: StaffContext, c: ComplaintRecord, reason: string): Promise<void> {
  if (await refused(ctx, canReopen(c, has(ctx), ctx.sender.staffId))) return;
  const now = ctx.services.now();
  const { dueAt } = deadlinesFor(
    now,
    c.category,
    complaintSettings.of(ctx.services.config).limitHours,
    complaintSettings.of(ctx.services.config).remindBeforeHours,
  );
  // what this round found and decided stays on the record, shown under 【第 n 轮】
  const round = {
    reopenedAt: now,
    reopenedBy: actor(ctx),
    reason,
    investigation: c.investigation,
    decision: c.decision,
    effect: c.effect,
    result: c.result,
    appeal: c.appeal,
    followUps: c.followUps,
    responsible: c.responsible,
  };
  const set: Partial<ComplaintRecord> = {
    status: 'registered',
    dueAt,
    remindedAt: null,
    overdueAt: null,
    closedAt: null,
    investigation: null,
    decision: null,
    effect: null,
    measuresDue: false,
    result: null,
    appeal: null,
    approval: null,
    followUps: [],
  };
  if (!(await applyStep(ctx, c, set, '重开投诉', reason, { earlierRounds: round }))) return;
  const after = (await loadComplaint(c._id))!;
  const ops = await notifyStep(
    ctx.services,
    after,
    ['guard_ops'],
    toInvestigate(ctx.services, after, `投诉重开，待调查：${c._id}`, `重开原因：${reason}。`),
  );
  await replyStep(ctx, after, {
    title: `投诉已重开：${c._id}`,
    lines: [
      `重开原因：${reason}。之前的调查和处理保留在记录里。`,
      `下一步：${who('guard_ops', ops)} 重新调查（发送「调查 ${c._id}」），${dueLine(ctx.services, after)}。`,
    ],
  });
}

/** 重开投诉 <编号> <原因>: back to 人防部 for a new round, with a new time limit. */
export async function reopen(ctx: StaffContext): Promise<void> {
  const example = '重开投诉 TS-20261127-003 客户反映问题再次发生';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const reason = typedTail(ctx.event.text ?? '', found.rest);
  if (!reason) {
    await ctx.reply(`请写明重开原因，例如：${example}`);
    return;
  }
  await doReopen(ctx, found.c, reason);
}

export const reopenForm: FormDefinition = {
  name: 'complaints.reopen',
  allow: ['customer_service', 'admin'],
  title: '重开投诉',
  fields: [{ key: 'reason', label: '重开原因', required: true, parse: required('重开原因', 300) }],
  async submit(ctx, v, context) {
    const c = await loadComplaint(context.id ?? '');
    if (c) await doReopen(ctx, c, v.reason!);
  },
};
/** Button 重开投诉 (shown after an unsatisfied follow-up): asks the reason. */
export const reopenStep = formStep(() => reopenForm.name, canReopen, '重开投诉 TS-20261127-003 原因');
