import { actor } from '../../src/core/audit.ts';
import type { BotContext } from '../../src/core/context.ts';
import { resolveDate } from '../../src/core/dates.ts';
import type { FieldResult, FormDefinition } from '../../src/core/forms.ts';
import { toldBeyondAuthority } from './authority-rules.ts';
import { applyStep, type FollowUp, fmt, has, loadComplaint } from './common.ts';
import { replyStep } from './notice.ts';
import { canTellResult, followUpPlan, toldOnProblem } from './rules.ts';
import { complaintSettings } from './settings.ts';

import { caseForSubmit, formStep, required } from './steps.ts';

/*
 * §3.1.9 the result told to the client, and the §3.1.10 follow-up plan it starts. Split from steps.ts.
 */

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
  oneMessage: 'apply',
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
    const first = after.followUps[0];
    // §3.1.6: the case cannot close before the improvement is confirmed 有效
    const effect = after.effect?.effective ? '' : `确认改善效果（发送「改善效果 ${c._id} 有效/无效」）；`;
    await replyStep(ctx, after, {
      title: `已告知客户结果：${c._id}`,
      lines: [
        `已建立回访计划（告知日期 ${toldOn} 后 ${days.map((d) => `${d} 天`).join('、')}），到期会提醒你（§3.1.10）。`,
        `下一步：${effect}${first ? `第 1 次回访 ${fmt(ctx.services, first.dueAt)}。` : ''}`,
      ],
    });
  },
};
export const tellResult = formStep(() => resultForm.name, canTellResult, '告知结果 TS-20261127-003');
