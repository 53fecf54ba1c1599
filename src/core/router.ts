import type { BotContext, Handler, StaffContext, StaffHandler } from './context.ts';
import type { Attachment, CardButton, Role } from './types.ts';
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
  /** The workflow's word after 帮助 (帮助 报销), filled in when the table is composed. */
  topic?: string;
  /**
   * How often the people who may use it do: 1 every day, 2 every week, 3 now and then; unranked
   * (setup, corrections) is only in the workflow's full help. 帮助's first screen lists the lowest first.
   */
  rank?: 1 | 2 | 3;
  /**
   * Whether it makes sense for this person now (出车 only with a valid permit). Only 帮助 asks, to
   * leave it off the list: the handler still decides and says why when it is used anyway.
   */
  available?: (ctx: StaffContext) => Promise<boolean>;
};

export type ActionRoute = Guarded & {
  action: string;
  /**
   * A button that submits money or an approval asks once before it runs: this gives the question,
   * naming the number and the total (「提交报销：3 项，合计 ¥35,283.00。」), read when the number is
   * sent so it says what will happen now; undefined runs the handler at once (it will say why not).
   * The core asks it for numbered presses on text channels and gives every such button on Lark a
   * confirmation dialog (the button's own `confirm` text, see src/core/confirm.ts).
   */
  confirm?: (ctx: StaffContext) => Promise<string | undefined>;
};

/**
 * Something of the sender's a picture could be attached to: its id within the workflow, when it was
 * made or last asked for a picture (a picture belongs to the latest), and its name for the sender
 * (「事故 SG-20261127-001 粤B12345」).
 */
export interface PictureTarget {
  id: string;
  at: Date;
  label: string;
}

/**
 * What a workflow does with pictures and files sent in a private chat. `wants` names the sender's
 * latest thing here that takes one (undefined: nothing); the core compares every workflow's answer,
 * gives the picture to the latest, and asks the sender when two are too close to tell apart. `attach`
 * then keeps it there — also later, after the sender answered the question — and says where it went.
 */
export interface AttachmentRoute {
  /** Attachments need a known sender, so a route is never open to `anyone`. */
  allow: 'staff' | readonly Role[];
  wants: (ctx: StaffContext) => Promise<PictureTarget | undefined>;
  attach: (ctx: StaffContext, target: PictureTarget, attachments: readonly Attachment[]) => Promise<void>;
  /** What to say when nothing wants the picture (a hint where pictures go); one workflow at most. */
  otherwise?: StaffHandler;
  /** The workflow's name, filled in when the table is composed: a pending question names its route by it. */
  name?: string;
}

/** Runs a route's handler once isAllowed has passed (which guarantees a sender unless `anyone`). */
export async function runGuarded(route: Guarded, ctx: BotContext): Promise<void> {
  if (route.allow === 'anyone') return route.handler(ctx);
  if (!ctx.sender) throw new Error('a staff route was reached without a sender');
  return route.handler(ctx as StaffContext);
}

export interface RouteTable {
  commands: readonly CommandRoute[];
  actions: readonly ActionRoute[];
  /** Every workflow's picture route; the latest thing that wants a picture gets it, whatever the order. */
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
