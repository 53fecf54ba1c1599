import { DateTime } from 'luxon';
import { actor } from '../../src/core/audit.ts';
import type { BotContext, StaffContext, StaffHandler } from '../../src/core/context.ts';
import { parseMonth, resolveDate } from '../../src/core/dates.ts';
import { type FieldResult, type FormDefinition, freeText } from '../../src/core/forms.ts';
import { formatFen, parseYuan } from '../../src/core/money.ts';
import { echo, parseMobile } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { staffNamed } from '../../src/roster/names.ts';
import { approvalFor, moneyPromises, toldBeyondAuthority } from './authority-rules.ts';
import {
  applyStep,
  cardFor,
  complaintFromAction,
  type FollowUp,
  findComplaint,
  has,
  loadComplaint,
  notifyCase,
  refused,
} from './common.ts';
import { closing } from './followup.ts';
import type { ComplaintRecord } from './models.ts';
import { responsibleOf, tellResponsible } from './responsible.ts';
import {
  canConfirmClientTold,
  canConfirmEffect,
  canDecide,
  canFollowUp,
  canInvestigate,
  canReopen,
  canTellResult,
  deadlinesFor,
  followUpPlan,
  needsDeduction,
  nextFollowUp,
  parseEffective,
  parseReasonable,
  parseSatisfied,
  planDone,
  toldOnProblem,
  type Verdict,
} from './rules.ts';
import { complaintSettings } from './settings.ts';

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
  await ctx.updateCard(
    cardFor(ctx, after, {
      note: `${ctx.sender.name} 已告知客户：投诉已受理，会尽快处理。${closes ? '回访计划已完成，投诉已结案。' : ''}`,
    }),
  );
  await ctx.toast(
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
    await ctx.reply(
      cardFor(ctx, after, { title: `调查已记录：${c._id}`, buttons: [], note: `已通知客服部拟定处理方式。${seen}` }),
    );
    await notifyCase(ctx.services, after, ['customer_service'], {
      title: `调查完成，待拟定处理：${c._id}`,
      note: '请拟定处理方式、判定责任归属并提出改善方案（§3.1.5、§3.1.6）。',
    });
  },
};
export const investigate = formStep(() => investigateForm.name, canInvestigate, '调查 TS-20261127-003');

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
    const next = waits
      ? `处理涉及金额（${approval.what}），超出客服部权限（§4.4），已报董事长核准；核准后才能告知客户结果，核准前不要向客户承诺。`
      : '请尽快把处理结果告知客户，然后点「告知客户结果」（§3.1.9）。';
    await ctx.reply(
      cardFor(ctx, after, { title: `处理已拟定：${c._id}`, note: `${next}有异议的部门可发「签呈」（§4.5）。` }),
    );
    await notifyCase(ctx.services, after, ['guard_ops'], {
      title: `处理已拟定：${c._id}`,
      note: '请按改善方案督促执行（§3.2.2）。如有异议，发送「签呈 编号 理由」。',
    });
    if (waits) await askChairman(ctx, after);
  };
}

/** §4.4: the chairman is asked to confirm a handling that commits money; nobody to ask is logged. */
export async function askChairman(ctx: StaffContext, c: ComplaintRecord): Promise<void> {
  const sent = await notifyCase(ctx.services, c, ['chairman'], {
    title: `处理涉及金额，待董事长核准：${c._id}`,
    note: `${ctx.sender.name} 拟定的处理涉及给客户的钱：${c.approval?.what ?? ''}（§4.4 不得超越核决权限承诺）。请核准，或写明原因不核准（退回客服部重新拟定）：发送「核准处理 ${c._id}」或「核准处理 ${c._id} 不同意 原因」。`,
    exceptStaffIds: ctx.sender.staffId ? [ctx.sender.staffId] : [],
  });
  if (!sent) ctx.log.warn({ complaint: c._id }, 'no chairman to confirm a handling that commits money');
}

export const decideForm: FormDefinition = {
  name: 'complaints.decide',
  allow: ['customer_service'],
  title: '投诉处理（客服部）',
  fields: decisionFields,
  submit: decisionSubmit(false),
};

export const decideFeeForm: FormDefinition = {
  name: 'complaints.decideFee',
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

// ─── §3.1.9 the result is told to the client; §3.1.10 follow-up plan ────────

/**
 * 告知日期 as typed (2026-11-27, 11月27日, 今天, 昨天…) → yyyy-MM-dd, which this parse reads back as
 * the same day; not after today. Whether it is after the case was accepted needs the case: its check.
 */
function parseToldOn(input: string, ctx: BotContext): FieldResult {
  const now = ctx.services.now();
  const tz = ctx.services.config.timezone;
  const day = resolveDate(input.replace(/\s+/g, ''), now, tz);
  if (!day) return { ok: false, error: '告知日期请写成 2026-11-27、11月27日、今天 或 昨天。' };
  const problem = toldOnProblem(day, now, tz);
  return problem ? { ok: false, error: problem } : { ok: true, value: day };
}

/** The 告知日期 the form holds, today when it was left empty; undefined when it is not a date. */
function toldOnOf(v: Record<string, string>, now: Date, tz: string): string | undefined {
  return resolveDate(v.toldOn || '今天', now, tz);
}

export const resultForm: FormDefinition = {
  name: 'complaints.result',
  allow: ['customer_service'],
  title: '告知客户处理结果（§3.1.9）',
  fields: [
    {
      key: 'content',
      label: '告知内容',
      required: true,
      parse: required('告知内容', 500),
      // §4.4: money promised to the client needs a handling the chairman confirmed; refused at this question
      check: async (content, ctx, context) => {
        const c = await loadComplaint(context.id ?? '');
        return c ? toldBeyondAuthority(content, c, has(ctx)) : undefined;
      },
    },
    {
      key: 'via',
      label: '告知方式',
      prompt: '请输入告知方式：电话 / 书信 / 面谈',
      placeholder: '电话 / 书信 / 面谈',
      parse: (i) =>
        /^(电话|书信|面谈|上门|微信|短信)$/.test(i)
          ? { ok: true, value: i }
          : { ok: false, error: '告知方式请填：电话 / 书信 / 面谈（§4.4 以书信或电话转达）。' },
    },
    {
      key: 'toldOn',
      label: '告知日期',
      prompt: '请输入告知日期（如 2026-11-27；今天可回复「跳过」）',
      placeholder: '留空为今天',
      parse: parseToldOn,
      // §3.1.9: the client cannot have been told before the case was accepted; refused at this question
      check: async (toldOn, ctx, context) => {
        const c = await loadComplaint(context.id ?? '');
        return c ? toldOnProblem(toldOn, ctx.services.now(), ctx.services.config.timezone, c.acceptedAt) : undefined;
      },
    },
  ],
  async submit(ctx, v, context) {
    const c = await caseForSubmit(ctx, context, canTellResult);
    if (!c) return;
    const now = ctx.services.now();
    const tz = ctx.services.config.timezone;
    // read and checked at its question (a skipped one is today, which is never before acceptance)
    const toldOn = toldOnOf(v, now, tz)!;
    // checked at the 告知内容 question; the handling may have changed since (a new round, the chairman's ruling)
    const beyond = toldBeyondAuthority(v.content ?? '', c, has(ctx));
    if (beyond) {
      await ctx.reply(`${beyond}没有保存。`);
      return;
    }
    const days = complaintSettings.of(ctx.services.config).followUpDays;
    const plan: FollowUp[] = followUpPlan(toldOn, now, days, tz).map((f) => ({
      ...f,
      remindedAt: null,
      doneAt: null,
      by: null,
      outcome: '',
      note: '',
    }));
    const result = { toldOn, content: v.content ?? '', via: v.via ?? '', by: actor(ctx), at: now };
    const detail = `${toldOn}${v.via ? ` ${v.via}` : ''}：${v.content}；回访计划 ${plan.length} 次`;
    if (!(await applyStep(ctx, c, { status: 'following_up', result, followUps: plan }, '告知客户结果', detail))) return;
    const after = (await loadComplaint(c._id))!;
    await ctx.reply(
      cardFor(ctx, after, {
        title: `已告知客户结果：${c._id}`,
        note: `已建立回访计划（告知日期 ${toldOn} 后 ${days.map((d) => `${d} 天`).join('、')}），到期会提醒你（§3.1.10）。`,
      }),
    );
  },
};
export const tellResult = formStep(() => resultForm.name, canTellResult, '告知结果 TS-20261127-003');
