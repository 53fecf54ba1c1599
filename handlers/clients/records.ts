import { actor } from '../../src/core/audit.ts';
import type { BotContext } from '../../src/core/context.ts';
import { type FieldResult, type FormDefinition, type FormField, storedAsTyped } from '../../src/core/forms.ts';
import { echo, normalizeText, typedTail } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import { staffNamed } from '../../src/roster/names.ts';
import { cadenceProblem } from './cadence-rules.ts';
import { cardFor, clientFromAction, findOneClient, fullPhoneFor, splitClientArgs } from './common.ts';
import { type ClientInputField, CONTACTS_HINT, fieldParser, parseClientInput } from './input.ts';
import type { ClientRecord } from './models.ts';
import { type ClientFields, diffClient, FIELD_LABELS, KEEPERS, mayOwn, PHONE_FIELDS } from './rules.ts';
import { CLIENT_SHEET } from './sheet.ts';
import { clientByName, createClient, loadClient, type Person, saveClient } from './store.ts';

/*
 * I.2.8 / I.2.9 the client database kept by 客服部: add, edit (every change kept with who, when,
 * old → new) and archive a former client. Search, lists and I.3.5's rotation view: lookup.ts.
 */

const CLEAR = '清空';

/** The owner by name: one active 客服部 member or team leader; 我 = the person typing. */
async function resolveOwner(
  input: string,
  ctx: BotContext,
): Promise<{ ok: true; owner: Person } | { ok: false; error: string }> {
  const t = input.trim();
  if (/^(我|本人|自己)$/.test(t)) {
    if (ctx.sender?.staffId && mayOwn([...ctx.sender.roles])) return { ok: true, owner: actor(ctx) };
    return { ok: false, error: '负责人须是客服部或队长。' };
  }
  const staff = await staffNamed(t, { active: true });
  if (staff.length > 1) return { ok: false, error: `有 ${staff.length} 位「${echo(t)}」，请先在人员里区分姓名。` };
  const s = staff[0];
  if (!s) return { ok: false, error: `人员名单里没有「${echo(t)}」（或已停用），请写负责人的姓名。` };
  if (!mayOwn(s.roles as Role[])) return { ok: false, error: `「${echo(t)}」不是客服部或队长，不能做客户负责人。` };
  return { ok: true, owner: { staffId: String(s._id), name: s.name } };
}

async function parseOwner(input: string, ctx: BotContext): Promise<FieldResult> {
  if (input === CLEAR) return { ok: true, value: CLEAR };
  if (/^(跳过|无|没有|-|skip)$/i.test(input)) return { ok: true, value: '' };
  const r = await resolveOwner(input, ctx);
  return r.ok ? { ok: true, value: r.owner.name } : { ok: false, error: r.error };
}

function parser(key: ClientInputField, edit: boolean) {
  const parse = fieldParser(key);
  return (input: string): FieldResult =>
    edit && input === CLEAR && key !== 'name' ? { ok: true, value: CLEAR } : parse(input);
}

/** The 客户档案 fields, for adding (name required) or editing (every answer optional). */
function clientFields(edit: boolean): FormField[] {
  const keep = edit ? '（不改请回复「跳过」，要清空请回复「清空」）' : '';
  const f = (key: ClientInputField, label: string, prompt: string, placeholder?: string): FormField => ({
    key,
    label,
    prompt: `${prompt}${keep}`,
    placeholder: edit ? `不改留空；${placeholder ?? ''}` : placeholder,
    // an address or a note is free text: stored as typed, not folded for matching
    parse:
      key === 'owner'
        ? parseOwner
        : key === 'address' || key === 'notes'
          ? storedAsTyped(parser(key, edit))
          : parser(key, edit),
  });
  return [
    {
      key: 'name',
      label: '客户名称',
      required: !edit,
      prompt: edit ? `请输入新的客户名称${keep}` : '请输入客户名称',
      placeholder: edit ? '不改留空' : undefined,
      parse: parser('name', edit),
    },
    f('address', '地址', '请输入客户地址'),
    { ...f('phone', '电话', '请输入客户电话（总机或主要联系电话）', '手机或带区号的座机'), sensitive: true },
    { ...f('contacts', '联系人', `请输入联系人。${CONTACTS_HINT}`, '姓名 职务 电话；多人用分号隔开'), sensitive: true },
    f('posts', '驻点', '请输入服务这个客户的驻点，多个用顿号隔开', '万达广场、城南小区'),
    f(
      'status',
      '状态',
      edit ? '请输入状态：现有 / 潜在 / 已流失' : '请输入状态：现有 / 潜在（跳过即为现有）',
      '现有 / 潜在 / 已流失',
    ),
    f(
      'owner',
      '负责人',
      edit ? '请输入负责人姓名（客服部或驻点队长）' : '请输入负责人姓名（客服部或驻点队长；跳过即为你自己）',
      '客服部或队长的姓名',
    ),
    f('callDays', '电话回访周期', '请输入电话回访周期（天数，如 30；跳过按状态默认）', '天数，如 30；不需要；默认'),
    f('visitDays', '拜访周期', '请输入拜访周期（天数，如 90；跳过按状态默认）', '天数，如 90；不需要；默认'),
    f('notes', '备注', '请输入备注'),
  ];
}

/** Form answers → record fields; '' leaves a field as it is, 清空 empties it. */
async function fieldsFrom(
  ctx: BotContext,
  values: Record<string, string>,
): Promise<{ ok: true; fields: Partial<ClientFields> } | { ok: false; errors: Record<string, string> }> {
  const given: Partial<Record<ClientInputField, string>> = {};
  const cleared: ClientInputField[] = [];
  for (const [k, v] of Object.entries(values) as [ClientInputField, string][]) {
    if (k === 'owner' || !v) continue;
    if (v === CLEAR) cleared.push(k);
    else given[k] = v;
  }
  const parsed = parseClientInput(given);
  if (!parsed.ok) return { ok: false, errors: { name: parsed.errors.join('；') } };
  const fields = { ...parsed.input } as Partial<ClientFields> & { owner?: unknown };
  delete fields.owner;
  for (const k of cleared)
    (fields as Record<string, unknown>)[k] =
      k === 'contacts' || k === 'posts'
        ? []
        : k === 'callDays' || k === 'visitDays'
          ? null
          : k === 'status'
            ? 'current'
            : '';
  if (values.owner === CLEAR) fields.owner = null;
  else if (values.owner) {
    const r = await resolveOwner(values.owner, ctx);
    if (!r.ok) return { ok: false, errors: { owner: r.error } };
    fields.owner = r.owner;
  }
  return { ok: true, fields: fields as Partial<ClientFields> };
}

/**
 * I.2.5 / I.2.7 on the record as these fields would leave it (`before` for an edit): a 现有 client
 * keeps its phone follow-ups and visits. The refused field and why, or nothing.
 */
function cadenceRefusal(fields: Partial<ClientFields>, before?: ClientRecord | null): Record<string, string> {
  const pick = <K extends 'status' | 'callDays' | 'visitDays'>(k: K) => (k in fields ? fields[k] : before?.[k]);
  const p = cadenceProblem({
    status: pick('status') ?? 'current',
    callDays: pick('callDays') ?? null,
    visitDays: pick('visitDays') ?? null,
  });
  return p ? { [p.field]: p.error } : {};
}

/** The same check on form answers, so a guided form asks the refused field again and a card shows it inline. */
async function cadenceErrors(
  ctx: BotContext,
  values: Record<string, string>,
  before?: ClientRecord | null,
): Promise<Record<string, string>> {
  const r = await fieldsFrom(ctx, values);
  return r.ok ? cadenceRefusal(r.fields, before) : {};
}

export const addClientForm: FormDefinition = {
  name: 'clients.add',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '添加客户（客户档案）',
  allow: KEEPERS,
  // a client already on record is refused at the name question, before the other nine
  fields: clientFields(false).map((f) => (f.key === 'name' ? { ...f, check: nameTaken } : f)),
  async validate(ctx, values): Promise<Record<string, string>> {
    return cadenceErrors(ctx, values);
  },
  async submit(ctx, values) {
    const r = await fieldsFrom(ctx, values);
    if (!r.ok) {
      await ctx.reply(Object.values(r.errors).join('\n'));
      return;
    }
    const refused = Object.values(cadenceRefusal(r.fields));
    if (refused.length) {
      await ctx.reply(`没有添加：${refused.join('；')}`);
      return;
    }
    const mine = ctx.sender && mayOwn([...ctx.sender.roles]) ? actor(ctx) : null;
    const made = await createClient(
      { ...r.fields, owner: r.fields.owner ?? mine, name: values.name! },
      actor(ctx),
      '新建',
      ctx.services.now(),
    );
    if (!made) {
      await ctx.reply(`已有客户「${values.name}」，没有重复添加。发送「客户 ${values.name}」查看。`);
      return;
    }
    ctx.log.info({ client: values.name }, 'client added');
    await ctx.reply(await cardFor(ctx, made, { title: `已添加客户：${made.name}` }));
  },
};

/** 「ABC 物业」 is 「ABC物业」: a new client's name must not name one on record (as it is on record). */
async function nameTaken(name: string): Promise<string | undefined> {
  const existing = await clientByName(name);
  return existing ? `已有客户「${existing.name}」。要修改请发送「修改客户 ${existing.name}」。` : undefined;
}

export const editClientForm: FormDefinition = {
  name: 'clients.edit',
  title: '修改客户档案（只填要改的项）',
  allow: KEEPERS,
  fields: clientFields(true),
  validate: async (ctx, values, context) => cadenceErrors(ctx, values, await loadClient(context.id ?? '')),
  async submit(ctx, values, context) {
    await applyEdit(ctx, context.id ?? '', values);
  },
};

async function applyEdit(ctx: BotContext, id: string, values: Record<string, string>): Promise<void> {
  const r = await fieldsFrom(ctx, values);
  if (!r.ok) {
    await ctx.reply(`没有修改：${Object.values(r.errors).join('；')}`);
    return;
  }
  const fields = r.fields as Partial<ClientFields> & { archivedAt?: Date | null };
  const refused = Object.values(cadenceRefusal(fields, await loadClient(id)));
  if (refused.length) {
    await ctx.reply(`没有修改：${refused.join('；')}`);
    return;
  }
  if (fields.status) fields.archivedAt = fields.status === 'lost' ? ctx.services.now() : null;
  const saved = await saveClient(id, fields, actor(ctx), '修改', ctx.services.now());
  if (!saved.ok) {
    const why = {
      gone: '找不到这个客户了。',
      busy: '别人正在同时修改这个客户，请稍后再试。',
      'name-taken': `已有客户叫「${fields.name}」，名称不能重复。`,
    }[saved.reason];
    await ctx.reply(`没有修改：${why}`);
    return;
  }
  if (!saved.changes.length) {
    await ctx.reply(`客户「${saved.client.name}」没有改动。`);
    return;
  }
  ctx.log.info({ client: saved.client.name, fields: saved.changes.map((c) => c.field) }, 'client edited');
  await ctx.reply(await cardFor(ctx, saved.client, { title: `已修改客户档案：${saved.client.name}` }));
}

/** 添加客户 [字段: 值 lines]: the guided form, or a form card on Lark. */
export async function addClient(ctx: BotContext): Promise<void> {
  const args = ctx.services.forms.oneFieldPerLine(ctx, addClientForm.name, ctx.args);
  let prefill = args.trim() && !/[:：]/.test(args) ? `客户名称: ${args.trim()}` : args;
  // a one-message form says what it knows; the optional fields it leaves out are empty, not asked
  if (/[:：]/.test(args)) {
    const given = new Set([...normalizeText(args).matchAll(/^([^:\n]+?)\s*:/gm)].map((m) => m[1]));
    prefill += addClientForm.fields
      .filter((f) => !f.required && !given.has(f.label) && !given.has(f.key))
      .map((f) => `\n${f.label}: 跳过`)
      .join('');
  }
  // a bare name starts the form (the rest is asked, or shown on the card); lines are the whole message
  await ctx.services.forms.start(ctx, addClientForm.name, prefill, {}, { startingPoint: !/[:：]/.test(args) });
}

/**
 * 修改客户 <名称> [字段: 值 lines]: lines change those fields at once (all or nothing); without
 * lines, the form asks for each field (a form card on Lark).
 */
export async function editClient(ctx: BotContext): Promise<void> {
  // 「修改客户 万达物业 电话: 0571-88886666」 on one line is the client, then the field
  const { query, lines } = splitClientArgs(ctx.services.forms.oneFieldPerLine(ctx, editClientForm.name, ctx.args));
  const c = await findOneClient(ctx, query, '修改客户 万达物业');
  if (!c) return;
  if (!lines.trim()) {
    await ctx.reply(await cardFor(ctx, c, { changes: 0, buttons: [] }));
    await startEdit(ctx, c);
    return;
  }
  const values: Record<string, string> = {};
  const errors: string[] = [];
  const labels = Object.fromEntries(editClientForm.fields.map((f) => [f.label, f.key]));
  for (const line of normalizeText(lines).split('\n')) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = labels[m[1]!] ?? CLIENT_SHEET.aliases[m[1]!.replace(/\s+/g, '')];
    const field = editClientForm.fields.find((f) => f.key === key);
    if (!field) {
      errors.push(`「${echo(m[1] ?? '')}」不是客户档案的字段`);
      continue;
    }
    const res = await field.parse!(m[2]!.trim() || CLEAR, ctx);
    if (res.ok) values[field.key] = res.value;
    else errors.push(res.error);
  }
  if (errors.length || !Object.keys(values).length) {
    await ctx.reply(
      `没有修改：${errors.join('；') || '请按「字段: 新值」每行写一项，例如：\n修改客户 万达物业\n电话: 0571-88886666'}`,
    );
    return;
  }
  await applyEdit(ctx, String(c._id), values);
}

/**
 * A form card shows the record's values to change in place (an unchanged field saves nothing); a
 * guided form asks each field with 跳过 to keep it, so it starts empty.
 */
async function startEdit(ctx: BotContext, c: ClientRecord): Promise<void> {
  // phones are prefilled only where this viewer may see them (a card may be in a group)
  const full = fullPhoneFor(ctx, c);
  const current = diffClient({}, c)
    .filter((ch) => full || !PHONE_FIELDS.includes(ch.field))
    .map((ch) => `${FIELD_LABELS[ch.field]}: ${ch.to}`);
  await ctx.services.forms.start(ctx, editClientForm.name, ctx.can.formCards ? current.join('\n') : '', {
    id: String(c._id),
  });
}

export async function editFromCard(ctx: BotContext): Promise<void> {
  const c = await clientFromAction(ctx);
  if (c) await startEdit(ctx, c);
}

/** I.2.9 客户流失 <名称> [原因]: archived, never deleted; its history and promises stay. */
export async function archiveClient(ctx: BotContext): Promise<void> {
  const [name = '', ...reason] = ctx.args.split(/\s+/);
  const c = await findOneClient(ctx, name, '客户流失 万达物业 合同到期未续签');
  if (!c) return;
  if (c.status === 'lost') {
    await ctx.reply(`客户「${c.name}」已经是已流失。要恢复请发送「修改客户 ${c.name}\n状态: 现有」。`);
    return;
  }
  const why = typedTail(ctx.event.text ?? '', reason.join(' '));
  const saved = await saveClient(
    String(c._id),
    { status: 'lost', archivedAt: ctx.services.now() },
    actor(ctx),
    why ? `归档：${why}` : '归档',
    ctx.services.now(),
  );
  if (!saved.ok) {
    await ctx.reply('没有归档：别人正在同时修改这个客户，请稍后再试。');
    return;
  }
  await ctx.reply(
    `已把客户「${c.name}」归档为已流失（档案和记录都保留，不再提醒回访）。要恢复请发送「修改客户 ${c.name}\n状态: 现有」。`,
  );
}
