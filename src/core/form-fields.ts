import type { Allow, BotContext, StaffContext } from './context.ts';
import type { FormOption } from './form-options.ts';
import { isSkipWord, normalizeText, tidyText } from './text.ts';

/*
 * One field of a form: how an answer is read (parse), stored, and shown again (show). What a card
 * shows must read back to what it means, so a prefilled card submitted unchanged records what was
 * typed (tests/src/core/form-roundtrip.test.ts checks it for every field of every form).
 */

export type FieldResult = { ok: true; value: string } | { ok: false; error: string };

export interface FormField {
  key: string;
  label: string;
  /** The question a guided form asks; defaults to "请输入{label}". */
  prompt?: string;
  required?: boolean;
  placeholder?: string;
  /** Asked in a guided form only when this holds for the answers so far (e.g. 票号 only for bus tickets). */
  when?: (values: Record<string, string>) => boolean;
  /**
   * Holds client phone numbers (true: each one is masked) or another number only some may see (a
   * function that masks it, e.g. a bank account) when the submitted form is shown again, since the
   * card may be in a group.
   */
  sensitive?: boolean | ((shown: string) => string);
  /**
   * Answered by ticking these on a form card (Lark: a multi-select); the answer is the ticked values
   * separated by spaces, checked against this list. Text channels still ask `prompt`, typed.
   */
  options?: (ctx: BotContext, context: Record<string, string>) => Promise<FormOption[]>;
  /**
   * Validates and normalises one answer; the error is shown to the person as is (Chinese). `ctx`
   * gives the bot's clock and time zone to answers like 「今天」 or 「11月」. It sees the text with
   * full-width forms folded (NFKC); a field made with `freeText` stores what was typed instead.
   */
  parse?: (input: string, ctx: BotContext) => FieldResult | Promise<FieldResult>;
  /**
   * The value as a person reads it and as a card shows it (fen as yuan, a staff id as the name, an
   * instant as `2026-12-04 09:00`). `parse` must read it back to the same value, so a prefilled card
   * submitted unchanged records what was typed. Omit it when the value already is its display form.
   */
  show?: (value: string, ctx: BotContext) => string | Promise<string>;
  /**
   * A check of a parsed answer against the records or the form's context (a phone already on file,
   * an end odometer below the trip's start): refused, that field alone is asked again at once, not
   * after every other question. Returns the refusal (Chinese), or undefined. Not run for an empty
   * (skipped) answer. Kept apart from `parse`, which reads what was typed and reads back what a
   * card shows (form-roundtrip.test.ts), whatever the database holds.
   */
  check?: (
    value: string,
    ctx: StaffContext,
    context: Record<string, string>,
  ) => string | undefined | Promise<string | undefined>;
  /**
   * The most characters an answer may have; a longer one is refused before it is read, with an
   * error that says the limit and does not quote it. Defaults to ANSWER_MAX_CHARS (a `freeText`
   * field: its own max).
   */
  max?: number;
}

/**
 * The longest answer a field takes unless it says otherwise: room for the longest list a form asks
 * for, and a bound on what an error may quote back or a card show again (a 10,000-character paste
 * used to come back as a 10 KB card).
 */
export const ANSWER_MAX_CHARS = 500;

/** Parsers of free text: their answer is stored as typed (punctuation and width kept), not as folded for matching. */
const FREE_TEXT = new WeakSet<NonNullable<FormField['parse']>>();
/** The max of each `freeText` parser. */
const FREE_TEXT_MAX = new WeakMap<NonNullable<FormField['parse']>, number>();

/** The most characters `field` takes in one answer. */
export function answerMax(field: FormField): number {
  return field.max ?? (field.parse && FREE_TEXT_MAX.get(field.parse)) ?? ANSWER_MAX_CHARS;
}

const tooLong = (label: string, max: number) => `${label}太长了（最多 ${max} 字），请精简后再填。`;

/**
 * A free-text answer of at most `max` characters: what was typed is stored and shown again, with
 * only invisible characters and runs of spaces tidied (「嫌价格高，已解释」 keeps its comma).
 */
export function freeText(label: string, max: number): NonNullable<FormField['parse']> {
  const parse = (input: string): FieldResult =>
    Array.from(input).length > max ? { ok: false, error: tooLong(label, max) } : { ok: true, value: input };
  FREE_TEXT.add(parse);
  FREE_TEXT_MAX.set(parse, max);
  return parse;
}

/** Marks a parser that only checks free text (its value is the input): the answer is stored as typed. */
export function storedAsTyped(parse: NonNullable<FormField['parse']>): NonNullable<FormField['parse']> {
  FREE_TEXT.add(parse);
  return parse;
}

/** Whether a field keeps its answer as typed: no parser, or a `freeText` one. */
function keepsTyped(field: FormField): boolean {
  return !field.parse || FREE_TEXT.has(field.parse);
}

/**
 * One answer as typed: the parser reads it with full-width forms folded; a free-text field keeps
 * what was typed. A required field cannot be skipped (「跳过」 is not an answer to it).
 */
export async function readAnswer(ctx: BotContext, field: FormField, raw: string): Promise<FieldResult> {
  const text = normalizeText(raw);
  if (!text) return { ok: false, error: `${field.label}不能为空。` };
  // before any parser: none quotes back or works through an answer of any length
  const max = answerMax(field);
  if (Array.from(text).length > max) return { ok: false, error: tooLong(field.label, max) };
  if (field.required && isSkipWord(text)) return { ok: false, error: `${field.label}是必填项，不能跳过。` };
  const res = field.parse ? await field.parse(text, ctx) : { ok: true as const, value: text };
  // what was typed is kept only when the parser took the text as it is (跳过 read as no answer stays '')
  return res.ok && keepsTyped(field) && res.value === text ? { ok: true, value: tidyText(raw) } : res;
}

/**
 * What a refused answer shows again in its field for correcting: as typed, cut to the field's
 * limit (the person sees where it was cut and that it was too long from the error under it).
 */
export function typedAgain(field: FormField, typed: string): string {
  const max = answerMax(field);
  const chars = Array.from(tidyText(typed));
  return chars.length > max ? chars.slice(0, max).join('') : chars.join('');
}

/** A stored answer as a card shows it; `readAnswer` reads this back to `value`. */
export async function showAnswer(ctx: BotContext, field: FormField, value: string): Promise<string> {
  return field.show ? field.show(value, ctx) : value;
}

/** An answer read and, when it parsed, checked against the records (see `check`). */
export async function readAndCheck(
  ctx: StaffContext,
  field: FormField,
  raw: string,
  context: Record<string, string>,
): Promise<FieldResult> {
  const res = await readAnswer(ctx, field, raw);
  return res.ok ? checkAnswer(ctx, field, res.value, context) : res;
}

/** A parsed answer against the field's `check`: the same result, or that check's refusal. */
export async function checkAnswer(
  ctx: StaffContext,
  field: FormField,
  value: string,
  context: Record<string, string>,
): Promise<FieldResult> {
  const problem = value && field.check ? await field.check(value, ctx, context) : undefined;
  return problem ? { ok: false, error: problem } : { ok: true, value };
}

/** A form: its fields, who may submit it, its rules across fields and what submitting it does. */
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
  /**
   * What a one-message form (the command with `字段: 值` lines) does once every line it has parsed and
   * nothing required is missing (optional fields left out are empty), on every channel alike:
   * - 'apply': saved at once, answered with the form's normal short confirmation;
   * - 'confirm': it submits money or an approval, so it asks the one confirmation first (Lark: the
   *   prefilled card and its 提交; text channels: 「回复 1 确认提交」);
   * - unset: as before this existed (Lark: the prefilled card; text: saved once every field, optional
   *   ones too, has an answer, else the rest is asked).
   * src/core/form-prefill.ts reads it; forms that are opened only from a button need none.
   */
  oneMessage?: 'apply' | 'confirm';
  /** Runs once, with every field valid, for a sender the bot knows (forms never run for strangers). */
  submit(ctx: StaffContext, values: Record<string, string>, context: Record<string, string>): Promise<void>;
}
