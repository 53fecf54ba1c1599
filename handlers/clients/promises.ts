import { DateTime } from 'luxon';
import { actor } from '../../src/core/audit.ts';
import type { BotContext } from '../../src/core/context.ts';
import { readListWords } from '../../src/core/list-filter.ts';
import { maskPhonesIn, typedTail } from '../../src/core/text.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import { promiseLine } from './cards.ts';
import { findOneClient } from './common.ts';
import { ClientPromise, type PromiseRecord } from './models.ts';
import { parsePromiseNumber } from './rules.ts';

/* II.7 promises made to a client, once tracked: marked kept by their owner, and listed until they are. */

/** 承诺完成 <编号> [说明]: the owner (or 客服部) marks a promise kept; reminders stop. */
export async function promiseDone(ctx: BotContext): Promise<void> {
  const [first = '', ...note] = ctx.args.split(/\s+/);
  await markDone(ctx, first, typedTail(ctx.event.text ?? '', note.join(' ')));
}

export async function promiseDoneFromCard(ctx: BotContext): Promise<void> {
  await markDone(ctx, ctx.action?.value.id ?? '', '');
}

async function markDone(ctx: BotContext, raw: string, note: string): Promise<void> {
  const id = parsePromiseNumber(raw);
  const p = id ? await ClientPromise.findById(id).lean() : null;
  if (!p) {
    await ctx.toast(
      id
        ? `没有找到承诺 ${id}，请检查编号。发送「承诺」查看你的承诺。`
        : '请写明承诺编号，例如：承诺完成 CN-20261127-001 已送排班表',
    );
    return;
  }
  if (p.owner.staffId !== ctx.sender?.staffId && !ctx.hasRole('customer_service')) {
    await ctx.toast(`这条承诺的负责人是${p.owner.name}，只有本人或客服部可以标记完成。`);
    return;
  }
  if (p.status === 'done') {
    await ctx.toast(`承诺 ${p._id} 已由${p.doneBy?.name ?? ''}标记完成。`);
    return;
  }
  if (p.status === 'pending' || p.status === 'refused') {
    // §4.4: not the company's promise (yet): nothing to keep
    await ctx.toast(
      p.status === 'pending'
        ? `承诺 ${p._id} 还在等董事长核准（§4.4），核准前不算承诺。`
        : `承诺 ${p._id} 董事长没有核准，不是公司的承诺，不需要兑现。`,
    );
    return;
  }
  const won = await transition(
    ClientPromise,
    p._id,
    p.version,
    { $set: { status: 'done', doneAt: ctx.services.now(), doneBy: actor(ctx), doneNote: note } },
    ctx.sender?.identity ?? '',
  );
  if (!won) {
    const after = await readAfterTransition(ClientPromise, p._id, p.version);
    await ctx.toast(`承诺 ${p._id} 已由${after?.doneBy?.name ?? '别人'}标记完成，没有重复记录。`);
    return;
  }
  ctx.log.info({ promise: p._id }, 'promise kept');
  await ctx.toast(`已标记承诺完成：${p._id} ${p.clientName}：${p.text}。不会再提醒。`);
}

/** 承诺 [全部|我的] [客户名] [本月|月份|日期范围]: open promises, mine by default; a period is when they are due. */
export async function listPromises(ctx: BotContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const read = readListWords(ctx.args, ctx.services.now(), tz);
  if ('error' in read) {
    await ctx.reply(`${read.error}例如：承诺 本月`);
    return;
  }
  // §4.4: those waiting for the chairman are listed too, marked, so nobody takes them for promises
  const query: Record<string, unknown> = { status: { $in: ['open', 'pending'] } };
  const label: string[] = [];
  if (read.rest.length) {
    const c = await findOneClient(ctx, read.rest.join(' '), '承诺 万达物业');
    if (!c) return;
    query.clientId = String(c._id);
    label.push(c.name);
  }
  // mine unless 全部 or a client was named (a client's promises are everyone's)
  if (read.mine || (!read.all && !read.rest.length)) {
    query['owner.staffId'] = ctx.sender?.staffId ?? '-';
    label.unshift('我负责的');
  } else if (read.all) label.unshift('全部');
  if (read.period) {
    const day = (d: Date) => DateTime.fromJSDate(d, { zone: tz }).toISODate()!;
    query.dueDay = { $gte: day(read.period.from), $lt: day(read.period.to) };
    label.push(`${read.period.label}到期`);
  }
  const list = await ClientPromise.find(query).sort({ dueDay: 1 }).limit(50).lean<PromiseRecord[]>();
  const now = ctx.services.now();
  if (!list.length) {
    await ctx.reply(`没有未完成的承诺（${label.join('，')}）。`);
    return;
  }
  // a promise may quote a client's phone (回电 137…): masked where a group reads it
  const shown = (line: string) => (ctx.chat.isGroup ? maskPhonesIn(line) : line);
  const line = (p: PromiseRecord) =>
    p.status === 'pending'
      ? `• ${shown(`${p._id} ${p.clientName}：${p.text}`)}（待董事长核准，${p.money}；核准前不算承诺）`
      : `• ${shown(promiseLine(p, now, tz))}`;
  await ctx.reply(
    [`未完成的承诺（${label.join('，')}）：`, ...list.map(line), '完成后发送「承诺完成 编号 说明」。'].join('\n'),
  );
}
