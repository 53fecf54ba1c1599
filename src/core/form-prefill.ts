import { FormSession } from '../models/index.ts';
import type { BotContext, StaffContext } from './context.ts';
import { fieldOptions, shownAnswer } from './form-cards.ts';
import { commandAt } from './form-commands.ts';
import { type FormDefinition, readAndCheck, typedAgain } from './form-fields.ts';
import { labelledValues } from './form-lines.ts';

/*
 * A one-message form: the command followed by `字段: 值` lines. Read here, and decided here whether it
 * is saved at once, asks the one confirmation, or opens the form (FormDefinition.oneMessage).
 */

/** The `字段: 值` lines of a one-message form, each read as typed and checked. */
export interface Prefill {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** What was typed for the fields that did not parse, shown again as it was. */
  typed: Record<string, string>;
}

/**
 * `字段: 值` in the command's text (a line each, or several on a line with this form's labels as the
 * delimiters, see form-lines.ts) → values by field, each read as typed and checked (`check`).
 */
export async function parsePrefill(
  ctx: StaffContext,
  def: FormDefinition,
  text: string,
  context: Record<string, string>,
): Promise<Prefill> {
  const out: Prefill = { values: {}, errors: {}, typed: {} };
  const labels = def.fields.map((f) => f.label);
  const keys = def.fields.map((f) => f.key);
  for (const { label, value } of labelledValues(text, labels, keys, ctx.event.text ?? '')) {
    const field = def.fields.find((f) => f.label === label || f.key === label);
    if (!field) continue;
    const res = await readAndCheck(ctx, field, value, context);
    if (res.ok) out.values[field.key] = res.value;
    else {
      out.errors[field.key] = res.error;
      out.typed[field.key] = typedAgain(field, value);
    }
  }
  return out;
}

/**
 * Whether a one-message form is ready to go as it is: it declares what a complete one does, something
 * was typed, every line parsed, and no required field (that applies to the answers) is missing.
 */
export function readyAsTyped(def: FormDefinition, p: Prefill): boolean {
  if (!def.oneMessage || Object.keys(p.errors).length || !Object.keys(p.values).length) return false;
  return def.fields.every((f) => !f.required || p.values[f.key] !== undefined || (f.when && !f.when(p.values)));
}

/** The values with every field left out empty: a one-message form says what it knows. */
export function leftOutEmpty(def: FormDefinition, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(def.fields.map((f) => [f.key, values[f.key] ?? '']));
}

/** Answers that submit a form waiting for its one confirmation on a text channel, and that drop it. */
const CONFIRM_WORDS: ReadonlySet<string> = new Set(['1', '确认', '确认提交', '提交', '是', '是的', '好']);
const DECLINE_WORDS: ReadonlySet<string> = new Set(['2', '不', '否', '不提交']);

/**
 * The one confirmation of a money or approval form on a text channel: what would be saved (as the
 * submitted card shows it, masked the same way), then 1 确认 / 2 取消. Short: the values on one line.
 */
export async function confirmQuestion(
  ctx: BotContext,
  def: FormDefinition,
  values: Record<string, string>,
  context: Record<string, string>,
): Promise<string> {
  const options = await fieldOptions(ctx, def, context);
  const shown: string[] = [];
  for (const f of def.fields)
    if (values[f.key]) shown.push(`${f.label}：${await shownAnswer(ctx, f, values[f.key]!, options.get(f.key))}`);
  return [`📝 ${def.title}：请核对，尚未保存`, shown.join('；'), '回复 1 确认提交；回复 2 取消（不保存）'].join('\n');
}

/**
 * The answer to a complete money or approval form's one confirmation (text channels): 1 submits it
 * once, 2 drops it, a command leaves it unsaved and runs (false: route it); anything else asks again.
 */
export async function answerConfirmation(
  ctx: StaffContext,
  def: FormDefinition,
  session: { _id: string; values: unknown; context: unknown },
  text: string,
): Promise<boolean> {
  const values = session.values as Record<string, string>;
  const context = session.context as Record<string, string>;
  if (CONFIRM_WORDS.has(text)) {
    // one person's messages are handled in order: deleted once, submitted once
    if ((await FormSession.deleteOne({ _id: session._id })).deletedCount !== 1) return true;
    const cross = await def.validate?.(ctx, values, context);
    if (cross && Object.keys(cross).length) {
      await ctx.reply(`没有保存「${def.title}」：${Object.values(cross).join('；')}`);
      return true;
    }
    await def.submit(ctx, values, context);
    return true;
  }
  if (DECLINE_WORDS.has(text)) {
    await FormSession.deleteOne({ _id: session._id });
    await ctx.reply(`已取消「${def.title}」，没有保存任何内容。`);
    return true;
  }
  if (commandAt(ctx, text)) {
    await FormSession.deleteOne({ _id: session._id });
    await ctx.reply(`「${def.title}」没有保存。`);
    return false;
  }
  await ctx.reply(await confirmQuestion(ctx, def, values, context));
  return true;
}
