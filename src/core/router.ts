import type { BotContext, Handler } from './context.ts';
import type { Role } from './types.ts';
import { matchWord, normalizeText, stripCommandPrefix } from './text.ts';

/**
 * Who may use a route: `anyone` includes people not yet bound (only 绑定 needs that); `staff` is
 * every bound person; a role list means any of those roles.
 */
export type Allow = 'anyone' | 'staff' | readonly Role[];

export interface CommandRoute {
  name: string;
  /** Chinese words first (shown in help), then English aliases. */
  words: readonly string[];
  allow: Allow;
  summary: string;
  example: string;
  handler: Handler;
  /** The workflow's title, filled in when the table is composed (help groups by it). */
  group?: string;
}

export interface ActionRoute {
  action: string;
  allow: Allow;
  handler: Handler;
}

/** Where a picture or file sent in a private chat goes (e.g. a receipt photo for a reimbursement). */
export interface AttachmentRoute {
  allow: Allow;
  handler: Handler;
}

export interface RouteTable {
  commands: readonly CommandRoute[];
  actions: readonly ActionRoute[];
  attachment?: AttachmentRoute;
}

export function matchCommand(table: RouteTable, rawText: string): { route: CommandRoute; args: string } | undefined {
  const text = stripCommandPrefix(normalizeText(rawText));
  // the longest word wins across the whole table, so 绑定码 is not read as 绑定 + "码"
  let best: { route: CommandRoute; args: string; len: number } | undefined;
  for (const route of table.commands) {
    const m = matchWord(text, route.words);
    if (m && (!best || m.word.length > best.len)) best = { route, args: m.rest, len: m.word.length };
  }
  return best && { route: best.route, args: best.args };
}

export function matchAction(table: RouteTable, action: string): ActionRoute | undefined {
  return table.actions.find((a) => a.action === action);
}

export function isAllowed(allow: Allow, ctx: Pick<BotContext, 'sender'>): boolean {
  if (allow === 'anyone') return true;
  if (!ctx.sender) return false;
  if (allow === 'staff') return true;
  return allow.some((r) => ctx.sender!.roles.has(r));
}

/** Commands the sender may use, in table order (what 帮助 lists). */
export function commandsFor(table: RouteTable, ctx: Pick<BotContext, 'sender'>): CommandRoute[] {
  return table.commands.filter((r) => isAllowed(r.allow, ctx));
}
