import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { echo, typedTail } from '../../src/core/text.ts';
import { ACCEPTORS, canConfirmCase, canReclassify } from './acceptance-rules.ts';
import { applyStep, complaintFromAction, findComplaint, fmt, has, loadComplaint, refused } from './common.ts';
import type { Category, ComplaintRecord } from './models.ts';
import { dueLine, notifyStep, replyStep, type StepNotice, toInvestigate, waitingLine, who } from './notice.ts';
import {
  CATEGORY_HINT,
  CATEGORY_LABELS,
  CATEGORY_SHORT,
  categoryFromExactWords,
  categoryFromWords,
  deadlinesFor,
} from './rules.ts';
import { complaintSettings } from './settings.ts';
import { required } from './steps.ts';

/*
 * §4.1 客户投诉首先由客户服务部受理…并由客户服务部进行确认签字, §2 the category, §3.1.3 the time
 * limit that follows it. A registration by anyone outside 客服部 waits (`unconfirmed`, no clock) for
 * 客服部 to confirm it, keeping or changing the category; 客服部 may change it later too, until the
 * decision is drafted under it. Every change keeps who, when, old → new and why, and the time limit
 * is recomputed from acceptance under the new category. The registrant never changes it.
 */

/** The 确认受理 button's card is shown updated in place; a command or a form gets a new one. */
async function show(ctx: StaffContext, c: ComplaintRecord, n: StepNotice): Promise<void> {
  await replyStep(ctx, c, n, { update: ctx.action?.action === 'complaints.confirm' });
}

function registrantOf(c: ComplaintRecord) {
  return c.registeredBy ?? c.acceptedBy;
}

/** The category a command names right after the number (扣服务费, 2, 非正当…), and the rest. */
function categoryWord(rest: string): { category?: Category; tail: string; word: string } {
  const [word = '', ...more] = rest.trim().split(/\s+/);
  const category = word ? (categoryFromExactWords(word) ?? categoryFromWords(word)) : undefined;
  return category ? { category, tail: more.join(' '), word } : { tail: rest.trim(), word };
}

/**
 * 客服部 accepts an unconfirmed case: 投诉受理 and 受理日期 become theirs and now, the time limit
 * runs from now under the category kept or set (a change needs its reason), and 人防部 is told.
 */
async function accept(ctx: StaffContext, c: ComplaintRecord, category: Category, reason: string): Promise<void> {
  if (await refused(ctx, canConfirmCase(c, has(ctx), ctx.sender.staffId))) return;
  const changed = category !== c.category;
  if (changed && !reason) {
    await ctx.reply(
      `把分类从${CATEGORY_LABELS[c.category]}改为${CATEGORY_LABELS[category]}须写明原因，例如：确认投诉 ${c._id} ${CATEGORY_SHORT[category]} 客户依合同要求扣服务费`,
    );
    return;
  }
  const now = ctx.services.now();
  const s = complaintSettings.of(ctx.services.config);
  const { dueAt } = deadlinesFor(now, category, s.limitHours, s.remindBeforeHours);
  const by = actor(ctx);
  const set: Partial<ComplaintRecord> = {
    status: 'registered',
    category,
    acceptedBy: by,
    acceptedAt: now,
    dueAt,
    remindedAt: null,
    overdueAt: null,
  };
  const change = changed ? `；分类 ${CATEGORY_LABELS[c.category]} → ${CATEGORY_LABELS[category]}：${reason}` : '';
  const detail = `${CATEGORY_LABELS[category]}，处理时限 ${fmt(ctx.services, dueAt)}${change}`;
  const push = changed ? { categoryChanges: { at: now, by, from: c.category, to: category, reason } } : {};
  if (!(await applyStep(ctx, c, set, '确认受理', detail, push))) return;
  const after = (await loadComplaint(c._id))!;
  const ops = await notifyStep(ctx.services, after, ['guard_ops'], toInvestigate(ctx.services, after));
  const registrant = registrantOf(c);
  const recategorized = changed ? `，分类改为${CATEGORY_SHORT[category]}（${reason}）` : '';
  await notifyStep(
    ctx.services,
    after,
    [],
    {
      title: `投诉已确认受理：${c._id}`,
      lines: [
        `${ctx.sender.name}（客服部）已确认受理${recategorized}。`,
        `下一步：${who('guard_ops', ops)} 调查，${dueLine(ctx.services, after)}。`,
      ],
    },
    { people: registrant.staffId && registrant.staffId !== ctx.sender.staffId ? [registrant] : [] },
  );
  await show(ctx, after, {
    title: `已确认受理：${c._id}`,
    lines: [
      `${CATEGORY_LABELS[category]}，${dueLine(ctx.services, after)}（§3.1.3）。`,
      `下一步：${who('guard_ops', ops)} 调查（发送「调查 ${c._id}」）。`,
    ],
  });
}

/** 客服部 changes the category of an accepted case: the time limit is recomputed from acceptance. */
async function reclassify(ctx: StaffContext, c: ComplaintRecord, category: Category, reason: string): Promise<void> {
  if (c.status === 'unconfirmed') {
    await accept(ctx, c, category, reason);
    return;
  }
  if (await refused(ctx, canReclassify(c, has(ctx), ctx.sender.staffId))) return;
  if (category === c.category) {
    await ctx.reply(`投诉 ${c._id} 已经是${CATEGORY_LABELS[category]}，没有改动。`);
    return;
  }
  const now = ctx.services.now();
  const s = complaintSettings.of(ctx.services.config);
  const { dueAt } = deadlinesFor(new Date(c.acceptedAt), category, s.limitHours, s.remindBeforeHours);
  const by = actor(ctx);
  // the reminder is owed again before the new limit; an escalation already made stays on the record
  const set: Partial<ComplaintRecord> = { category, dueAt, remindedAt: null };
  const detail = `${CATEGORY_LABELS[c.category]} → ${CATEGORY_LABELS[category]}：${reason}；处理时限 ${fmt(ctx.services, c.dueAt)} → ${fmt(ctx.services, dueAt)}`;
  if (
    !(await applyStep(ctx, c, set, '改分类', detail, {
      categoryChanges: { at: now, by, from: c.category, to: category, reason },
    }))
  )
    return;
  const after = (await loadComplaint(c._id))!;
  const past = dueAt <= now ? '新时限已过，系统会按逾期上报（§3.1.3）。' : '';
  const changedTo = `${CATEGORY_SHORT[c.category]} → ${CATEGORY_SHORT[category]}，处理时限按受理时间重算为 ${fmt(ctx.services, dueAt)}（§3.1.3）。${past}`;
  await show(ctx, after, { title: `已改分类：${c._id}`, lines: [changedTo, waitingLine(ctx.services, after)] });
  const registrant = registrantOf(c);
  await notifyStep(
    ctx.services,
    after,
    [],
    {
      title: `投诉改分类：${c._id}`,
      lines: [`${ctx.sender.name}（客服部，原因：${reason}）：${changedTo}`, waitingLine(ctx.services, after)],
    },
    { people: [registrant, c.acceptedBy].filter((p) => p.staffId && p.staffId !== ctx.sender.staffId) },
  );
}

/** 确认投诉 <编号> [分类 原因] */
export async function confirmCommand(ctx: StaffContext): Promise<void> {
  const example = '确认投诉 TS-20261127-003  或  确认投诉 TS-20261127-003 扣服务费 客户依合同要求扣服务费';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const { category, tail, word } = categoryWord(found.rest);
  if (word && !category) {
    await ctx.reply(`分类「${echo(word)}」不认识。${CATEGORY_HINT}。例如：${example}`);
    return;
  }
  await accept(ctx, found.c, category ?? found.c.category, typedTail(ctx.event.text ?? '', tail));
}

/** 改分类 <编号> <分类> <原因> */
export async function reclassifyCommand(ctx: StaffContext): Promise<void> {
  const example = '改分类 TS-20261127-003 扣服务费 客户依合同要求扣服务费';
  const found = await findComplaint(ctx, ctx.args, example);
  if (!found) return;
  const { category, tail, word } = categoryWord(found.rest);
  if (!category) {
    await ctx.reply(
      word ? `分类「${echo(word)}」不认识。${CATEGORY_HINT}。例如：${example}` : `请写明新分类和原因，例如：${example}`,
    );
    return;
  }
  const reason = typedTail(ctx.event.text ?? '', tail);
  if (!reason) {
    await ctx.reply(`改分类须写明原因，例如：${example}`);
    return;
  }
  await reclassify(ctx, found.c, category, reason);
}

/** Button 确认受理: keeps the registered category. */
export async function confirmFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  if (c) await accept(ctx, c, c.category, '');
}

export const reclassifyForm: FormDefinition = {
  name: 'complaints.reclassify',
  oneMessage: 'apply',
  allow: ACCEPTORS,
  title: '修改投诉分类（§2、§4.1）',
  fields: [{ key: 'reason', label: '改分类原因', required: true, parse: required('改分类原因', 200) }],
  async submit(ctx, v, context) {
    const c = await loadComplaint(context.id ?? '');
    const category = categoryFromExactWords(context.category ?? '');
    if (!c || !category) {
      await ctx.reply('找不到这件投诉，没有保存。');
      return;
    }
    await reclassify(ctx, c, category, v.reason!);
  },
};

/** Button 改为一般性 / 扣服务费 / 非正当理由: checks the rule, then asks the reason. */
export async function reclassifyFromCard(ctx: StaffContext): Promise<void> {
  const c = await complaintFromAction(ctx);
  const category = categoryFromExactWords(ctx.action?.value.category ?? '');
  if (!c || !category) return;
  const verdict =
    c.status === 'unconfirmed'
      ? canConfirmCase(c, has(ctx), ctx.sender.staffId)
      : canReclassify(c, has(ctx), ctx.sender.staffId);
  if (await refused(ctx, verdict)) return;
  await ctx.services.forms.start(ctx, reclassifyForm.name, '', { id: c._id, category });
}
