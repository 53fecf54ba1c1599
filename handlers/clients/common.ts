import type { BotContext } from '../../src/core/context.ts';
import { echo } from '../../src/core/text.ts';
import type { Card, CardButton } from '../../src/core/types.ts';
import { openComplaintsOf } from '../complaints/api.ts';
import { type ClientCardData, clientButtons, clientCard } from './cards.ts';
import { ClientPromise, type ClientRecord, clientLogRows } from './models.ts';
import { maySeeClientPhones } from './rules.ts';
import { clientSettingsOf } from './settings.ts';
import { loadClient, searchClients } from './store.ts';

export function fullPhoneFor(ctx: BotContext, c: Pick<ClientRecord, 'owner'>): boolean {
  return maySeeClientPhones({ isGroup: ctx.chat.isGroup, staffId: ctx.sender?.staffId, has: (r) => ctx.hasRole(r) }, c);
}

/** Open complaints (by id, or by name for older ones), the latest logs and the open promises. */
export async function cardData(c: ClientRecord, logs = 5): Promise<ClientCardData> {
  const id = String(c._id);
  const [complaints, logDocs, promises] = await Promise.all([
    openComplaintsOf({ id, name: c.name }),
    clientLogRows.all({ clientId: id }, { sort: { at: -1 }, limit: logs }),
    ClientPromise.find({ clientId: id, status: 'open' }).sort({ dueDay: 1 }).lean(),
  ]);
  return {
    complaints,
    logs: logDocs,
    // the card is the client's own: its promises need not repeat its name
    promises: promises.map((p) => ({ ...p, clientName: undefined })),
  };
}

/** The client card as this viewer may see it (phones, buttons). */
export async function cardFor(
  ctx: BotContext,
  c: ClientRecord,
  extra: { title?: string; note?: string; changes?: number; buttons?: CardButton[] } = {},
): Promise<Card> {
  const s = clientSettingsOf(ctx.services.config);
  return clientCard(c, await cardData(c), {
    fullPhone: fullPhoneFor(ctx, c),
    tz: ctx.services.config.timezone,
    now: ctx.services.now(),
    cadence: s.cadence,
    buttons: extra.buttons ?? clientButtons(c, (r) => ctx.hasRole(r)),
    title: extra.title,
    note: extra.note,
    changes: extra.changes,
  });
}

/**
 * The one client named by `query` (exact name, or the only match of a search); answers the person
 * itself when there is none or several.
 */
export async function findOneClient(
  ctx: BotContext,
  query: string,
  example: string,
): Promise<ClientRecord | undefined> {
  const q = query.trim();
  if (!q) {
    await ctx.reply(`请写明客户名称，例如：${example}`);
    return undefined;
  }
  const found = await searchClients(q, 8);
  if (found.length === 1) return found[0];
  if (!found.length) {
    await ctx.reply(`没有找到客户「${echo(q)}」。发送「客户列表」查看全部客户，或「添加客户」新建。`);
    return undefined;
  }
  const cmd = example.split(' ')[0];
  await ctx.reply(
    [`有 ${found.length} 个客户符合「${echo(q)}」，请写全名：`, ...found.map((c) => `• ${cmd} ${c.name}`)].join('\n'),
  );
  return undefined;
}

/** The client named by a card button's value, or a toast saying it is gone. */
export async function clientFromAction(ctx: BotContext): Promise<ClientRecord | undefined> {
  const c = await loadClient(ctx.action?.value.id ?? '');
  if (!c) await ctx.toast('找不到这个客户，可能已被改名，请用「客户 名称」重新查找。');
  return c ?? undefined;
}

/**
 * The first line of a command's text is the client (`拜访 万达物业`); any `字段: 值` lines that
 * follow are a one-message form.
 */
export function splitClientArgs(args: string): { query: string; lines: string } {
  const [first = '', ...rest] = args.split('\n');
  if (/[:：]/.test(first)) return { query: '', lines: args };
  return { query: first.trim(), lines: rest.join('\n') };
}
