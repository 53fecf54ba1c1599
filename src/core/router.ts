import type { ActionRoute, Allow, BotContext, CommandRoute, Guarded, RouteTable, StaffContext } from './context.ts';
import { matchWord, normalizeText, stripCommandPrefix } from './text.ts';

// The route types live with the context in ./context.ts (they refer to each other); re-exported
// here so a workflow declares its routes with one import.
export type {
  ActionRoute,
  Allow,
  AttachmentRoute,
  CommandRoute,
  Guarded,
  Holding,
  PictureTarget,
  RouteTable,
  StaffCardButtons,
  StaffCardSubject,
  StaffHoldings,
} from './context.ts';

/** Runs a route's handler once isAllowed has passed (which guarantees a sender unless `anyone`). */
export async function runGuarded(route: Guarded, ctx: BotContext): Promise<void> {
  if (route.allow === 'anyone') return route.handler(ctx);
  if (!ctx.sender) throw new Error('a staff route was reached without a sender');
  return route.handler(ctx as StaffContext);
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
  const roles = ctx.sender.roles;
  return allow.some((r) => roles.has(r));
}

/** Commands the sender may use, in table order (what 帮助 lists). */
export function commandsFor(table: RouteTable, ctx: Pick<BotContext, 'sender'>): CommandRoute[] {
  return table.commands.filter((r) => isAllowed(r.allow, ctx));
}
