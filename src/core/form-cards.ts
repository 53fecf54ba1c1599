import type { BotContext } from './context.ts';
import { type FormDefinition, type FormField, showAnswer } from './form-fields.ts';
import { type FormOption, tickedLabels } from './form-options.ts';
import { maskPhonesIn } from './text.ts';
import type { Card, CardFormField } from './types.ts';

/* A form as a card (Lark): every field at once, errors under their fields; and the card once submitted. */

export const FORM_SUBMIT_ACTION = 'form.submit';

/** The options of the form's tick-list fields, as offered for this card (by field key). */
export async function fieldOptions(
  ctx: BotContext,
  def: FormDefinition,
  context: Record<string, string>,
): Promise<Map<string, FormOption[]>> {
  const out = new Map<string, FormOption[]>();
  for (const f of def.fields) if (f.options) out.set(f.key, await f.options(ctx, context));
  return out;
}

/**
 * The form as a card: a parsed value in its display form (so submitting the card unchanged reads
 * it back to the same value), a value that did not parse as it was typed, with its error.
 */
export async function formCard(
  ctx: BotContext,
  def: FormDefinition,
  values: Record<string, string>,
  typed: Record<string, string>,
  errors: Record<string, string>,
  context: Record<string, string>,
  known?: Map<string, FormOption[]>,
): Promise<Card> {
  const options = known ?? (await fieldOptions(ctx, def, context));
  const fields: CardFormField[] = [];
  for (const f of def.fields) {
    const value = values[f.key];
    fields.push({
      key: f.key,
      label: f.label,
      placeholder: f.placeholder ?? f.prompt,
      required: f.required,
      value: f.key in typed ? typed[f.key] : value && !options.has(f.key) ? await showAnswer(ctx, f, value) : value,
      error: errors[f.key],
      ...(options.has(f.key) ? { options: options.get(f.key) } : {}),
    });
  }
  return {
    title: def.title,
    color: Object.keys(errors).length ? 'red' : 'blue',
    lines: [firstLine(values, typed, errors)],
    form: { action: FORM_SUBMIT_ACTION, value: { ...context, form: def.name }, fields },
  };
}

/**
 * The card's first line says what to do and, when it came filled in (a one-message form, a record to
 * change), that nothing is saved until 提交: a filled card reads like a confirmation otherwise.
 */
function firstLine(
  values: Record<string, string>,
  typed: Record<string, string>,
  errors: Record<string, string>,
): string {
  if (Object.keys(errors).length) return '请按红字提示修改后点「提交」，尚未保存。';
  const filled = Object.values(values).some(Boolean) || Object.values(typed).some(Boolean);
  return filled ? '请核对后点「提交」，尚未保存。' : '填写后点「提交」。';
}

/** A submitted answer as the done card shows it: ticked options by label, values in their display form, client phones (and, in a group, every phone) masked. */
export async function shownAnswer(
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

/** The card once submitted: what was recorded, and who submitted it. */
export async function submittedCard(
  ctx: BotContext,
  def: FormDefinition,
  values: Record<string, string>,
  options: Map<string, FormOption[]>,
  by: string,
): Promise<Card> {
  const lines: string[] = [];
  for (const f of def.fields)
    if (values[f.key]) lines.push(`${f.label}：${await shownAnswer(ctx, f, values[f.key]!, options.get(f.key))}`);
  return { title: def.title, color: 'green', lines, note: `${by} 已提交` };
}
