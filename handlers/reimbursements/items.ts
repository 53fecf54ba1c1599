import { randomUUID } from 'node:crypto';
import type { StaffContext } from '../../src/core/context.ts';
import { looksLikeDate, resolveDate } from '../../src/core/dates.ts';
import { type FieldResult, type FormDefinition, storedAsTyped } from '../../src/core/forms.ts';
import { parseYuan } from '../../src/core/money.ts';
import { echo, isNoneWord } from '../../src/core/text.ts';
import { OnceKey } from '../../src/models/index.ts';
import { isTicket } from './categories.ts';
import { heldElsewhere, holdsOf, otherWorkflowsProblem } from './claim-checks.ts';
import { companionChecks, companionIds } from './companions.ts';
import { showDraft, showDraftAdded } from './draft-view.ts';
import { ReimbursementClaim, ReimbursementDraft } from './models.ts';
import { itemBrief } from './replies.ts';
import {
  alreadyClaimedSerials,
  amountProblem,
  CATEGORY_HINT,
  type ClaimItem,
  categoryLabel,
  companionsProblem,
  consecutiveBusTickets,
  consecutiveWithEarlierClaims,
  dateInFuture,
  parseCategory,
  type RuleMessage,
  repeatedSerials,
  sameTripClaimedBefore,
  ticketWithoutSerials,
} from './rules.ts';
import { adjacentSerials, normalizeSerial, parseSerials } from './serials.ts';

export const ITEM_FORM = 'reimburse.item';
export const MAX_ITEMS = 30;

/** The key that makes a bus-ticket serial claimable once across all claims (takeOnce), in its normal form. */
export const serialKey = (serial: string) => `busticket:${normalizeSerial(serial)}`;
/** Keys taken before serials were normalised (as typed, upper case): still found, still released. */
const legacyKey = (serial: string) => `busticket:${serial.toUpperCase()}`;
/** Every key a serial may be held under. */
export const serialKeys = (serials: readonly string[]) => [
  ...new Set(serials.flatMap((s) => [serialKey(s), legacyKey(s)])),
];

const ok = (value: string): FieldResult => ({ ok: true, value });
const bad = (error: string): FieldResult => ({ ok: false, error });

/** The staff member behind the message, or a reply saying why reimbursement needs one. */
export async function claimantOf(ctx: StaffContext): Promise<{ staffId: string; name: string } | undefined> {
  if (ctx.sender.staffId) return { staffId: ctx.sender.staffId, name: ctx.sender.name };
  await ctx.toast('报销需要员工身份：请先用绑定码绑定你的员工档案（发送「绑定 绑定码」）。');
  return undefined;
}

/**
 * 票号 and 同行人数 are asked for tickets (§3.5.3), known by the category or the 所办事项 (isTicket: a bus
 * ticket typed as 地铁 or 其他 is still one); a category not yet known asks them.
 */
function isTicketItem(values: Record<string, string>): boolean {
  return (
    values.category === undefined ||
    isTicket({ category: parseCategory(values.category) ?? 'other', matter: values.matter ?? '' })
  );
}

/**
 * One item of a claim. Each field is checked as it is typed (guided form) or inline (Lark form card);
 * rules that need several fields or the other items (§3.5.3 serials) are checked on submit.
 */
export const itemForm: FormDefinition = {
  name: ITEM_FORM,
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '报销明细',
  fields: [
    {
      key: 'date',
      label: '日期',
      required: true,
      prompt: '请输入票据日期（如 2026-11-27、11-27 或 今天）',
      placeholder: '2026-11-27 / 11-27 / 今天',
      parse: (t) => (looksLikeDate(t) ? ok(t) : bad('日期格式不对，请写成 2026-11-27、11-27 或 今天。')),
    },
    {
      key: 'category',
      label: '类别',
      required: true,
      prompt: `请输入类别：${CATEGORY_HINT}`,
      placeholder: CATEGORY_HINT,
      parse: (t) => {
        const c = parseCategory(t);
        return c ? ok(categoryLabel(c)) : bad(`类别「${echo(t)}」不认识，请从这些中选：${CATEGORY_HINT}。`);
      },
    },
    {
      key: 'amount',
      label: '金额',
      required: true,
      prompt: '请输入金额（元，最多两位小数，如 12.50）',
      placeholder: '12.50',
      parse: (t) => {
        const fen = parseYuan(t);
        if (fen === undefined) return bad('金额请写数字（元），最多两位小数，如 12.50。');
        if (fen <= 0) return bad('金额必须大于 0。');
        return ok((fen / 100).toFixed(2));
      },
    },
    {
      key: 'matter',
      label: '所办事项',
      required: true,
      prompt: '请输入所办事项（因什么公事花的这笔钱）',
      parse: storedAsTyped((t) => (t.length <= 100 ? ok(t) : bad('所办事项请控制在 100 字以内。'))),
    },
    {
      key: 'contact',
      label: '公司接洽人',
      required: true,
      prompt: '请输入公司接洽人（在票据上签字的公司人员姓名）',
      parse: (t) => (t.length <= 20 ? ok(t) : bad('公司接洽人请只写姓名。')),
    },
    {
      key: 'serials',
      label: '票号',
      required: true,
      when: isTicketItem,
      prompt: '请输入票号（车票或发票上的编号，多张用逗号隔开）',
      placeholder: '车票（公交、地铁、火车等）必填，多张用逗号隔开',
      parse: (t) => {
        const r = parseSerials(t);
        return 'error' in r ? bad(r.error) : ok(r.serials.join(','));
      },
    },
    {
      key: 'travellers',
      label: '同行人数',
      when: isTicketItem,
      prompt: '一共几人同行？（一个人就回复 1）',
      placeholder: '车票填写，默认 1',
      parse: (t) => {
        if (isNoneWord(t)) return ok('');
        const n = Number(t.replace(/人$/, ''));
        return Number.isInteger(n) && n >= 1 && n <= 50 ? ok(String(n)) : bad('同行人数请写 1 到 50 的整数。');
      },
    },
    {
      key: 'companions',
      label: '同行人',
      required: true,
      when: (v) => isTicketItem(v) && Number(v.travellers) >= 2,
      prompt: '请写另外几位同行人的姓名（员工或其他人，用顿号隔开）',
      placeholder: '同行人数 2 人及以上必填，如：李四、王五',
      parse: (t) => {
        const names = splitNames(t);
        return names.length && names.every((n) => n.length <= 20)
          ? ok(names.join('、'))
          : bad('同行人请写姓名，多人用顿号隔开，如：李四、王五。');
      },
    },
  ],
  validate: async (ctx, values) => (await checkItem(ctx, values)).errors,
  submit: addItem,
};

function splitNames(t: string): string[] {
  return t
    .split(/[、,，;；\s]+/)
    .map((n) => n.trim())
    .filter(Boolean);
}

/** Turns the form's values into an item, with errors per field for the rules that need the whole picture. */
export function buildItem(values: Record<string, string>, now: Date, tz: string) {
  const errors: Record<string, string> = {};
  const date = resolveDate(values.date ?? '', now, tz);
  if (!date) errors.date = '日期格式不对，请写成 2026-11-27、11-27 或 今天。';
  else if (dateInFuture(date, now, tz)) errors.date = `日期 ${date} 晚于今天，请核对。`;
  const category = parseCategory(values.category ?? '') ?? 'other';
  const amount = parseYuan(values.amount ?? '') ?? 0;
  const money = amountProblem(amount);
  if (money) errors.amount = money;
  const serialsParsed = parseSerials(values.serials ?? '');
  const serials = 'serials' in serialsParsed ? serialsParsed.serials : [];
  const item: ClaimItem = {
    date: date ?? '',
    category,
    amount,
    matter: (values.matter ?? '').trim(),
    contact: (values.contact ?? '').trim(),
    serials,
    travellers: Number(values.travellers) || 1,
    companions: [],
  };
  const ticket = isTicket(item);
  if (ticket && item.travellers >= 2) item.companions = splitNames(values.companions ?? '');
  const noSerials = ticketWithoutSerials(item);
  if (noSerials) errors.serials = noSerials.message;
  const company = ticket ? companionsProblem(item.travellers, item.companions ?? []) : undefined;
  if (company) errors.companions = company;
  return { item, errors };
}

/** §3.5.3 checks that need the database: serials already claimed (by anyone) → serial → claim number. */
export async function claimedSerials(serials: readonly string[]): Promise<Map<string, string>> {
  if (!serials.length) return new Map();
  const found = new Map(
    (await OnceKey.find({ _id: { $in: serialKeys(serials) } }).lean()).map((k) => [String(k._id), k.by]),
  );
  const held = new Map<string, string>();
  for (const s of serials) {
    const by = found.get(serialKey(s)) ?? found.get(legacyKey(s));
    if (by) held.set(s, by);
  }
  return held;
}

/**
 * The rules that need several fields, the other items of the draft or the database (§3.5.3
 * serials, dates, amounts): errors by field, shown inline on Lark and asked again in a guided form.
 */
export async function checkItem(
  ctx: StaffContext,
  values: Record<string, string>,
): Promise<{ item: ClaimItem; errors: Record<string, string>; existing: ClaimItem[] }> {
  const { config } = ctx.services;
  const { item, errors } = buildItem(values, ctx.services.now(), config.timezone);
  const staffId = ctx.sender.staffId;
  const draft = staffId ? await ReimbursementDraft.findById(staffId).lean() : null;
  const existing = draft?.items ?? [];
  const all = [...existing, item];
  const last = all.length - 1;
  const aboutThis = (r: RuleMessage | undefined) => r && (r.items === undefined || r.items.includes(last));
  if (!errors.serials && item.serials.length) {
    const consecutive = consecutiveBusTickets(all);
    const repeated = repeatedSerials(all);
    const claimed = alreadyClaimedSerials(await claimedSerials(item.serials));
    const across = staffId
      ? await consecutiveAcrossClaims([item], staffId, companionIds(await companionChecks([item])))
      : undefined;
    const problem = [consecutive, repeated, claimed, across].find(aboutThis);
    if (problem) errors.serials = problem.message;
  }
  // a trip's costs and the like, checked with the draft's items: what the trip recorded is shared by them
  const other =
    (await heldElsewhere(holdsOf(ctx.services, [item]))) ?? (await otherWorkflowsProblem(ctx.services, staffId, all));
  if (aboutThis(other) && !errors.matter) errors.matter = other!.message;
  // serials and travellers are one answer: a refused serial list is asked again with its head count
  if (errors.serials && errors.travellers === undefined) errors.travellers = '请重新确认同行人数。';
  if (errors.travellers && values.companions && errors.companions === undefined)
    errors.companions = '请重新确认同行人。';
  return { item, errors, existing };
}

/**
 * §3.5.3 across claims: tickets of `items` next to a ticket already claimed (found through the
 * per-serial keys, then the claims that hold them) by the same claimant — a ticket on another claim
 * is another trip, so the head count does not excuse it — or on a group trip shared with this
 * claimant: one where they were a named companion, or claimed by one of `companions` (staff ids of
 * the companions these items name). That trip was claimed once already.
 */
export async function consecutiveAcrossClaims(
  items: readonly ClaimItem[],
  claimantId: string,
  companions: readonly string[] = [],
): Promise<RuleMessage | undefined> {
  const mine = items.filter((it) => isTicket(it)).flatMap((it) => it.serials);
  const ours = new Set(mine.map(normalizeSerial));
  const near = new Map<string, string>(); // neighbour (normal form) → the serial of ours it is next to
  for (const s of mine) for (const n of adjacentSerials(s)) if (!ours.has(n)) near.set(n, s);
  if (!near.size) return undefined;
  const held = await claimedSerials([...near.keys()]);
  if (!held.size) return undefined;
  // each by bare `_id`: on FerretDB an `$in` or a second condition reads every claim
  const read = await Promise.all(
    [...new Set(held.values())].map((no) =>
      ReimbursementClaim.findById(no, { items: 1, claimantId: 1, claimantName: 1, companionChecks: 1 }).lean(),
    ),
  );
  const own: { serial: string; earlier: string; claimNo: string }[] = [];
  const shared: { serial: string; earlier: string; claimNo: string; who: string }[] = [];
  for (const c of read) {
    if (!c) continue;
    const mineToo = c.claimantId === claimantId;
    const group = (i: number) =>
      (c.companionChecks ?? []).some((k) => k.item === i && k.staffId === claimantId) ||
      companions.includes(c.claimantId);
    c.items.forEach((it, i) => {
      if (!isTicket(it) || (!mineToo && !group(i))) return;
      for (const earlier of it.serials) {
        const n = normalizeSerial(earlier);
        if (!near.has(n) || held.get(n) !== c._id) continue;
        if (mineToo) own.push({ serial: near.get(n)!, earlier, claimNo: c._id });
        else shared.push({ serial: near.get(n)!, earlier, claimNo: c._id, who: c.claimantName });
      }
    });
  }
  return consecutiveWithEarlierClaims(own) ?? sameTripClaimedBefore(shared);
}

/** The item form was completed and checked: add the item to the sender's draft. */
export async function addItem(ctx: StaffContext, values: Record<string, string>): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  // the form ran checkItem (its validate) just before; submit checks every rule once more
  const { config } = ctx.services;
  const { item } = buildItem(values, ctx.services.now(), config.timezone);
  const count = (await ReimbursementDraft.findById(who.staffId, { items: 1 }).lean())?.items.length ?? 0;
  if (count >= MAX_ITEMS) {
    await ctx.reply(`一张报销单最多 ${MAX_ITEMS} 项。请先发送「提交报销」，再另开一张。`);
    return;
  }
  await ReimbursementDraft.updateOne(
    { _id: who.staffId },
    {
      $push: { items: item },
      $set: { itemAt: ctx.services.now(), photoItem: null },
      $setOnInsert: { token: randomUUID() },
    },
    { upsert: true },
  );
  await showDraftAdded(ctx, who.staffId, `已加入第 ${count + 1} 项：${itemBrief(item)}。`);
}

/** Card button 查看草稿: the sender's whole draft, numbered (for 删除明细). */
export async function showWholeDraft(ctx: StaffContext): Promise<void> {
  const who = await claimantOf(ctx);
  if (who) await showDraft(ctx, who.staffId);
}

/**
 * 报销 [字段: 值 …]: starts one item (a guided form, or a form card on Lark). With `字段: 值` lines it
 * is a one-message form; the bus-only fields default to 无 / 1 so a non-bus item needs no more questions.
 */
export async function startItem(ctx: StaffContext): Promise<void> {
  if (!(await claimantOf(ctx))) return;
  await ctx.services.forms.start(
    ctx,
    ITEM_FORM,
    withBusDefaults(ctx.services.forms.oneFieldPerLine(ctx, ITEM_FORM, ctx.args)),
  );
}

export function withBusDefaults(args: string): string {
  const lines = args
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.some((l) => /^[^:：]+[:：]/.test(l))) return args;
  const has = (label: string) => lines.some((l) => new RegExp(`^(${label})\\s*[:：]`).test(l));
  if (!has('票号|serials')) lines.push('票号: 无');
  if (!has('同行人数|travellers')) lines.push('同行人数: 1');
  return lines.join('\n');
}

/** Card button 继续添加. */
export async function addItemFromCard(ctx: StaffContext): Promise<void> {
  if (!(await claimantOf(ctx))) return;
  await ctx.services.forms.start(ctx, ITEM_FORM);
}

/** 删除明细 <序号> */
export async function removeItem(ctx: StaffContext): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  const n = Number(ctx.args.trim());
  const draft = await ReimbursementDraft.findById(who.staffId).lean();
  const items = draft?.items ?? [];
  if (!items.length) {
    await ctx.reply('你没有未提交的报销草稿。');
    return;
  }
  if (!Number.isInteger(n) || n < 1 || n > items.length) {
    await ctx.reply(`请写要删除第几项（1 到 ${items.length}），例如：删除明细 1`);
    return;
  }
  const rest = items.filter((_, i) => i !== n - 1);
  await ReimbursementDraft.updateOne({ _id: who.staffId }, { $set: { items: rest, photoItem: null } });
  if (!rest.length) {
    await ctx.reply('已删除，草稿里没有明细了。发送「报销」重新填写。');
    return;
  }
  await showDraft(ctx, who.staffId, `已删除第 ${n} 项。`);
}

/** 放弃报销 / card button 放弃 */
export async function discardDraft(ctx: StaffContext): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  const removed = await ReimbursementDraft.deleteOne({ _id: who.staffId });
  await ctx.toast(removed.deletedCount ? '已放弃这份报销草稿，没有提交任何内容。' : '你没有未提交的报销草稿。');
}
