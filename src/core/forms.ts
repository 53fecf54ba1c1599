import { FormSession } from '../models/index.ts';
import type { BotContext, StaffContext } from './context.ts';
import { type FieldResult, type FormField, readAnswer, showAnswer, typedAgain } from './form-fields.ts';
import { type FormOption, readTicked, tickedLabels } from './form-options.ts';
import { takeOnce } from './once.ts';
import { type Allow, isAllowed } from './router.ts';
import { isNoneWord, maskPhonesIn, normalizeText, tidyText } from './text.ts';
import type { Card, CardFormField } from './types.ts';

export { type FieldResult, type FormField, freeText, storedAsTyped } from './form-fields.ts';

export interface FormDefinition {
  name: string;
  title: string;
  /**
   * Who may submit it (default: any bound staff). Checked again on submission because a form card
   * posted in a group can be submitted by anyone in that group.
   */
  allow?: Allow;
  fields: FormField[];
  /**
   * Rules across fields (or against the database), run once every field parsed: errors by field
   * key. Lark shows them under their fields on the same card; a guided form asks those fields again.
   */
  validate?(
    ctx: StaffContext,
    values: Record<string, string>,
    context: Record<string, string>,
  ): Promise<Record<string, string>>;
  /** Runs once, with every field valid, for a sender the bot knows (forms never run for strangers). */
  submit(ctx: StaffContext, values: Record<string, string>, context: Record<string, string>): Promise<void>;
}

const CANCEL_WORDS = new Set(['取消', '退出', 'cancel']);

/** Forms are started by staff routes only; a session can outlive the binding, so it is checked again. */
function asStaff(ctx: BotContext): StaffContext | undefined {
  return ctx.sender ? (ctx as StaffContext) : undefined;
}
const NOT_STAFF = '你还没有绑定员工身份，表单没有提交。请先发送「绑定 绑定码」。';

export const FORM_SUBMIT_ACTION = 'form.submit';

/** A submitted answer as the done card shows it: ticked options by label, values in their display form, client phones (and, in a group, every phone) masked. */
async function shown(
  ctx: BotContext,
  field: FormField,
  value: string,
  options: FormOption[] | undefined,
): Promise<string> {
  if (options) return tickedLabels(value, options);
  const text = await showAnswer(ctx, field, value);
  // in a group every phone is masked, one typed into a reason or a note too
  const masked = typeof field.sensitive === 'function' ? field.sensitive(text) : text;
  return field.sensitive || ctx.chat.isGroup ? maskPhonesIn(masked) : masked;
}

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

  static sessionId(ctx: Pick<BotContext, 'channel' | 'chat' | 'event'>): string {
    return `${ctx.channel}:${ctx.chat.id}:${ctx.event.userId}`;
  }

  /**
   * Starts a form. `prefill` is a one-message form: `字段: 值` lines in the command's text. Only what
   * is still missing is asked for; where the channel has form cards, one card shows every field instead.
   */
  async start(anyCtx: BotContext, name: string, prefillText = '', context: Record<string, string> = {}): Promise<void> {
    const def = this.mustGet(name);
    const ctx = asStaff(anyCtx);
    if (!ctx) {
      await anyCtx.reply(NOT_STAFF);
      return;
    }
    const { values, errors, typed } = await this.parseLines(ctx, def, prefillText);
    if (ctx.can.formCards) {
      // a value that did not parse stays in its field, with that field's own error under it
      await ctx.reply(await this.card(ctx, def, values, typed, errors, context));
      return;
    }
    if (this.firstMissing(def, values) === -1 && Object.keys(errors).length === 0) {
      Object.assign(errors, await this.crossCheck(ctx, def, values, context));
      if (Object.keys(errors).length === 0) {
        await def.submit(ctx, values, context);
        return;
      }
    }
    await FormSession.findOneAndUpdate(
      { _id: Forms.sessionId(ctx) },
      {
        $set: {
          form: name,
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
    const notes = Object.entries(errors).map(([k, e]) => `${this.label(def, k)}：${e}`);
    const intro = `📝 ${def.title}（随时发送「取消」退出）`;
    await ctx.reply([intro, ...notes, this.question(def, this.firstMissing(def, values))].join('\n'));
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
    const idx = this.firstMissing(def, values);
    if (idx === -1) {
      await FormSession.deleteOne({ _id });
      return false;
    }
    const field = def.fields[idx]!;
    if (isNoneWord(text) && !field.required) {
      values[field.key] = '';
    } else {
      const res = await this.readAnswer(ctx, field, raw);
      if (!res.ok) {
        await FormSession.updateOne({ _id }, { $set: { expiresAt: this.expiry(now) } });
        await ctx.reply(`${res.error}\n${this.question(def, idx)}`);
        return true;
      }
      values[field.key] = res.value;
    }
    let next = this.firstMissing(def, values);
    const context = session.context as Record<string, string>;
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
      { _id, step: session.step },
      { $set: { values, step: session.step + 1, expiresAt: this.expiry(now) } },
    );
    await ctx.reply([...notes, this.question(def, next)].join('\n'));
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
    const raw = ctx.action?.form ?? {};
    const values: Record<string, string> = {};
    const errors: Record<string, string> = {};
    /** What was submitted for the fields that did not parse, shown again as it was. */
    const typed: Record<string, string> = {};
    const context = { ...(ctx.action?.value ?? {}) };
    delete context.form;
    const options = await this.optionsOf(ctx, def, context);
    for (const field of def.fields) {
      const offered = options.get(field.key);
      if (offered) {
        const ticked = readTicked(ctx.action?.ticked?.[field.key] ?? raw[field.key], offered, field.label);
        values[field.key] = ticked.ok ? ticked.values.join(' ') : '';
        if (!ticked.ok) errors[field.key] = ticked.error;
        else if (!ticked.values.length && field.required && (!field.when || field.when(values)))
          errors[field.key] = `请选择${field.label}`;
        continue;
      }
      const given = String(raw[field.key] ?? '');
      if (!normalizeText(given)) {
        // a card shows every field; one that does not apply to the answers above is not required
        if (field.required && (!field.when || field.when(values))) errors[field.key] = `请填写${field.label}`;
        else values[field.key] = '';
        continue;
      }
      const res = await this.readAnswer(ctx, field, given);
      if (res.ok) values[field.key] = res.value;
      else {
        errors[field.key] = res.error;
        typed[field.key] = typedAgain(field, given);
      }
    }
    if (Object.keys(errors).length === 0) {
      const cross = await def.validate?.(ctx, values, context);
      Object.assign(errors, cross ?? {});
    }
    if (Object.keys(errors).length) {
      await ctx.updateCard(await this.card(ctx, def, values, typed, errors, context, options));
      await ctx.toast('有内容需要修改，请看卡片上的红字提示。');
      return;
    }
    // one valid submission per card: a second click must not register the same thing twice
    const messageId = ctx.action?.messageId;
    if (messageId && !(await takeOnce(`formcard:${messageId}`, ctx.sender.identity))) {
      await ctx.toast('这张表单已经提交过了。');
      return;
    }
    await def.submit(ctx, values, context);
    const lines: string[] = [];
    for (const f of def.fields)
      if (values[f.key]) lines.push(`${f.label}：${await shown(ctx, f, values[f.key]!, options.get(f.key))}`);
    const done: Card = {
      title: def.title,
      color: 'green',
      lines,
      note: `${ctx.sender.name} 已提交`,
    };
    try {
      await ctx.updateCard(done);
    } catch (err) {
      // the record exists and submit has answered: a card that cannot be shown is not a failed submission
      ctx.log.error({ err, form: def.name }, 'submitted form card could not be updated or sent again');
    }
  }

  /**
   * The form as a card: a parsed value in its display form (so submitting the card unchanged reads
   * it back to the same value), a value that did not parse as it was typed, with its error.
   */
  private async card(
    ctx: BotContext,
    def: FormDefinition,
    values: Record<string, string>,
    typed: Record<string, string>,
    errors: Record<string, string>,
    context: Record<string, string>,
    known?: Map<string, FormOption[]>,
  ): Promise<Card> {
    const options = known ?? (await this.optionsOf(ctx, def, context));
    const fields: CardFormField[] = [];
    for (const f of def.fields) {
      const value = values[f.key];
      fields.push({
        key: f.key,
        label: f.label,
        placeholder: f.placeholder ?? f.prompt,
        required: f.required,
        value:
          f.key in typed ? typed[f.key] : value && !options.has(f.key) ? await this.showAnswer(ctx, f, value) : value,
        error: errors[f.key],
        ...(options.has(f.key) ? { options: options.get(f.key) } : {}),
      });
    }
    return {
      title: def.title,
      color: Object.keys(errors).length ? 'red' : 'blue',
      lines: Object.keys(errors).length ? ['请按红字提示修改后再提交。'] : ['填写后点「提交」。'],
      form: { action: FORM_SUBMIT_ACTION, value: { ...context, form: def.name }, fields },
    };
  }

  /** The options of the form's tick-list fields, as offered for this card (by field key). */
  private async optionsOf(
    ctx: BotContext,
    def: FormDefinition,
    context: Record<string, string>,
  ): Promise<Map<string, FormOption[]>> {
    const out = new Map<string, FormOption[]>();
    for (const f of def.fields) if (f.options) out.set(f.key, await f.options(ctx, context));
    return out;
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

  /** One answer as typed, read as the form stores it (see form-fields.ts). */
  readAnswer(ctx: StaffContext, field: FormField, raw: string): Promise<FieldResult> {
    return readAnswer(ctx, field, raw);
  }

  /** A stored answer as a card shows it; `readAnswer` reads this back to `value`. */
  showAnswer(ctx: BotContext, field: FormField, value: string): Promise<string> {
    return showAnswer(ctx, field, value);
  }

  /**
   * `姓名: 张三` / `姓名：张三` lines → values by field label. The lines are matched folded, but each
   * value is read from the message as typed when the line came from it.
   */
  private async parseLines(ctx: StaffContext, def: FormDefinition, text: string) {
    const values: Record<string, string> = {};
    const errors: Record<string, string> = {};
    /** What was typed for the fields that did not parse. */
    const typed: Record<string, string> = {};
    const asTyped = new Map(
      tidyText(ctx.event.text ?? '')
        .split('\n')
        .map((l) => [normalizeText(l), l] as const),
    );
    for (const given of tidyText(text).split('\n')) {
      const line = normalizeText(given);
      const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
      if (!m) continue;
      const field = def.fields.find((f) => f.label === m[1] || f.key === m[1]);
      if (!field) continue;
      const source = asTyped.get(line) ?? given;
      const value = /^[^:：]+?[:：]\s*([\s\S]*)$/.exec(source)?.[1]?.trim() ?? m[2]!.trim();
      const res = await this.readAnswer(ctx, field, value);
      if (res.ok) values[field.key] = res.value;
      else {
        errors[field.key] = res.error;
        typed[field.key] = typedAgain(field, value);
      }
    }
    return { values, errors, typed };
  }
}
