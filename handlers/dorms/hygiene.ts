import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { actor } from '../../src/core/audit.ts';
import type { BotContext, StaffContext } from '../../src/core/context.ts';
import { monthOf } from '../../src/core/dates.ts';
import type { FormDefinition, FormField } from '../../src/core/forms.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import type { PictureTarget } from '../../src/core/router.ts';
import { isSubject } from '../../src/core/subject.ts';
import { echo } from '../../src/core/text.ts';
import type { Attachment } from '../../src/core/types.ts';
import { allDormNames, loadRosters, pickDorm } from './common.ts';
import { defaultScore, HYGIENE_CHECKLIST, parsePassFail, parseScore, rankDorms, rankLine } from './hygiene-rules.ts';
import { DormLeader, HygieneEvaluation } from './models.ts';
import { CLAUSE } from './rules.ts';

/*
 * 卫生评比 (§3.3.2) against the §3.3.1 checklist: 综合部 or any 队长 marks each item 合格/不合格
 * with a score and notes; `卫生评比 2026-11` ranks the dorms of a month. A leader scoring a dorm
 * they lead is its subject (#20): that evaluation is kept as a self-check (自查) and the ranking
 * uses only 综合部's or another leader's.
 */

/** §3.3.2 who evaluates: 综合部, and any 队长 (their own dorm as a self-check, another's counted). */
const EVALUATORS = ['team_leader', 'general_affairs'] as const;
const mayEvaluate = (ctx: BotContext) => ctx.hasRole(...EVALUATORS);

const passField = (key: string, label: string): FormField => ({
  key,
  label,
  required: true,
  prompt: `${label}：合格还是不合格？（回复 合格 / 不合格）`,
  placeholder: '合格 / 不合格',
  parse: (input) => {
    const v = parsePassFail(input);
    return v === undefined
      ? { ok: false, error: `「${echo(input)}」请写 合格 或 不合格` }
      : { ok: true, value: v ? '合格' : '不合格' };
  },
});

export const hygieneForm: FormDefinition = {
  name: 'dorms.hygiene',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: `宿舍卫生评比（${CLAUSE.hygieneEvaluation}）`,
  allow: [...EVALUATORS],
  fields: [
    ...HYGIENE_CHECKLIST.map((i) => passField(i.key, i.label)),
    {
      key: 'score',
      label: '总分',
      prompt: '总分（0–100）；回复「跳过」按合格项自动计算',
      parse: (input) => {
        const n = parseScore(input);
        return n === undefined
          ? { ok: false, error: '总分请写 0 到 100 的整数，如 85' }
          : { ok: true, value: String(n) };
      },
    },
    { key: 'notes', label: '备注', prompt: '备注（发现的问题、整改要求）' },
  ],
  async validate(ctx, _values, context): Promise<Record<string, string>> {
    const dorm = context.dorm ?? '';
    if (!mayEvaluate(ctx)) return { bed: `只有队长或综合部可以记录 ${dorm} 的卫生评比。` };
    return {};
  },
  async submit(ctx, values, context) {
    await record(ctx, context.dorm ?? '', values);
  },
};

async function record(ctx: BotContext, dorm: string, values: Record<string, string>): Promise<void> {
  const items = HYGIENE_CHECKLIST.map((i) => ({ key: i.key, label: i.label, pass: values[i.key] === '合格' }));
  const score = values.score ? Number(values.score) : defaultScore(items);
  const now = ctx.services.now();
  const date = DateTime.fromJSDate(now, { zone: ctx.services.config.timezone }).toISODate()!;
  const leaders = (await DormLeader.find({ dorm }, { staffId: 1 }).lean()).map((l) => l.staffId);
  const selfCheck = isSubject(ctx.sender?.staffId, leaders);
  await HygieneEvaluation.create({
    dorm,
    date,
    items,
    score,
    inspector: actor(ctx),
    selfCheck,
    notes: values.notes ?? '',
    at: now,
  });
  const failed = items.filter((i) => !i.pass).map((i) => i.label);
  const self = selfCheck ? `这是你负责宿舍的自查，不计入评比排名（本人回避）：排名用综合部或其他队长的检查。` : '';
  await ctx.reply(
    `已记录 ${dorm} ${date} 卫生评比：${score} 分${failed.length ? `；不合格：${failed.join('、')}` : '；全部合格'}。${self}发送「卫生评比 ${date.slice(0, 7)}」看本月排名。现场照片可以直接发给我。`,
  );
}

/**
 * 卫生检查 [宿舍] — a form card (Lark) or one question per item; `卫生检查 城南宿舍 合格 合格 不合格
 * 合格 合格 合格 85 床下有杂物` records it in one message.
 */
export async function startEvaluation(ctx: BotContext): Promise<void> {
  const picked = await pickDorm(ctx, ctx.args, '卫生检查 城南宿舍', { anyDorm: mayEvaluate(ctx) });
  if (!picked) return;
  const tokens = picked.rest.split(/\s+/).filter(Boolean);
  const marks = tokens.slice(0, HYGIENE_CHECKLIST.length).map(parsePassFail);
  if (tokens.length >= HYGIENE_CHECKLIST.length && marks.every((m) => m !== undefined)) {
    const values: Record<string, string> = {};
    for (const [i, item] of HYGIENE_CHECKLIST.entries()) values[item.key] = marks[i] ? '合格' : '不合格';
    const rest = tokens.slice(HYGIENE_CHECKLIST.length);
    const score = rest[0] !== undefined ? parseScore(rest[0]) : undefined;
    if (score !== undefined) rest.shift();
    values.score = score !== undefined ? String(score) : '';
    values.notes = rest.join(' ');
    await record(ctx, picked.dorm, values);
    return;
  }
  await ctx.services.forms.start(ctx, hygieneForm.name, picked.rest, { dorm: picked.dorm });
}

/** 卫生评比 [月份]: the month's ranking across dorms; dorms with residents and no evaluation are listed last. */
export async function ranking(ctx: BotContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const text = ctx.args.trim();
  const month = text ? readMonth(text, ctx.services.now(), tz) : monthOf(ctx.services.now(), tz);
  if (!month) {
    await ctx.reply(`月份「${echo(text)}」看不懂，请写成 本月、上月、2026-11 或 11月。例如：卫生评比 2026-11`);
    return;
  }
  const evals = await HygieneEvaluation.find({ date: { $gte: `${month}-01`, $lte: `${month}-31` } }).lean();
  const inhabited = (await loadRosters(ctx.services, await allDormNames()))
    .filter((r) => r.residents.length)
    .map((r) => r.name);
  const rows = rankDorms(
    evals.map((e) => ({
      dorm: e.dorm,
      score: e.score,
      selfCheck: !!e.selfCheck,
      items: e.items.map((i) => ({ key: i.key ?? '', pass: !!i.pass })),
    })),
    inhabited,
  );
  if (!evals.length) {
    await ctx.reply(`${month} 还没有卫生评比记录。队长或综合部发送「卫生检查 宿舍名」记录。`);
    return;
  }
  await ctx.reply([`${month} 宿舍卫生评比（${CLAUSE.hygieneEvaluation}）：`, ...rows.map(rankLine)].join('\n'));
}

/** Pictures sent this long after recording an evaluation are its photos (§3.3.2). */
const PHOTO_WINDOW_MS = 2 * 3600_000;

async function recentEvaluationOf(ctx: StaffContext) {
  if (!ctx.sender.staffId) return undefined;
  const since = new Date(ctx.services.now().getTime() - PHOTO_WINDOW_MS);
  const [e] = await HygieneEvaluation.find({ 'inspector.staffId': ctx.sender.staffId, at: { $gte: since } })
    .sort({ at: -1 })
    .limit(1)
    .lean();
  return e;
}

/** A picture from someone who just recorded a hygiene evaluation may be of it, as of the evaluation. */
export async function wantsHygienePhoto(ctx: StaffContext): Promise<PictureTarget | undefined> {
  const e = await recentEvaluationOf(ctx);
  return e && { id: String(e._id), at: e.at, label: `${e.dorm} ${e.date} 卫生评比` };
}

/** Keeps the photos (references) on the evaluation; nothing is decided on it, so a plain update is safe. */
export async function attachHygienePhoto(
  ctx: StaffContext,
  target: PictureTarget,
  attachments: readonly Attachment[],
): Promise<void> {
  const e = mongoose.isValidObjectId(target.id) ? await HygieneEvaluation.findById(target.id).lean() : null;
  if (!e || e.inspector.staffId !== ctx.sender.staffId) {
    await ctx.reply('收到了，但没有找到你记录的这次卫生评比。请先发送「卫生检查 宿舍名」。');
    return;
  }
  const refs = attachments.map((a) => a.ref);
  await HygieneEvaluation.updateOne({ _id: e._id }, { $addToSet: { photos: { $each: refs } } });
  const n = new Set([...(e.photos ?? []), ...refs]).size;
  await ctx.reply(`已附到 ${e.dorm} ${e.date} 的卫生评比，共 ${n} 张照片。`);
}
