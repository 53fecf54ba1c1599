import type { BotContext } from '../../src/core/context.ts';
import { readListWords } from '../../src/core/list-filter.ts';
import { echo } from '../../src/core/text.ts';
import { rotationOrder } from './cadence-rules.ts';
import { clientListLine } from './cards.ts';
import { cardFor, clientFromAction, findOneClient } from './common.ts';
import { Client, type ClientRecord } from './models.ts';
import { type ClientStatus, STATUS_HINT, STATUS_LABELS, statusFromWords } from './rules.ts';

/* Looking clients up (I.2.8): one client's card, the list by status, and I.3.5's rotation order. */

/** 客户 <名称/联系人/电话/驻点>: the card of the one match, or the list of matches. */
export async function showClient(ctx: BotContext): Promise<void> {
  const c = await findOneClient(ctx, ctx.args, '客户 万达物业');
  if (c) await ctx.reply(await cardFor(ctx, c));
}

export async function showFromCard(ctx: BotContext): Promise<void> {
  const c = await clientFromAction(ctx);
  if (c) await ctx.reply(await cardFor(ctx, c));
}

const LIST_LIMIT = 50;

/** 客户列表 [现有|潜在|已流失|全部|我的]: by default every client not archived. */
export async function listClients(ctx: BotContext): Promise<void> {
  const usage = `用法：客户列表 [现有 / 潜在 / 已流失 / 全部 / 我的]。${STATUS_HINT}`;
  const read = readListWords(ctx.args, ctx.services.now(), ctx.services.config.timezone, statusFromWords);
  if ('error' in read || read.period || read.rest.length) {
    const why =
      'error' in read ? read.error : read.period ? '客户列表不按日期筛选。' : `「${echo(read.rest[0]!)}」看不懂。`;
    await ctx.reply(`${why}${usage}`);
    return;
  }
  // current and potential by default; 全部 takes the lost ones too; a status word that one status
  const query: Record<string, unknown> = read.status
    ? { status: read.status }
    : read.all
      ? {}
      : { status: { $in: ['current', 'potential'] } };
  const label: string[] = [];
  if (read.status) label.push(STATUS_LABELS[read.status]);
  else if (read.all) label.push('全部');
  if (read.mine) {
    query['owner.staffId'] = ctx.sender?.staffId ?? '-';
    label.push('我负责的');
  }
  const total = await Client.countDocuments(query);
  const docs = await Client.find(query).sort({ name: 1 }).limit(LIST_LIMIT).lean<ClientRecord[]>();
  const head = `客户列表（${label.join('、') || '现有和潜在'}）：共 ${total} 个${total > LIST_LIMIT ? `，显示前 ${LIST_LIMIT} 个` : ''}`;
  if (!docs.length) {
    await ctx.reply(`${head}。发送「添加客户」新建。`);
    return;
  }
  await ctx.reply(
    [
      head,
      ...docs.map((c) =>
        clientListLine(
          {
            ...c,
            owner: c.owner ?? null,
            lastCallAt: c.lastCallAt ?? null,
            lastVisitAt: c.lastVisitAt ?? null,
            status: (c.status ?? 'current') as ClientStatus,
          },
          ctx.services.config.timezone,
        ),
      ),
      '发送「客户 名称」查看档案。',
    ].join('\n'),
  );
}

const ROTATION_LIMIT = 20;

/** I.3.5 巡回访问 [我的]: clients in the order they should be visited — not contacted the longest first. */
export async function rotation(ctx: BotContext): Promise<void> {
  const read = readListWords(ctx.args, ctx.services.now(), ctx.services.config.timezone);
  if ('error' in read || read.period || read.rest.length) {
    await ctx.reply('用法：巡回访问（全部客户）或 巡回访问 我的（我负责的客户）。');
    return;
  }
  const mine = read.mine;
  const query: Record<string, unknown> = { status: { $in: ['current', 'potential'] } };
  if (mine) query['owner.staffId'] = ctx.sender?.staffId ?? '-';
  const docs = await Client.find(query, {
    name: 1,
    status: 1,
    owner: 1,
    lastCallAt: 1,
    lastVisitAt: 1,
    createdAt: 1,
  }).lean<ClientRecord[]>();
  const tz = ctx.services.config.timezone;
  const ordered = rotationOrder(
    docs.map((d) => ({ ...d, lastCallAt: d.lastCallAt ?? null, lastVisitAt: d.lastVisitAt ?? null })),
  );
  if (!ordered.length) {
    await ctx.reply(mine ? '你还没有负责的客户。' : '还没有客户。发送「添加客户」新建。');
    return;
  }
  await ctx.reply(
    [
      `巡回访问顺序（I.3.5，不只访问特定客户；最久没联系的在前）${mine ? '——我负责的' : ''}：`,
      ...ordered.slice(0, ROTATION_LIMIT).map((c, i) => `${i + 1}. ${clientListLine(c, tz).slice(2)}`),
      ordered.length > ROTATION_LIMIT ? `……共 ${ordered.length} 个，只列前 ${ROTATION_LIMIT} 个。` : '',
      '拜访后发送「拜访 客户名」记录，电话后发送「跟进 客户名」。',
    ]
      .filter(Boolean)
      .join('\n'),
  );
}
