import { actor } from '../../src/core/audit.ts';
import type { StaffContext, StaffHandler } from '../../src/core/context.ts';
import { type FieldResult, type FormDefinition, freeText } from '../../src/core/forms.ts';
import { echo, parseMobile } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { staffNamed } from '../../src/roster/names.ts';
import { applyStep, complaintFromAction, findComplaint, has, loadComplaint, refused } from './common.ts';
import { closing } from './followup.ts';
import type { ComplaintRecord } from './models.ts';
import { clickToast, dueLine, notifyStep, replyStep, waitingLine, who } from './notice.ts';
import { responsibleOf, tellResponsible } from './responsible.ts';
import { canConfirmClientTold, canInvestigate, type Verdict } from './rules.ts';

/** A step's rule: the viewer's roles, and who they are (#20: nobody acts on their own case). */
export type Rule = (c: ComplaintRecord, has: (r: Role) => boolean, me?: string) => Verdict;

/**
 * A step recorded with a form: `<命令> <编号> [字段: 值 lines]` or the card button both check the
 * rule first (no pointless form), then start the guided form / form card with the case id.
 */
export function formStep(
  formFor: (c: ComplaintRecord) => string,
  rule: Rule,
  example: string,
): { command: StaffHandler; action: StaffHandler } {
  const start = async (ctx: StaffContext, c: ComplaintRecord, prefill: string) => {
    if (await refused(ctx, rule(c, has(ctx), ctx.sender.staffId))) return;
    await ctx.services.forms.start(ctx, formFor(c), prefill, { id: c._id });
  };
  return {
    command: async (ctx) => {
      const found = await findComplaint(ctx, ctx.args, example);
      if (found) await start(ctx, found.c, found.rest);
    },
    action: async (ctx) => {
      const c = await complaintFromAction(ctx);
      if (c) await start(ctx, c, '');
    },
  };
}

/** Reads the case a form was started for and re-checks its rule at submit time. */
export async function caseForSubmit(
  ctx: StaffContext,
  context: Record<string, string>,
  rule: Rule,
): Promise<ComplaintRecord | undefined> {
  const c = await loadComplaint(context.id ?? '');
  if (!c) {
    await ctx.reply('找不到这件投诉，没有保存。');
    return undefined;
  }
  if (await refused(ctx, rule(c, has(ctx), ctx.sender.staffId))) return undefined;
  return c;
}

/** A free-text answer, stored as typed. */
export const required = (label: string, max = 300) => freeText(label, max);

// ─── §4.2 the client was told it is being handled ───────────────────────────

async function confirmTold(ctx: StaffContext, c: ComplaintRecord): Promise<void> {
  if (await refused(ctx, canConfirmClientTold(c, has(ctx), ctx.sender.staffId))) return;
  const now = ctx.services.now();
  // §4.2 was all a case with its follow-ups done still lacked: it closes now (closingBlocker)
  const set: Partial<ComplaintRecord> = {
    clientToldAt: now,
    ...(c.status === 'following_up' ? closing({ ...c, clientToldAt: now }, now) : {}),
  };
  const closes = set.status === 'closed';
  if (!(await applyStep(ctx, c, set, '确认已告知客户受理', closes ? '回访已完成，结案' : ''))) return;
  const after = (await loadComplaint(c._id))!;
  await replyStep(
    ctx,
    after,
    {
      title: `已告知客户受理：${c._id}`,
      lines: [
        `已记录：客户已被告知投诉正在处理（${ctx.sender.name}，§4.2）。`,
        closes ? `回访计划已完成，投诉 ${c._id} 已结案。` : waitingLine(ctx.services, after),
      ],
    },
    { update: true },
  );
  await clickToast(
    ctx,
    closes ? `已记录：客户已被告知投诉正在处理。投诉 ${c._id} 已结案。` : '已记录：客户已被告知投诉正在处理。',
  );
}

/** Button: 已告知客户受理 */
export async function toldFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  if (c) await confirmTold(ctx, c);
}

/** 已告知 <编号> */
export async function toldCommand(ctx: StaffContext): Promise<void> {
  const found = await findComplaint(ctx, ctx.args, '已告知 TS-20261127-003');
  if (found) await confirmTold(ctx, found.c);
}

// ─── §3.2 人防部 investigates ───────────────────────────────────────────────

/** Names or phones from the staff directory, separated by 、/,/space; 无 for none. */
async function parseStaffList(input: string, opts: { single?: boolean } = {}): Promise<FieldResult> {
  const t = input.trim();
  if (/^(无|没有|暂无|none)$/i.test(t)) return { ok: true, value: '无' };
  const words = t.split(/[、,，;；\s]+/).filter(Boolean);
  if (opts.single && words.length > 1) return { ok: false, error: '责任队长只填一位（姓名或电话），没有请填「无」。' };
  const names: string[] = [];
  for (const w of words) {
    // 张三(13800000001) is how a name shared by two people is stored and shown: read it by its phone
    const shown = /^(.+?)\((\d{11})\)$/.exec(w);
    const phone = parseMobile(shown?.[2] ?? w);
    const matches = phone
      ? await Staff.find({ phone }, { name: 1, phone: 1 }).limit(3).lean()
      : await staffNamed(w, {}, 3);
    if (!matches.length)
      return { ok: false, error: `人员名单里没有「${echo(w)}」，请填员工姓名或电话；没有责任人请填「无」。` };
    if (matches.length > 1) return { ok: false, error: `有 ${matches.length} 位「${echo(w)}」，请改填电话。` };
    names.push(phone ? `${matches[0]!.name}(${phone})` : matches[0]!.name);
  }
  return { ok: true, value: names.join('、') };
}

export const investigateForm: FormDefinition = {
  name: 'complaints.investigate',
  oneMessage: 'apply',
  allow: ['guard_ops'],
  title: '投诉调查（人防部）',
  fields: [
    { key: 'cause', label: '发生原因', required: true, parse: required('发生原因', 500) },
    {
      key: 'guards',
      label: '责任队员',
      required: true,
      prompt: '请输入责任队员（员工姓名或电话，多人用顿号隔开；没有请填「无」）',
      parse: (i) => parseStaffList(i),
    },
    {
      key: 'teamLeader',
      label: '责任队长',
      required: true,
      prompt: '请输入责任队长（姓名或电话；没有请填「无」）',
      parse: (i) => parseStaffList(i, { single: true }),
    },
    { key: 'measures', label: '改善对策', required: true, parse: required('改善对策', 500) },
  ],
  async submit(ctx, v, context) {
    const c = await caseForSubmit(ctx, context, canInvestigate);
    if (!c) return;
    const guards = v.guards === '无' ? [] : v.guards!.split('、');
    const investigation = {
      cause: v.cause ?? '',
      guards,
      teamLeader: v.teamLeader === '无' ? '' : (v.teamLeader ?? ''),
      measures: v.measures ?? '',
      by: actor(ctx),
      at: ctx.services.now(),
    };
    const detail = `原因：${v.cause}；责任队员：${v.guards}；责任队长：${v.teamLeader}；改善对策：${v.measures}`;
    const responsible = await responsibleOf(guards, investigation.teamLeader, investigation.at);
    if (!(await applyStep(ctx, c, { status: 'investigated', investigation, responsible }, '记录调查', detail))) return;
    const after = (await loadComplaint(c._id))!;
    const told = await tellResponsible(ctx.services, after);
    const seen = responsible.length
      ? `已私下告知责任人 ${responsible.map((r) => r.name).join('、')}，待其确认（§3.2.3）${told < responsible.length ? '；有人未绑定，请当面告知' : ''}。`
      : '';
    const cs = await notifyStep(ctx.services, after, ['customer_service'], {
      title: `调查完成，待拟定处理：${c._id}`,
      facts: true,
      lines: [`请拟定处理方式、判定责任归属并提出改善方案（§3.1.5、§3.1.6），${dueLine(ctx.services, after)}。`],
    });
    await replyStep(ctx, after, {
      title: `调查已记录：${c._id}`,
      lines: [`下一步：${who('customer_service', cs)} 拟定处理（发送「处理投诉 ${c._id}」）。`, seen],
      buttons: [],
    });
  },
};
export const investigate = formStep(() => investigateForm.name, canInvestigate, '调查 TS-20261127-003');
