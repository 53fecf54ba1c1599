import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { parseMonth } from '../../src/core/dates.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { formatFen, parseYuan } from '../../src/core/money.ts';
import { approvalFor, moneyPromises } from './authority-rules.ts';
import { applyStep, fmt, has, loadComplaint } from './common.ts';
import type { ComplaintRecord } from './models.ts';
import { clip, notifyStep, replyStep, who } from './notice.ts';
import { canDecide, needsDeduction, parseReasonable } from './rules.ts';

import { caseForSubmit, formStep, required } from './steps.ts';

/*
 * §3.1.5 / §3.1.6 customer service decides the handling, responsibility and improvement plan, and
 * §4.4 the chairman is asked to confirm one that commits money. Split from steps.ts.
 */

// ─── §3.1.5 / §3.1.6 customer service decides ───────────────────────────────

const decisionFields: FormDefinition['fields'] = [
  {
    key: 'reasonable',
    label: '是否合理',
    required: true,
    prompt: '投诉是否合理？请回复：合理 / 不合理',
    parse: (i) =>
      parseReasonable(i) === undefined
        ? { ok: false, error: '请填「合理」或「不合理」。' }
        : { ok: true, value: parseReasonable(i) ? '合理' : '不合理' },
  },
  { key: 'handling', label: '处理方式', required: true, parse: required('处理方式') },
  { key: 'responsibility', label: '责任归属', required: true, parse: required('责任归属') },
  { key: 'plan', label: '改善方案', required: true, parse: required('改善方案', 500) },
];

function decisionSubmit(withDeduction: boolean): FormDefinition['submit'] {
  return async (ctx, v, context) => {
    const c = await caseForSubmit(ctx, context, canDecide);
    if (!c) return;
    const decision = {
      reasonable: v.reasonable === '合理',
      handling: v.handling ?? '',
      responsibility: v.responsibility ?? '',
      plan: v.plan ?? '',
      deductionFen: withDeduction ? (parseYuan(v.deductionAmount ?? '') ?? null) : null,
      deductionMonth: withDeduction ? (v.deductionMonth ?? '') : '',
      by: actor(ctx),
      at: ctx.services.now(),
    };
    const fee = withDeduction
      ? `；扣服务费 ${formatFen(parseYuan(v.deductionAmount ?? '') ?? 0)}（${v.deductionMonth}）`
      : '';
    const detail = `${v.reasonable}；处理方式：${v.handling}；责任归属：${v.responsibility}；改善方案：${v.plan}${fee}`;
    // §4.4: a deduction accepted, or money promised in the handling, waits for the chairman
    const promised = [
      ...(decision.deductionFen ? [`扣服务费 ${formatFen(decision.deductionFen)}（${decision.deductionMonth}）`] : []),
      ...moneyPromises(`${v.handling} ${v.plan}`),
    ];
    const approval = approvalFor(promised, has(ctx), actor(ctx), decision.at);
    if (
      !(await applyStep(
        ctx,
        c,
        { status: 'decided', decision, approval },
        '拟定处理',
        `${detail}${approval?.status === 'pending' ? `；涉及金额（${approval.what}），报董事长核准（§4.4）` : ''}`,
      ))
    )
      return;
    const after = (await loadComplaint(c._id))!;
    const waits = approval?.status === 'pending';
    const ops = await notifyStep(ctx.services, after, ['guard_ops'], {
      title: `处理已拟定：${c._id}`,
      facts: true,
      lines: [`改善方案：${clip(decision.plan, 40)}。请督促执行（§3.2.2）；有异议发送「签呈 ${c._id} 理由」（§4.5）。`],
    });
    const chair = waits ? await askChairman(ctx, after) : [];
    const next = waits
      ? `下一步：处理涉及金额（${approval.what}），已报${who('chairman', chair)} 核准（§4.4）；核准前不要向客户承诺。`
      : `下一步：请在 ${fmt(ctx.services, after.dueAt)} 前把处理结果告知客户（§3.1.9），然后点「告知客户结果」。`;
    await replyStep(ctx, after, {
      title: `处理已拟定：${c._id}`,
      lines: [next, `已通知${who('guard_ops', ops)} 督促执行改善方案；有异议的部门可发「签呈」（§4.5）。`],
    });
  };
}

/**
 * §4.4: the chairman is asked to confirm a handling that commits money; nobody to ask is logged.
 * Returns the names of those asked.
 */
export async function askChairman(ctx: StaffContext, c: ComplaintRecord): Promise<string[]> {
  const sent = await notifyStep(
    ctx.services,
    c,
    ['chairman'],
    {
      title: `处理涉及金额，待董事长核准：${c._id}`,
      facts: true,
      lines: [
        `${ctx.sender.name} 拟定的处理涉及给客户的钱：${c.approval?.what ?? ''}（§4.4 不得超越核决权限承诺）。请核准，或写明原因不核准（退回客服部重新拟定）。`,
      ],
    },
    { exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [] },
  );
  if (!sent.length) ctx.log.warn({ complaint: c._id }, 'no chairman to confirm a handling that commits money');
  return sent;
}

export const decideForm: FormDefinition = {
  name: 'complaints.decide',
  oneMessage: 'apply',
  allow: ['customer_service'],
  title: '投诉处理（客服部）',
  fields: decisionFields,
  submit: decisionSubmit(false),
};

export const decideFeeForm: FormDefinition = {
  name: 'complaints.decideFee',
  oneMessage: 'apply',
  allow: ['customer_service'],
  title: '扣服务费投诉处理（客服部）',
  fields: [
    ...decisionFields,
    {
      key: 'deductionAmount',
      label: '扣款金额',
      required: true,
      prompt: '请输入客户扣的服务费金额（元）',
      parse: (i) => {
        const fen = parseYuan(i);
        return fen
          ? { ok: true, value: String(fen / 100) }
          : { ok: false, error: '扣款金额请填数字（元），例如 500。' };
      },
    },
    {
      key: 'deductionMonth',
      label: '扣款月份',
      required: true,
      prompt: '请输入扣款月份，例如 2026-11',
      parse: (i, ctx) => {
        const m = parseMonth(i, ctx.services.now(), ctx.services.config.timezone);
        return m ? { ok: true, value: m } : { ok: false, error: '扣款月份请写成 2026-11 或 11月。' };
      },
    },
  ],
  submit: decisionSubmit(true),
};
export const decide = formStep(
  (c) => (needsDeduction(c.category) ? decideFeeForm.name : decideForm.name),
  canDecide,
  '处理投诉 TS-20261127-003',
);
