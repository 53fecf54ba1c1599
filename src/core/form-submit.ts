import type { StaffContext } from './context.ts';
import { fieldOptions, formCard, submittedCard } from './form-cards.ts';
import { checkAnswer, type FormDefinition, readAndCheck, typedAgain } from './form-fields.ts';
import { readTicked } from './form-options.ts';
import { takeOnce } from './once.ts';
import { normalizeText } from './text.ts';

/** A Lark form card of `def` was submitted: validate every field; show errors inline, or submit. */
export async function submitFormCard(ctx: StaffContext, def: FormDefinition): Promise<void> {
  const raw = ctx.action?.form ?? {};
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  /** What was submitted for the fields that did not parse, shown again as it was. */
  const typed: Record<string, string> = {};
  const context = { ...(ctx.action?.value ?? {}) };
  delete context.form;
  const options = await fieldOptions(ctx, def, context);
  for (const field of def.fields) {
    const offered = options.get(field.key);
    if (offered) {
      const ticked = readTicked(ctx.action?.ticked?.[field.key] ?? raw[field.key], offered, field.label);
      const checked = ticked.ok ? await checkAnswer(ctx, field, ticked.values.join(' '), context) : undefined;
      values[field.key] = checked?.ok ? checked.value : '';
      if (!ticked.ok) errors[field.key] = ticked.error;
      else if (!checked!.ok) errors[field.key] = checked!.error;
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
    const res = await readAndCheck(ctx, field, given, context);
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
    await ctx.updateCard(await formCard(ctx, def, values, typed, errors, context, options));
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
  try {
    await ctx.updateCard(await submittedCard(ctx, def, values, options, ctx.sender.name));
  } catch (err) {
    // the record exists and submit has answered: a card that cannot be shown is not a failed submission
    ctx.log.error({ err, form: def.name }, 'submitted form card could not be updated or sent again');
  }
}
