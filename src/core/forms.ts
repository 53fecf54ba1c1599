import { FormSession } from '../models/index.ts';
import type { BotContext, StaffContext } from './context.ts';
import { formCard } from './form-cards.ts';
import { commandAt, LEAVE_WORDS, LONG_ANSWER, leaveQuestion, runCommand, STAY_WORDS } from './form-commands.ts';
import {
  type FieldResult,
  type FormDefinition,
  type FormField,
  readAndCheck,
  readAnswer,
  showAnswer,
} from './form-fields.ts';
import { oneFieldPerLine } from './form-lines.ts';
import { answerConfirmation, confirmQuestion, leftOutEmpty, parsePrefill, readyAsTyped } from './form-prefill.ts';
import { submitFormCard } from './form-submit.ts';
import { isAllowed } from './router.ts';
import { isNoneWord, normalizeText } from './text.ts';

export { FORM_SUBMIT_ACTION } from './form-cards.ts';
export { type FieldResult, type FormDefinition, type FormField, freeText, storedAsTyped } from './form-fields.ts';

const CANCEL_WORDS = new Set(['取消', '退出', 'cancel']);
/** Forms are started by staff routes only; a session can outlive the binding, so it is checked again. */
function asStaff(ctx: BotContext): StaffContext | undefined {
  return ctx.sender ? (ctx as StaffContext) : undefined;
}
const NOT_STAFF = '你还没有绑定员工身份，表单没有提交。请先发送「绑定 绑定码」。';

/**
 * Guided forms for text channels (one question at a time, state in MongoDB so a restart mid-form
 * loses nothing) and form cards for Lark — the same definitions and validators behind both.
 */
export class Forms {
  private defs = new Map<string, FormDefinition>();

  constructor(private readonly idleMinutes: number) {}

  define(def: FormDefinition): void {
    this.defs.set(def.name, def);
  }

  get(name: string): FormDefinition | undefined {
    return this.defs.get(name);
  }

  /**
   * A command's text with one `字段: 值` of form `name` a line (and what came before the first label
   * on a line of its own), for handlers that read a one-message form's lines themselves: several
   * fields typed on one line (the console sends one line a message) read as they would on several.
   */
  oneFieldPerLine(ctx: BotContext, name: string, text: string): string {
    const def = this.mustGet(name);
    return oneFieldPerLine(
      text,
      { labels: def.fields.map((f) => f.label), keys: def.fields.map((f) => f.key) },
      ctx.event.text ?? '',
    );
  }

  static sessionId(ctx: Pick<BotContext, 'channel' | 'chat' | 'event'>): string {
    return `${ctx.channel}:${ctx.chat.id}:${ctx.event.userId}`;
  }

  /**
   * Starts a form. `prefill` is a one-message form: `字段: 值` lines in the command's text. Complete
   * as typed, it is saved at once or asks its one confirmation, as the form declares (`oneMessage`);
   * otherwise only what is still missing is asked for, and where the channel has form cards one card
   * shows every field instead, saying that nothing is saved until 提交.
   */
  async start(
    anyCtx: BotContext,
    name: string,
    prefillText = '',
    context: Record<string, string> = {},
    opts: { startingPoint?: boolean } = {},
  ): Promise<void> {
    const def = this.mustGet(name);
    const ctx = asStaff(anyCtx);
    if (!ctx) {
      await anyCtx.reply(NOT_STAFF);
      return;
    }
    const prefill = await parsePrefill(ctx, def, prefillText, context);
    const { values, errors, typed } = prefill;
    if (!opts.startingPoint && readyAsTyped(def, prefill)) {
      // every line read and nothing required missing: the form's rules across fields, then what it declares
      const cross = (await def.validate?.(ctx, values, context)) ?? {};
      if (Object.keys(cross).length === 0) {
        const complete = leftOutEmpty(def, values);
        if (def.oneMessage === 'apply') {
          await def.submit(ctx, complete, context);
          return;
        }
        if (!ctx.can.formCards) {
          await this.save(ctx, def, complete, context, { confirming: true });
          await ctx.reply(await confirmQuestion(ctx, def, complete, context));
          return;
        }
      } else {
        Object.assign(errors, cross);
        // a guided form asks the refused fields again; a card shows them, as typed, with the error
        if (!ctx.can.formCards) for (const key of Object.keys(cross)) delete values[key];
      }
    }
    if (ctx.can.formCards) {
      // a value that did not parse stays in its field, with that field's own error under it
      await ctx.reply(await formCard(ctx, def, values, typed, errors, context));
      return;
    }
    if (this.firstMissing(def, values) === -1 && Object.keys(errors).length === 0) {
      Object.assign(errors, await this.crossCheck(ctx, def, values, context));
      if (Object.keys(errors).length === 0) {
        await def.submit(ctx, values, context);
        return;
      }
    }
    await this.save(ctx, def, values, context);
    const notes = Object.entries(errors).map(([k, e]) => `${this.label(def, k)}：${e}`);
    const intro = `📝 ${def.title}（随时发送「取消」退出）`;
    await ctx.reply([intro, ...notes, this.question(def, this.firstMissing(def, values))].join('\n'));
  }

  /** The person's open form in this chat, from its first question (or its one confirmation). */
  private async save(
    ctx: StaffContext,
    def: FormDefinition,
    values: Record<string, string>,
    context: Record<string, string>,
    extra: { confirming?: boolean } = {},
  ): Promise<void> {
    await FormSession.findOneAndUpdate(
      { _id: Forms.sessionId(ctx) },
      {
        $set: {
          form: def.name,
          confirming: extra.confirming ?? false,
          channel: ctx.channel,
          chatId: ctx.chat.id,
          userId: ctx.event.userId,
          step: 0,
          values,
          context,
          expiresAt: this.expiry(ctx.services.now()),
        },
      },
      { upsert: true },
    );
  }

  /**
   * Offers the message to the sender's open form. Returns false when there is none (or it expired,
   * after saying so), so normal routing goes on.
   */
  async continue(anyCtx: BotContext): Promise<boolean> {
    const _id = Forms.sessionId(anyCtx);
    const session = await FormSession.findById(_id).lean();
    if (!session) return false;
    const ctx = asStaff(anyCtx);
    if (!ctx) {
      await FormSession.deleteOne({ _id });
      await anyCtx.reply(NOT_STAFF);
      return true;
    }
    const now = ctx.services.now();
    if (session.expiresAt <= now) {
      await FormSession.deleteOne({ _id, expiresAt: session.expiresAt });
      const def = this.defs.get(session.form);
      await ctx.reply(`「${def?.title ?? '表单'}」太久没有填写，已自动关闭，需要时请重新开始。`);
      return false;
    }
    const def = this.defs.get(session.form);
    if (!def) {
      await FormSession.deleteOne({ _id });
      return false;
    }
    const raw = ctx.event.text ?? '';
    const text = normalizeText(raw);
    if (CANCEL_WORDS.has(text.toLowerCase())) {
      await FormSession.deleteOne({ _id });
      await ctx.reply(`已取消「${def.title}」，没有保存任何内容。`);
      return true;
    }
    const values = { ...(session.values as Record<string, string>) };
    if (session.confirming) return answerConfirmation(ctx, def, session, text);
    const idx = this.firstMissing(def, values);
    if (idx === -1) {
      await FormSession.deleteOne({ _id });
      return false;
    }
    const open: OpenForm = {
      _id,
      def,
      step: session.step,
      values,
      context: session.context as Record<string, string>,
      idx,
    };
    const pending = session.pending ?? undefined;
    if (pending) {
      if (LEAVE_WORDS.has(text)) {
        // the person chose the command they typed at the question: leave the form and run it
        await FormSession.deleteOne({ _id });
        await ctx.reply(`已退出「${def.title}」，没有保存。`);
        await runCommand(ctx, pending);
        return true;
      }
      await FormSession.updateOne({ _id }, { $unset: { pending: 1 }, $set: { expiresAt: this.expiry(now) } });
      if (STAY_WORDS.has(text)) {
        // the command's text is this field's answer when the field takes it; else the question again
        const res = await readAndCheck(ctx, def.fields[idx]!, pending, open.context);
        if (res.ok) return this.answer(ctx, open, pending);
        await ctx.reply(this.reask(def, idx));
        return true;
      }
      // anything else is a new message to the form (an answer, or another command)
    }
    const command = commandAt(ctx, text);
    if (command) {
      const res = await readAndCheck(ctx, def.fields[idx]!, raw, open.context);
      if (!(res.ok && Array.from(text).length > LONG_ANSWER)) {
        if (!Object.values(values).some(Boolean)) {
          // nothing typed yet is lost: leave the form and let the message run as the command it is
          await FormSession.deleteOne({ _id });
          await ctx.reply(`已退出「${def.title}」。`);
          return false;
        }
        await FormSession.updateOne({ _id }, { $set: { pending: raw, expiresAt: this.expiry(now) } });
        await ctx.reply(leaveQuestion(text, command, def.title, def.fields[idx]!.label, res.ok));
        return true;
      }
    }
    return this.answer(ctx, open, raw);
  }

  /** `raw` answers the form's current question: the next question, the same one again, or the submission. */
  private async answer(ctx: StaffContext, open: OpenForm, raw: string): Promise<boolean> {
    const { _id, def, values, context, idx } = open;
    const now = ctx.services.now();
    const field = def.fields[idx]!;
    if (isNoneWord(normalizeText(raw)) && !field.required) {
      values[field.key] = '';
    } else {
      const res = await readAndCheck(ctx, field, raw, context);
      if (!res.ok) {
        // only this answer is refused: what was filled stays, and the question says how to leave
        await FormSession.updateOne({ _id }, { $set: { expiresAt: this.expiry(now) } });
        await ctx.reply(`${res.error}\n${this.reask(def, idx)}`);
        return true;
      }
      values[field.key] = res.value;
    }
    let next = this.firstMissing(def, values);
    let notes: string[] = [];
    if (next === -1) {
      const cross = await this.crossCheck(ctx, def, values, context);
      if (Object.keys(cross).length === 0) {
        // one person's messages are handled in order, so the session is deleted once and submitted once
        await FormSession.deleteOne({ _id });
        await def.submit(ctx, values, context);
        return true;
      }
      notes = Object.values(cross);
      next = this.firstMissing(def, values);
    }
    await FormSession.updateOne(
      { _id, step: open.step },
      { $set: { values, step: open.step + 1, expiresAt: this.expiry(now) } },
    );
    // a field the form's rules refused is asked again, saying how to leave
    await ctx.reply(notes.length ? [...notes, this.reask(def, next)].join('\n') : this.question(def, next));
    return true;
  }

  /** A Lark form card was submitted: validate every field; show errors inline, or submit. */
  async submitCard(anyCtx: BotContext): Promise<void> {
    const name = anyCtx.action?.value.form ?? '';
    const def = this.defs.get(name);
    if (!def) {
      await anyCtx.toast('这张表单已失效，请重新发起。');
      return;
    }
    const ctx = asStaff(anyCtx);
    if (!ctx || !isAllowed(def.allow ?? 'staff', ctx)) {
      await anyCtx.toast('你没有权限提交这张表单。');
      return;
    }
    await submitFormCard(ctx, def);
  }

  /** Runs the form's cross-field rules and forgets the values they refuse, so those are asked again. */
  private async crossCheck(
    ctx: StaffContext,
    def: FormDefinition,
    values: Record<string, string>,
    context: Record<string, string>,
  ): Promise<Record<string, string>> {
    const errors = (await def.validate?.(ctx, values, context)) ?? {};
    for (const key of Object.keys(errors)) delete values[key];
    return errors;
  }

  private mustGet(name: string): FormDefinition {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown form ${name}`);
    return def;
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.idleMinutes * 60_000);
  }

  /** The next question; a field that does not apply is answered with '' on the way. */
  private firstMissing(def: FormDefinition, values: Record<string, string>): number {
    for (const [i, f] of def.fields.entries()) {
      if (values[f.key] !== undefined) continue;
      if (f.when && !f.when(values)) {
        values[f.key] = '';
        continue;
      }
      return i;
    }
    return -1;
  }

  private label(def: FormDefinition, key: string): string {
    return def.fields.find((f) => f.key === key)?.label ?? key;
  }

  private question(def: FormDefinition, idx: number): string {
    const f = def.fields[idx];
    if (!f) return '';
    const q = f.prompt ?? `请输入${f.label}`;
    // a prompt that already says how to skip is not told twice
    return f.required || q.includes('跳过') ? q : `${q}（可回复「跳过」）`;
  }

  /** A question asked again (its answer was refused): it says how to leave, and how to skip where allowed. */
  private reask(def: FormDefinition, idx: number): string {
    const f = def.fields[idx];
    if (!f) return '';
    const q = f.prompt ?? `请输入${f.label}`;
    return `${q}（${f.required || q.includes('跳过') ? '' : '可回复「跳过」，'}发送「取消」退出）`;
  }

  /** One answer as typed, read as the form stores it (see form-fields.ts). */
  readAnswer(ctx: StaffContext, field: FormField, raw: string): Promise<FieldResult> {
    return readAnswer(ctx, field, raw);
  }

  /** A stored answer as a card shows it; `readAnswer` reads this back to `value`. */
  showAnswer(ctx: BotContext, field: FormField, value: string): Promise<string> {
    return showAnswer(ctx, field, value);
  }
}

/** A guided form in progress, as one message to it sees it. */
interface OpenForm {
  _id: string;
  def: FormDefinition;
  step: number;
  values: Record<string, string>;
  context: Record<string, string>;
  /** The question being answered (index into def.fields). */
  idx: number;
}
