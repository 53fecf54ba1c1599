import type { BotContext, Handler, StaffContext, StaffHandler } from './context.ts';
import type { CardButton, Role } from './types.ts';
import { matchWord, normalizeText, stripCommandPrefix } from './text.ts';

/**
 * Who may use a route: `anyone` includes people not yet bound (only 绑定 needs that); `staff` is
 * every bound person; a role list means any of those roles.
 */
export type Allow = 'anyone' | 'staff' | readonly Role[];

/**
 * Who may use a route, and the handler that gets the matching context: a route open to `anyone`
 * may have no sender; every other route's handler gets a StaffContext, so it needs no `sender!`.
 */
export type Guarded = { allow: 'anyone'; handler: Handler } | { allow: 'staff' | readonly Role[]; handler: StaffHandler };

export type CommandRoute = Guarded & {
  name: string;
  /** Chinese words first (shown in help), then English aliases. */
  words: readonly string[];
  summary: string;
  example: string;
  /** The workflow's title, filled in when the table is composed (help groups by it). */
  group?: string;
};

export type ActionRoute = Guarded & { action: string };

/**
 * Where a picture or file sent in a private chat goes. A route with `wants` takes it only when that
 * says so (e.g. the sender just reported an accident); a route without one takes what is left
 * (a receipt photo for a reimbursement).
 */
export type AttachmentRoute = Guarded & { wants?: (ctx: StaffContext) => Promise<boolean> };

/** Runs a route's handler once isAllowed has passed (which guarantees a sender unless `anyone`). */
export async function runGuarded(route: Guarded, ctx: BotContext): Promise<void> {
  if (route.allow === 'anyone') return route.handler(ctx);
  if (!ctx.sender) throw new Error('a staff route was reached without a sender');
  return route.handler(ctx as StaffContext);
}

export interface RouteTable {
  commands: readonly CommandRoute[];
  actions: readonly ActionRoute[];
  /** Tried in order: those with `wants` first, then the one that takes the rest. */
  attachments?: readonly AttachmentRoute[];
  /** What workflows add to the staff card (人员 张三), in workflow order. */
  staffCardButtons?: readonly StaffCardButtons[];
}

/** The person a staff card shows, as a workflow adding buttons to it sees them. */
export interface StaffCardSubject {
  staffId: string;
  name: string;
  roles: readonly Role[];
  post: string;
  dorm: string;
  active: boolean;
}

/**
 * Buttons a workflow adds to the staff card for the person looking at it (e.g. the dorms'
 * 设为宿舍队长). The buttons' actions are the workflow's own, so their roles are checked again on click.
 */
export type StaffCardButtons = (ctx: BotContext, staff: StaffCardSubject) => Promise<CardButton[]>;

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
  const roles = ctx.sender.roles;
  return allow.some((r) => roles.has(r));
}

/** Commands the sender may use, in table order (what 帮助 lists). */
export function commandsFor(table: RouteTable, ctx: Pick<BotContext, 'sender'>): CommandRoute[] {
  return table.commands.filter((r) => isAllowed(r.allow, ctx));
}
