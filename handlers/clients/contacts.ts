import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { actor } from '../../src/core/audit.ts';
import type { BotContext, StaffContext } from '../../src/core/context.ts';
import { resolveDate } from '../../src/core/dates.ts';
import {
  type FieldResult,
  type FormDefinition,
  type FormField,
  freeText,
  storedAsTyped,
} from '../../src/core/forms.ts';
import type { PictureTarget } from '../../src/core/router.ts';
import { echo, normalizeText, tidyText } from '../../src/core/text.ts';
import type { Attachment } from '../../src/core/types.ts';
import { parseComplaintNumber, parseSatisfied } from '../complaints/api.ts';
import type { ContactKind } from './cadence-rules.ts';
import { logLine, type PromiseView, promiseLine } from './cards.ts';
import { clientFromAction, findOneClient } from './common.ts';
import { complaintFields, complaintForContact, countComplaintFollowUp } from './complaint-followups.ts';
import { ClientLog, type ClientRecord, clientLogRows } from './models.ts';
import { pendingLines, type Tracked, trackPromises } from './promise-approval.ts';
import { CONTACTERS, dayOf, PROMISE_HINT, parsePromises } from './rules.ts';
import { loadClient, recordContact } from './store.ts';

/*
 * II 客户拜访 logged in chat: a phone follow-up (date, who was reached, what was said) or a visit as
 * the 拜访报告 / 拜访客户记录卡; either restarts the client's cadence. II.7 promises made on a visit
 * become tracked items, reminded until marked done (promises.ts).
 */

/** A free-text answer, stored as typed. */
const text = (max: number, label: string) => freeText(label, max);

function parseContactDay(input: string, ctx: BotContext): FieldResult {
  const now = ctx.services.now();
  const tz = ctx.services.config.timezone;
  const day = resolveDate(input, now, tz);
  if (!day) return { ok: false, error: `日期「${echo(input)}」看不懂，请写成 今天、昨天、11月25日 或 2026-11-25。` };
  if (day > dayOf(now, tz)) return { ok: false, error: '日期不能晚于今天：请在联系之后再记录。' };
  return { ok: true, value: day };
}

const dayField: FormField = {
  key: 'day',
  label: '日期',
  prompt: '哪天联系的？（今天可回复「跳过」）',
  placeholder: '留空为今天；如 11月25日',
  parse: parseContactDay,
};

export const callForm: FormDefinition = {
  name: 'clients.call',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '电话回访记录',
  allow: CONTACTERS,
  fields: [
    {
      key: 'reached',
      label: '联系人',
      required: true,
      prompt: '这次电话联系的是谁？（姓名或职务）',
      parse: text(40, '联系人'),
    },
    {
      key: 'content',
      label: '沟通内容',
      required: true,
      prompt: '沟通了什么？客户的意见和要求？',
      parse: text(500, '沟通内容'),
    },
    dayField,
  ],
  submit: (ctx, values, context) => saveLog(ctx, context.id ?? '', 'call', values),
};

export const visitForm: FormDefinition = {
  name: 'clients.visit',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '拜访报告（拜访客户记录卡）',
  allow: CONTACTERS,
  fields: [
    {
      key: 'purpose',
      label: '拜访目的',
      required: true,
      prompt: '这次拜访的目的是什么？（II.2.1）',
      parse: text(200, '拜访目的'),
    },
    { key: 'reached', label: '接待人', required: true, prompt: '接待你的是谁？（II.2.6）', parse: text(40, '接待人') },
    { key: 'reachedTitle', label: '接待人职务', prompt: '接待人的职务？', parse: text(40, '职务') },
    { key: 'needs', label: '客户需求', prompt: '了解到客户有什么需求？（II.1.1）', parse: text(500, '客户需求') },
    {
      key: 'problems',
      label: '发现的问题',
      prompt: '发现保安工作有什么问题或矛盾？（II.1.2）',
      parse: text(500, '发现的问题'),
    },
    {
      key: 'help',
      label: '指导和培训',
      prompt: '给客户做了什么指导、培训或帮助？（II.6.1）',
      parse: text(500, '指导和培训'),
    },
    {
      key: 'objections',
      label: '客户异议及处理',
      prompt: '客户有什么异议？你是怎么处理的？（II.6.4）',
      parse: text(500, '客户异议及处理'),
    },
    {
      key: 'competitors',
      label: '竞争对手情况',
      prompt: '了解到竞争对手的什么情况？（II.4.2）',
      parse: text(300, '竞争对手情况'),
    },
    {
      key: 'prospects',
      label: '潜在客户信息',
      prompt: '当地有什么潜在客户？（II.4.1）',
      parse: text(300, '潜在客户信息'),
    },
    {
      key: 'promises',
      label: '对客户的承诺',
      prompt: `答应了客户什么？${PROMISE_HINT}（涉及减免、退款、赔偿、免费等给客户的钱，须董事长核准才算承诺，第十章三 §4.4；没有可回复「跳过」）`,
      placeholder: '每条一行：事项 截止日期',
      // free text with a day in it: stored as typed (「送排班表，含夜班」 keeps its comma), checked folded
      parse: storedAsTyped((input, ctx) => {
        const r = parsePromises(input, ctx.services.now(), ctx.services.config.timezone);
        return r.ok ? { ok: true, value: input } : { ok: false, error: r.error };
      }),
    },
    dayField,
  ],
  submit: (ctx, values, context) => saveLog(ctx, context.id ?? '', 'visit', values),
};

/** The same forms when the contact is also a complaint's follow-up (III.3.1.10): two fields more, shown only then. */
export const callComplaintForm = withComplaint(callForm);
export const visitComplaintForm = withComplaint(visitForm);
function withComplaint(form: FormDefinition): FormDefinition {
  return {
    ...form,
    name: `${form.name}.complaint`,
    title: `${form.title}（同时是投诉回访）`,
    fields: [...form.fields, ...complaintFields],
  };
}

/** The instant a contact on `day` is recorded at: now for today, noon of an earlier day. */
function contactAt(ctx: BotContext, day: string): Date {
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  return day === dayOf(now, tz) ? now : DateTime.fromISO(day, { zone: tz }).set({ hour: 12 }).toJSDate();
}

async function saveLog(
  ctx: StaffContext,
  clientId: string,
  kind: ContactKind,
  values: Record<string, string>,
): Promise<void> {
  const c = await loadClient(clientId);
  if (!c) {
    await ctx.reply('找不到这个客户了，没有保存。请用「客户 名称」重新查找。');
    return;
  }
  const now = ctx.services.now();
  const tz = ctx.services.config.timezone;
  const day = values.day || dayOf(now, tz);
  const at = contactAt(ctx, day);
  const by = actor(ctx);
  const log = await ClientLog.create({ ...values, clientId, clientName: c.name, kind, day, at, by, photos: [] });
  await recordContact(clientId, kind, at, ctx.sender?.identity ?? by.name);
  let tracked: Tracked = { open: [], pending: [] };
  if (kind === 'visit' && values.promises) {
    // stored as typed; a day typed in full-width digits (１２月５日) is found in the folded text only
    const parsed = [values.promises, normalizeText(values.promises)]
      .map((t) => parsePromises(t, now, tz))
      .find((r) => r.ok) ?? { ok: false as const };
    // III §4.4: a promise of money beyond the owner's authority waits for the chairman
    tracked = await trackPromises(ctx, c, parsed.ok ? parsed.items : [], String(log._id));
  }
  const made: PromiseView[] = tracked.open;
  ctx.log.info(
    { client: c.name, kind, promises: made.length, pending: tracked.pending.length },
    'client contact logged',
  );
  const lines = [logLine(log.toObject())];
  if (made.length)
    lines.push(
      '已建立承诺跟踪（到期前提醒你，完成后发送「承诺完成 编号」）：',
      ...made.map((p) => `• ${promiseLine(p, now, tz)}`),
    );
  lines.push(...pendingLines(tracked.pending));
  // III.3.1.10: the same call or visit may be a complaint's follow-up, recorded on the complaint
  const reached = values.reached ? `，联系 ${values.reached}` : '';
  const said =
    kind === 'call'
      ? values.content
      : [values.purpose, values.problems && `问题：${values.problems}`].filter(Boolean).join('；');
  const counted = await countComplaintFollowUp(ctx, c, values, {
    at,
    day,
    note: `${kind === 'call' ? '电话回访' : '拜访'}${reached}：${said ?? ''}`,
  });
  if (counted.complaintId)
    await ClientLog.updateOne(
      { _id: log._id },
      { $set: { complaintId: counted.complaintId, complaintSeq: counted.seq } },
    );
  lines.push(...counted.lines);
  const note =
    kind === 'visit'
      ? '跟进周期从这次联系重新计算。现场照片可以直接发给我，附在这次拜访上。'
      : '跟进周期从这次联系重新计算。';
  await ctx.reply({ title: `已记录${kind === 'call' ? '电话回访' : '拜访'}：${c.name}`, color: 'green', lines, note });
}

/**
 * 跟进 <客户> [TS-编号] [联系人 [满意|不满意] 内容…]: one message logs it; less starts the form (a
 * form card on Lark). The number, or the only complaint follow-up due, makes it that follow-up too.
 * `字段: 值` (联系人: 张经理 沟通内容: …), on lines or on the command's line, fill the form as in
 * every other form.
 */
export async function logCall(ctx: BotContext): Promise<void> {
  const form = callComplaintForm;
  const lines = ctx.services.forms.oneFieldPerLine(ctx, form.name, ctx.args).split('\n');
  // oneFieldPerLine writes each field as `label: value`
  const isField = (line: string) =>
    form.fields.some((f) => line.startsWith(`${f.label}: `) || line.startsWith(`${f.key}: `));
  const given = lines.filter(isField);
  const [query = '', ...words] = lines
    .filter((l) => !isField(l))
    .join(' ')
    .trim()
    .split(/\s+/);
  const c = await findOneClient(ctx, query, '跟进 万达物业 张经理 对夜班满意');
  if (!c || !(await notArchived(ctx, c))) return;
  const pick = await complaintForContact(ctx, c, words, `跟进 ${c.name} 张经理 满意 夜班已改善`);
  if (!pick.ok) return;
  // the command's words come folded (NFKC); what was said is stored as it was typed (「嫌价格高，已解释」)
  const typed = typedWords(ctx);
  const [reached = '', ...content] = pick.words.map((w) => typed.get(w) ?? w);
  // 跟进 万达物业 张经理 满意 … : the first word says how the complaint follow-up went
  const outcome =
    pick.lines.length && content[0] && parseSatisfied(normalizeText(content[0])) !== undefined
      ? `投诉回访结果: ${content[0]}`
      : '';
  const said = content.length || given.some((l) => l.startsWith('沟通内容: '));
  // the fields typed as `字段: 值` first: a form reads the first value given for a field
  const prefill = [
    ...given,
    reached && `联系人: ${reached}`,
    content.length ? `沟通内容: ${content.join(' ')}` : '',
    ...pick.lines,
    outcome,
  ]
    .filter(Boolean)
    .join('\n');
  const chosen = pick.lines.length ? callComplaintForm : callForm;
  // said in one message, the call was today unless a 日期 was given; else the form asks it
  await ctx.services.forms.start(ctx, chosen.name, said ? `${prefill}\n日期: 今天` : prefill, { id: String(c._id) });
}

/** The words of the message as typed, by their folded form (the form commands read). */
function typedWords(ctx: BotContext): Map<string, string> {
  return new Map(
    tidyText(ctx.event.text ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => [normalizeText(w), w] as const),
  );
}

/** 拜访 <客户> [TS-编号]: the 拜访报告 form (a form card on Lark); `字段: 值` lines below fill it at once. */
export async function logVisit(ctx: BotContext): Promise<void> {
  const [first = '', ...rest] = ctx.args.split('\n');
  const words = first.trim().split(/\s+/);
  const number = words.length > 1 && parseComplaintNumber(words.at(-1)!) ? words.pop()! : '';
  const c = await findOneClient(ctx, words.join(' '), '拜访 万达物业');
  if (!c || !(await notArchived(ctx, c))) return;
  const pick = await complaintForContact(ctx, c, number ? [number] : [], `拜访 ${c.name}`);
  if (!pick.ok) return;
  const form = pick.lines.length ? visitComplaintForm : visitForm;
  await ctx.services.forms.start(ctx, form.name, [...rest, ...pick.lines].join('\n'), { id: String(c._id) });
}

async function notArchived(ctx: BotContext, c: ClientRecord): Promise<boolean> {
  if (c.status !== 'lost') return true;
  await ctx.reply(`客户「${c.name}」已归档（已流失）。要恢复请发送「修改客户 ${c.name}\n状态: 现有」。`);
  return false;
}

export const callFromCard = formFromCard(callForm, callComplaintForm);
export const visitFromCard = formFromCard(visitForm, visitComplaintForm);
function formFromCard(plain: FormDefinition, withComplaint: FormDefinition) {
  return async (ctx: BotContext): Promise<void> => {
    const c = await clientFromAction(ctx);
    if (!c || !(await notArchived(ctx, c))) return;
    const pick = await complaintForContact(ctx, c, [], `${plain === callForm ? '跟进' : '拜访'} ${c.name}`);
    if (pick.ok)
      await ctx.services.forms.start(ctx, (pick.lines.length ? withComplaint : plain).name, pick.lines.join('\n'), {
        id: String(c._id),
      });
  };
}

/** Pictures sent this long after logging a visit are that visit's photos (II 拜访报告). */
const PHOTO_WINDOW_MS = 2 * 3600_000;

/**
 * The sender's visit report logged within the photo window. By when it was written (wall clock):
 * a report may be for an earlier day, and the photos follow the writing.
 */
async function recentVisitOf(ctx: StaffContext) {
  if (!ctx.sender.staffId) return undefined;
  const [log] = await clientLogRows.all(
    { 'by.staffId': ctx.sender.staffId, kind: 'visit', createdAt: { $gte: new Date(Date.now() - PHOTO_WINDOW_MS) } },
    { sort: { createdAt: -1 }, limit: 1 },
  );
  return log;
}

/** A picture from someone who just logged a visit may be of that visit, as of the writing. */
export async function wantsVisitPhoto(ctx: StaffContext): Promise<PictureTarget | undefined> {
  const log = await recentVisitOf(ctx);
  return log && { id: String(log._id), at: log.createdAt, label: `${log.clientName} 拜访报告（${log.day}）` };
}

/** Keeps the photos (references) on the visit report; a log is never decided on, so a plain update is safe. */
export async function attachVisitPhoto(
  ctx: StaffContext,
  target: PictureTarget,
  attachments: readonly Attachment[],
): Promise<void> {
  const log = mongoose.isValidObjectId(target.id) ? await ClientLog.findById(target.id).lean() : null;
  if (!log || log.by.staffId !== ctx.sender.staffId) {
    await ctx.reply('收到了，但没有找到你记录的这次拜访。请先发送「拜访 客户名称」。');
    return;
  }
  const refs = attachments.map((a) => a.ref);
  await ClientLog.updateOne({ _id: log._id }, { $addToSet: { photos: { $each: refs } } });
  const n = new Set([...(log.photos ?? []), ...refs]).size;
  await ctx.reply(`已附到 ${log.clientName} 的拜访报告（${log.day}），共 ${n} 张照片。`);
}
