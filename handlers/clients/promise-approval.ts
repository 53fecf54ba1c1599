import { actor } from '../../src/core/audit.ts';
import type { BotContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { freeText } from '../../src/core/forms.ts';
import { notify, recipientsOf, recipientsWithRole } from '../../src/core/notify.ts';
import { dailyNumber } from '../../src/core/numbering.ts';
import { maskPhonesIn, typedTail } from '../../src/core/text.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import type { Card } from '../../src/core/types.ts';
import { beyondAuthority, MONEY_APPROVERS, moneyPromises, needsChairman } from '../complaints/api.ts';
import { ClientPromise, type ClientRecord, type PromiseRecord } from './models.ts';
import { type PromiseItem, parsePromiseNumber } from './rules.ts';

/*
 * II.7 落实对客户的承诺, held to III §4.4 「不得超越核决权限与客户做任何……承诺」: a promise in a
 * visit report that gives the client money (减免, 退款, 赔偿, 免费 … — complaints' authority-rules.ts)
 * and was made by someone other than the 董事长 is kept `pending`: it is not the company's promise,
 * is not reminded, and cannot be marked kept, until the chairman confirms it (核准承诺). Not
 * confirmed, it is `refused` and its owner tells the client so, by letter or phone (§4.4).
 */

export interface Tracked {
  open: PromiseRecord[];
  pending: PromiseRecord[];
}

/** Numbers and saves a visit's promises; those beyond the owner's authority wait for the chairman, who is asked. */
export async function trackPromises(
  ctx: BotContext,
  c: Pick<ClientRecord, '_id' | 'name'>,
  items: readonly PromiseItem[],
  logId: string,
): Promise<Tracked> {
  const now = ctx.services.now();
  const by = actor(ctx);
  const out: Tracked = { open: [], pending: [] };
  for (const item of items) {
    const money = moneyPromises(item.text);
    const waits = needsChairman(money, (r) => ctx.hasRole(r));
    const _id = await dailyNumber('CN', now, ctx.services.config.timezone);
    const doc = await ClientPromise.create({
      _id,
      clientId: String(c._id),
      clientName: c.name,
      text: item.text,
      dueDay: item.dueDay,
      owner: by,
      createdBy: by,
      logId,
      status: waits ? 'pending' : 'open',
      money: money.join('、'),
    });
    (waits ? out.pending : out.open).push(doc.toObject() as PromiseRecord);
  }
  for (const p of out.pending) await askChairman(ctx, p);
  return out;
}

function approvalCard(p: PromiseRecord): Card {
  return {
    title: `客户承诺待董事长核准：${p._id}`,
    color: 'orange',
    // a promise may quote a client's phone: the chairman reads the card, not the number
    lines: [
      `客户：${p.clientName}`,
      `承诺：${maskPhonesIn(p.text)}（${p.dueDay} 前）`,
      `承诺人：${p.owner.name}`,
      `涉及金额：${p.money}（§4.4）`,
    ],
    buttons: [
      {
        label: '核准承诺',
        action: 'clients.promiseApprove',
        value: { id: p._id },
        style: 'primary',
        confirm: `核准承诺 ${p._id}（${p.clientName}，${p.money}）？`,
      },
      { label: '不核准', action: 'clients.promiseRefuse', value: { id: p._id } },
    ],
    note: `核准后才算公司的承诺，到期提醒兑现；不核准请写原因，承诺人会以书信或电话告知客户。也可发送「核准承诺 ${p._id}」或「核准承诺 ${p._id} 不同意 原因」。`,
  };
}

async function askChairman(ctx: BotContext, p: PromiseRecord): Promise<void> {
  const to = await recipientsWithRole(ctx.services, MONEY_APPROVERS, ctx.sender?.staffId ? [ctx.sender.staffId] : []);
  if (!to.length) ctx.log.warn({ promise: p._id }, 'no chairman to confirm a promise that commits money');
  else await notify(ctx.services, to, approvalCard(p));
}

/** What the owner is told at once about the promises that wait, for the visit's reply. */
export function pendingLines(pending: readonly PromiseRecord[]): string[] {
  if (!pending.length) return [];
  return [
    `以下承诺${beyondAuthority(pending.map((p) => p.money).join('、'))}已报董事长；核准前不算承诺、不提醒。请告诉客户：需公司确认后以书信或电话答复。`,
    ...pending.map((p) => `• ${p._id} ${p.text}（${p.dueDay} 前，待董事长核准）`),
  ];
}

async function decide(ctx: BotContext, raw: string, refuseWith?: string): Promise<void> {
  const id = parsePromiseNumber(raw);
  const p = id ? await ClientPromise.findById(id).lean<PromiseRecord>() : null;
  if (!p) {
    await ctx.toast(id ? `没有找到承诺 ${id}，请检查编号。` : '请写明承诺编号，例如：核准承诺 CN-20261127-001');
    return;
  }
  if (p.status !== 'pending') {
    await ctx.toast(
      `承诺 ${p._id} 不在等待核准${p.decidedBy ? `（${p.decidedBy.name} 已${p.status === 'refused' ? '不核准' : '核准'}）` : ''}。`,
    );
    return;
  }
  const now = ctx.services.now();
  const status = refuseWith === undefined ? 'open' : 'refused';
  const set = { status, decidedBy: actor(ctx), decidedAt: now, decisionNote: refuseWith ?? '' };
  if (!(await transition(ClientPromise, p._id, p.version, { $set: set }, ctx.sender?.identity ?? ''))) {
    const after = await readAfterTransition(ClientPromise, p._id, p.version);
    await ctx.toast(`承诺 ${p._id} 已由${after?.decidedBy?.name ?? '别人'}处理，没有重复记录。`);
    return;
  }
  ctx.log.info({ promise: p._id, status }, 'promise decided by the chairman');
  const what = `${p.clientName}：${p.text}（${p.dueDay} 前）`;
  await ctx.toast(
    status === 'open' ? `已核准承诺 ${p._id}，承诺人会按期兑现。` : `已不核准承诺 ${p._id}，承诺人会告知客户。`,
  );
  const owner = await recipientsOf(ctx.services, p.owner.staffId ? [{ id: p.owner.staffId, name: p.owner.name }] : []);
  const text =
    status === 'open'
      ? `董事长已核准承诺 ${p._id} ${what}。请按期兑现，完成后发送「承诺完成 ${p._id}」（第十章二 §7）。`
      : `董事长不核准承诺 ${p._id} ${what}：${refuseWith}。这不是公司的承诺，请以书信或电话告知客户（§4.4）。`;
  if (owner.length) await notify(ctx.services, owner, text);
}

/** 核准承诺 <编号> | 核准承诺 <编号> 不同意 <原因> | 核准承诺 (the list waiting) */
export async function approvePromiseCommand(ctx: BotContext): Promise<void> {
  const [first = '', ...rest] = ctx.args.trim().split(/\s+/);
  if (!first) {
    const waiting = await ClientPromise.find({ status: 'pending' })
      .sort({ createdAt: 1 })
      .limit(30)
      .lean<PromiseRecord[]>();
    await ctx.reply(
      waiting.length
        ? [
            '待核准的客户承诺（§4.4）：',
            ...waiting.map(
              (p) =>
                `• ${p._id} ${p.clientName}：${maskPhonesIn(p.text)}（${p.dueDay} 前，${p.owner.name}；${p.money}）`,
            ),
            '发送「核准承诺 编号」核准，或「核准承诺 编号 不同意 原因」。',
          ].join('\n')
        : '没有待核准的客户承诺。',
    );
    return;
  }
  const m = /^(不同意|不核准|否|驳回)$/.exec(rest[0] ?? '');
  if (!m) {
    await decide(ctx, first);
    return;
  }
  const reason = typedTail(ctx.event.text ?? '', rest.slice(1).join(' '));
  if (!reason) {
    await ctx.reply(`不核准请写明原因，例如：核准承诺 ${first} 不同意 服务费不能减免`);
    return;
  }
  await decide(ctx, first, reason);
}

/** What 核准承诺 says before it runs (ActionRoute.confirm): the promise and the money it commits. */
export async function approvePromiseQuestion(ctx: BotContext): Promise<string | undefined> {
  const p = await ClientPromise.findById(parsePromiseNumber(ctx.action?.value.id ?? '') ?? '').lean<PromiseRecord>();
  if (p?.status !== 'pending') return undefined;
  return `确认核准承诺 ${p._id}：${p.clientName}：${maskPhonesIn(p.text)}（${p.dueDay} 前，${p.money}）？核准后就是公司的承诺，要按期兑现。`;
}

/** Button: 核准承诺 */
export async function approvePromiseFromCard(ctx: BotContext): Promise<void> {
  await decide(ctx, ctx.action?.value.id ?? '');
}

export const refusePromiseForm: FormDefinition = {
  name: 'clients.promiseRefuse',
  // an approval decision: asks the one confirmation
  oneMessage: 'confirm',
  allow: MONEY_APPROVERS,
  title: '不核准客户承诺（§4.4）',
  fields: [
    {
      key: 'reason',
      label: '原因',
      required: true,
      prompt: '请写明不核准的原因（承诺人会告知客户）',
      parse: freeText('原因', 300),
    },
  ],
  submit: (ctx, v, context) => decide(ctx, context.id ?? '', v.reason!),
};

/** Button: 不核准 (asks the reason) */
export async function refusePromiseFromCard(ctx: BotContext): Promise<void> {
  const id = parsePromiseNumber(ctx.action?.value.id ?? '');
  const p = id ? await ClientPromise.findById(id, { status: 1 }).lean() : null;
  if (!p || p.status !== 'pending') {
    await ctx.toast(p ? `承诺 ${id} 已经处理过了。` : '找不到这条承诺。');
    return;
  }
  await ctx.services.forms.start(ctx, refusePromiseForm.name, '', { id: id! });
}
