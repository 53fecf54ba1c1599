import { z } from 'zod';
import { echo } from './text.ts';

/*
 * Form fields answered by ticking options from a list (a Lark form card shows them as a
 * multi_select_static; its submit sends the ticked option values as an array). The answer a form
 * definition sees is the ticked values separated by spaces, so the same validators read a card's
 * ticks and a guided form's typed answer.
 */

export interface FormOption {
  label: string;
  value: string;
}

export type Ticked = { ok: true; values: string[] } | { ok: false; error: string };

/**
 * What was ticked, checked against the options the card offered: an array of option values (a
 * comma-separated string is read the same way). Anything else is refused with a Chinese error.
 */
export function readTicked(raw: unknown, options: readonly FormOption[], label: string): Ticked {
  const allowed = new Set(options.map((o) => o.value));
  const schema = z.preprocess(
    (v) => (v === undefined || v === null ? [] : typeof v === 'string' ? v.split(/[,，\s]+/).filter(Boolean) : v),
    z
      .array(z.string({ error: `${label}的选择无效，请重新勾选` }), { error: `${label}的选择无效，请重新勾选` })
      .superRefine((values, ctx) => {
        for (const v of values)
          if (!allowed.has(v))
            ctx.addIssue({ code: 'custom', message: `「${echo(v)}」不在${label}的选项里，请重新勾选` });
      })
      .transform((values) => [...new Set(values)]),
  );
  const res = schema.safeParse(raw);
  return res.success ? { ok: true, values: res.data } : { ok: false, error: res.error.issues[0]!.message };
}

/** The labels of the ticked values of an answer (`1 3` → `1. 张三、3. 王五`), for a card that shows what was submitted. */
export function tickedLabels(answer: string, options: readonly FormOption[]): string {
  return answer
    .split(/\s+/)
    .filter(Boolean)
    .map((v) => options.find((o) => o.value === v)?.label ?? v)
    .join('、');
}
