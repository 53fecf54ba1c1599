import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { typedTail } from '../../src/core/text.ts';
import { approvalFor, moneyPromises } from './authority-rules.ts';
import { applyStep, complaintFromAction, findComplaint, fmt, has, loadComplaint, refused } from './common.ts';
import { askChairman } from './decide.ts';
import type { ComplaintRecord } from './models.ts';
import { clickToast, notifyStep, replyStep, who } from './notice.ts';
import { canAppeal, canRule } from './rules.ts';

/*
 * §4.5: a department that disagrees with the decision files a 签呈 with its reason; 行政部 or the
 * 董事长 upholds the decision or changes it, and the ruling is recorded.
 */

/** 签呈 <编号> <理由> */
export async function fileAppeal(ctx: StaffContext): Promise<void> {
  const example = '签呈 TS-20261127-003 责任不在队员，客户要求过分';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const reason = typedTail(ctx.event.text ?? '', found.rest);
  if (!reason) {
    await ctx.reply(`请写明签呈理由，例如：${example}`);
    return;
  }
  const c = found.c;
  if (await refused(ctx, canAppeal(c))) return;
  const appeal = {
    status: 'pending' as const,
    reason,
    by: actor(ctx),
    at: ctx.services.now(),
    ruling: '',
    ruledBy: null,
    ruledAt: null,
  };
  if (!(await applyStep(ctx, c, { appeal }, '提出签呈', reason))) return;
  const after = (await loadComplaint(c._id))!;
  // the filer and the people named responsible may not rule (§4.5), so they are not asked to
  const notRulers = [ctx.sender.staffId ?? '', ...(c.responsible ?? []).map((r) => r.staffId)].filter(Boolean);
  const sent = await notifyStep(
    ctx.services,
    after,
    ['admin', 'chairman'],
    {
      title: `签呈待决定：${c._id}`,
      facts: true,
      lines: [`${ctx.sender.name} 对处理决议有异议：${reason}。请决定维持原处理或修改处理（§4.5）。`],
    },
    { exceptStaffIds: notRulers },
  );
  await replyStep(ctx, after, {
    title: `签呈已提交：${c._id}`,
    lines: [
      sent.length
        ? `下一步：${who(['admin', 'chairman'], sent)} 决定维持或修改处理（§4.5）。`
        : '没有找到已绑定的行政部或董事长，请当面呈报（§4.5）。',
      '决定前暂停告知客户结果。',
    ],
    buttons: [],
  });
}

async function rule(ctx: StaffContext, c: ComplaintRecord, changeTo: string, note: string): Promise<void> {
  if (await refused(ctx, canRule(c, has(ctx), ctx.sender.staffId))) return;
  const now = ctx.services.now();
  const a = c.appeal!;
  const set: Partial<ComplaintRecord> = {
    appeal: {
      ...a,
      status: changeTo ? 'changed' : 'upheld',
      ruling: changeTo || note,
      ruledBy: actor(ctx),
      ruledAt: now,
    },
  };
  if (changeTo && c.decision) set.decision = { ...c.decision, handling: changeTo };
  // §4.4: a handling changed to one that gives the client money is the chairman's to confirm, whoever ruled
  const promised = changeTo ? moneyPromises(changeTo) : [];
  if (promised.length) set.approval = approvalFor(promised, has(ctx), actor(ctx), now);
  const waits = set.approval?.status === 'pending';
  const detail = `${changeTo ? `改为：${changeTo}${note ? `（${note}）` : ''}` : `维持原处理${note ? `（${note}）` : ''}`}${waits ? `；涉及金额（${set.approval!.what}），报董事长核准（§4.4）` : ''}`;
  if (!(await applyStep(ctx, c, set, '签呈决定', detail))) return;
  const after = (await loadComplaint(c._id))!;
  const chair = waits ? await askChairman(ctx, after) : [];
  const cs = await notifyStep(
    ctx.services,
    after,
    ['customer_service'],
    {
      title: `签呈已决定：${c._id}`,
      lines: [
        `${ctx.sender.name}：${detail}。`,
        waits
          ? '下一步：待董事长核准（§4.4），核准前不要告知客户结果。'
          : `下一步：请在 ${fmt(ctx.services, after.dueAt)} 前告知客户结果（§3.1.9）。`,
      ],
      forOthers: [
        `${ctx.sender.name}：${detail}。`,
        waits ? '下一步：待董事长核准（§4.4）。' : '下一步：客服部告知客户结果（§3.1.9）。',
      ],
    },
    { people: [a.by], exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [] },
  );
  await replyStep(
    ctx,
    after,
    {
      title: `签呈已决定：${c._id}`,
      lines: [
        `${detail}。`,
        waits
          ? `下一步：已报${who('chairman', chair)} 核准（§4.4），核准后客服部告知客户结果。`
          : `下一步：${who('customer_service', cs)} 告知客户结果（发送「告知结果 ${c._id}」）。`,
      ],
    },
    { update: true },
  );
  await clickToast(ctx, `已记录签呈决定：${changeTo ? '修改处理' : '维持原处理'}`);
}

/** Button: 维持原处理 */
export async function upholdFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  if (c) await rule(ctx, c, '', '');
}

export const rulingForm: FormDefinition = {
  name: 'complaints.ruling',
  allow: ['admin', 'chairman'],
  title: '签呈决定：修改处理（§4.5）',
  fields: [
    { key: 'handling', label: '新处理方式', required: true },
    { key: 'note', label: '说明' },
  ],
  async submit(ctx, v, context) {
    const c = await loadComplaint(context.id ?? '');
    if (!c) {
      await ctx.reply('找不到这件投诉，没有保存。');
      return;
    }
    await rule(ctx, c, v.handling!, v.note ?? '');
  },
};

/** Button: 修改处理 (a form for the new handling) */
export async function changeFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  if (!c || (await refused(ctx, canRule(c, has(ctx), ctx.sender.staffId)))) return;
  await ctx.services.forms.start(ctx, rulingForm.name, '', { id: c._id });
}

/** 签呈决定 <编号> 维持 [说明] | 签呈决定 <编号> 改为 <新处理方式> */
export async function ruleCommand(ctx: StaffContext): Promise<void> {
  const example = '签呈决定 TS-20261127-003 维持  或  签呈决定 TS-20261127-003 改为 更换驻点队长，不扣队员工资';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const m = /^(维持|改为)\s*([\s\S]*)$/.exec(found.rest.trim());
  if (!m || (m[1] === '改为' && !m[2]!.trim())) {
    await ctx.reply(`请写明「维持」或「改为 新处理方式」，例如：${example}`);
    return;
  }
  const said = typedTail(ctx.event.text ?? '', m[2]!);
  await rule(ctx, found.c, m[1] === '改为' ? said : '', m[1] === '维持' ? said : '');
}
