import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { typedTail } from '../../src/core/text.ts';
import { canApproveHandling } from './authority-rules.ts';
import { applyStep, complaintFromAction, findComplaint, fmt, has, loadComplaint, refused } from './common.ts';
import type { ComplaintRecord } from './models.ts';
import { clickToast, notifyStep, replyStep, who } from './notice.ts';
import { formStep, required } from './steps.ts';

/*
 * §4.4 the chairman's answer to a handling that commits money (authority-rules.ts): 核准 lets
 * 客服部 tell the client the result; 不核准 (with a reason) sends the case back to 客服部 to decide
 * again, the old handling kept in the history.
 */

async function approve(ctx: StaffContext, c: ComplaintRecord): Promise<void> {
  if (await refused(ctx, canApproveHandling(c, has(ctx), ctx.sender.staffId))) return;
  const now = ctx.services.now();
  const approval = { ...c.approval!, status: 'approved' as const, decidedBy: actor(ctx), decidedAt: now };
  if (!(await applyStep(ctx, c, { approval }, '董事长核准处理', approval.what))) return;
  const after = (await loadComplaint(c._id))!;
  const cs = await notifyStep(
    ctx.services,
    after,
    ['customer_service'],
    {
      title: `董事长已核准处理：${c._id}`,
      lines: [
        `${ctx.sender.name} 核准了处理（${approval.what}）。`,
        `下一步：请在 ${fmt(ctx.services, after.dueAt)} 前告知客户结果（§3.1.9），以书信或电话转达（§4.4）。`,
      ],
      forOthers: [`${ctx.sender.name} 核准了处理（${approval.what}）。`, '下一步：客服部告知客户结果（§3.1.9）。'],
    },
    { people: [c.approval!.requestedBy], exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [] },
  );
  await replyStep(
    ctx,
    after,
    {
      title: `已核准处理：${c._id}`,
      lines: [`${approval.what}。`, `下一步：${who('customer_service', cs)} 告知客户结果。`],
    },
    { update: true },
  );
  await clickToast(ctx, `已核准投诉 ${c._id} 的处理。`);
}

async function refuse(ctx: StaffContext, c: ComplaintRecord, reason: string): Promise<void> {
  if (await refused(ctx, canApproveHandling(c, has(ctx), ctx.sender.staffId))) return;
  const now = ctx.services.now();
  const d = c.decision;
  const approval = { ...c.approval!, status: 'refused' as const, decidedBy: actor(ctx), decidedAt: now, note: reason };
  const old = d ? `原处理：${d.handling}；改善方案：${d.plan}（${approval.what}）` : approval.what;
  // back to 客服部: the handling is decided again, the refused one stays in the history
  if (
    !(await applyStep(
      ctx,
      c,
      { status: 'investigated', decision: null, approval },
      '董事长不核准处理',
      `${reason}；${old}`,
    ))
  )
    return;
  const after = (await loadComplaint(c._id))!;
  const cs = await notifyStep(
    ctx.services,
    after,
    ['customer_service'],
    {
      title: `董事长不核准处理，请重新拟定：${c._id}`,
      lines: [
        `${ctx.sender.name} 不同意「${approval.what}」：${reason}。`,
        `下一步：请重新拟定处理（发送「处理投诉 ${c._id}」），不要向客户承诺这一项（§4.4）。`,
      ],
      forOthers: [`${ctx.sender.name} 不同意「${approval.what}」：${reason}。`, '下一步：客服部重新拟定处理（§4.4）。'],
    },
    { people: [c.approval!.requestedBy], exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [] },
  );
  await replyStep(
    ctx,
    after,
    {
      title: `未核准处理：${c._id}`,
      lines: [`不核准：${reason}。`, `下一步：已退回${who('customer_service', cs)} 重新拟定处理。`],
    },
    { update: true },
  );
  await clickToast(ctx, `已退回投诉 ${c._id}，客服部会重新拟定处理。`);
}

/** 核准处理 <编号> | 核准处理 <编号> 不同意 <原因> (董事长) */
export async function approveCommand(ctx: StaffContext): Promise<void> {
  const example = '核准处理 TS-20261127-003  或  核准处理 TS-20261127-003 不同意 只同意更换队员，不减免服务费';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const m = /^(不同意|不核准|否|驳回)\s*([\s\S]*)$/.exec(found.rest.trim());
  if (!m) {
    await approve(ctx, found.c);
    return;
  }
  const reason = typedTail(ctx.event.text ?? '', m[2]!);
  if (!reason) {
    await ctx.reply(`不核准请写明原因，例如：${example.split('  或  ')[1]}`);
    return;
  }
  await refuse(ctx, found.c, reason);
}

/** What 核准处理 says before it runs (ActionRoute.confirm): the case and the money it commits. */
export async function approveQuestion(ctx: StaffContext): Promise<string | undefined> {
  const c = await loadComplaint(ctx.action?.value.id ?? '');
  if (c?.approval?.status !== 'pending') return undefined;
  return `确认核准投诉 ${c._id}（${c.clientName}）的处理：${c.approval.what}？核准后客服部即可告知客户。`;
}

/** Button: 核准处理 */
export async function approveFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  if (c) await approve(ctx, c);
}

export const refuseApprovalForm: FormDefinition = {
  name: 'complaints.refuseApproval',
  allow: ['chairman'],
  title: '不核准处理（§4.4）',
  fields: [
    {
      key: 'reason',
      label: '原因',
      required: true,
      prompt: '请写明不核准的原因（会退回客服部重新拟定）',
      parse: required('原因', 300),
    },
  ],
  async submit(ctx, v, context) {
    const c = await loadComplaint(context.id ?? '');
    if (!c) {
      await ctx.reply('找不到这件投诉，没有保存。');
      return;
    }
    await refuse(ctx, c, v.reason!);
  },
};
/** Button: 不核准 (asks the reason) */
export const refuseApproval = formStep(
  () => refuseApprovalForm.name,
  canApproveHandling,
  '核准处理 TS-20261127-003 不同意 原因',
);
