import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { OnError } from './errors.ts';
import type { Extensions } from './extensions.ts';
import type { Outbox } from './outbox.ts';
import type {
  Attachment,
  BotEvent,
  Card,
  CardAction,
  CardButton,
  Channel,
  ChannelCapabilities,
  ChatInfo,
  Outgoing,
  Role,
  SentRef,
  Target,
} from './types.ts';

/** The person behind a message: a staff record, or a BOT_ADMINS identity not yet bound to one. */
export interface Sender {
  identity: string;
  staffId?: string;
  name: string;
  roles: ReadonlySet<Role>;
  phone?: string;
  post?: string;
  dorm?: string;
}

/*
 * The context, the routes that lead to handlers and the services both carry refer to one another,
 * so they are declared together here; src/core/router.ts and src/core/forms.ts implement them and
 * import this file, never the other way round (no import cycle, not even of types).
 */

/** What workflows get besides the context: shared services, never an SDK. */
export interface Services {
  config: Config;
  log: Logger;
  outbox: Outbox;
  forms: FormService;
  routes: RouteTable;
  now(): Date;
  /** What other workflows added to a workflow's extension points (src/core/extensions.ts). */
  extensions: Extensions;
  /** The one error hook: logs with context, returns the reference id (编号) to show. */
  onError: OnError;
}

/**
 * One context per inbound event, the same on every channel (after grammY's Context and Bolt's
 * args object). Handlers read `sender`, `chat`, `text`/`args` or `action`, and answer with `reply`.
 */
export interface BotContext {
  readonly event: BotEvent;
  readonly channel: Channel;
  /** What this channel can show (cards updated in place, form cards, clickable buttons, toasts). */
  readonly can: ChannelCapabilities;
  readonly chat: ChatInfo;
  readonly sender: Sender | null;
  /** Normalised text of a message (empty for card actions). */
  readonly text: string;
  /** What follows the command word. */
  args: string;
  readonly action?: CardAction;
  readonly services: Services;
  readonly log: Logger;
  reply(message: Outgoing): Promise<SentRef>;
  /** Shows `card` in place of the card that was clicked (Lark), or sends it anew (text channels). */
  updateCard(card: Card): Promise<void>;
  /** A short note shown by Lark next to the clicked button; text channels get it as a reply. */
  toast(text: string): Promise<void>;
  send(target: Target, message: Outgoing): Promise<SentRef>;
  hasRole(...roles: Role[]): boolean;
}

export type Handler = (ctx: BotContext) => Promise<void>;

/** The context of a route that requires staff: the router has checked there is a sender. */
export type StaffContext = BotContext & { readonly sender: Sender };
export type StaffHandler = (ctx: StaffContext) => Promise<void>;

/** The guided forms (src/core/forms.ts's Forms), as handlers and jobs use them. */
export interface FormService {
  /**
   * Starts a form; `prefillText` is a one-message form (`字段: 值` lines). `startingPoint`: the prefill
   * is where the form starts (a bare 添加客户 名称), never saved or confirmed as it is (oneMessage).
   */
  start(
    ctx: BotContext,
    name: string,
    prefillText?: string,
    context?: Record<string, string>,
    opts?: { startingPoint?: boolean },
  ): Promise<void>;
  /** Feeds a message to the sender's open form; false when they have none. */
  continue(ctx: BotContext): Promise<boolean>;
  submitCard(ctx: BotContext): Promise<void>;
  get(name: string): { title: string } | undefined;
  /**
   * The command's text with one `字段: 值` of form `name` a line (several typed on one line split at
   * the form's labels), for handlers that read a one-message form's lines themselves.
   */
  oneFieldPerLine(ctx: BotContext, name: string, text: string): string;
}

/**
 * Who may use a route: `anyone` includes people not yet bound (only 绑定 needs that); `staff` is
 * every bound person; a role list means any of those roles.
 */
export type Allow = 'anyone' | 'staff' | readonly Role[];

/**
 * Who may use a route, and the handler that gets the matching context: a route open to `anyone`
 * may have no sender; every other route's handler gets a StaffContext, so it needs no `sender!`.
 */
export type Guarded =
  | { allow: 'anyone'; handler: Handler }
  | { allow: 'staff' | readonly Role[]; handler: StaffHandler };

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
   * naming the number and the total (「确认提交报销：3 项明细，合计 ¥35283.00？」), read when the
   * number is sent so it says what will happen now; undefined runs the handler at once (it will say
   * why not). The core asks it for numbered presses on text channels and gives every such button on
   * Lark a confirmation dialog (the button's own `confirm` text, see src/core/confirm.ts).
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

export interface RouteTable {
  commands: readonly CommandRoute[];
  actions: readonly ActionRoute[];
  /** Every workflow's picture route; the latest thing that wants a picture gets it, whatever the order. */
  attachments?: readonly AttachmentRoute[];
  /** What workflows add to the staff card (人员 张三), in workflow order. */
  staffCardButtons?: readonly StaffCardButtons[];
  /** What each workflow says a person still holds, asked when they are disabled (停用). */
  staffHoldings?: readonly StaffHoldings[];
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

/** Something a person still holds in a workflow, and the command that hands it to someone else. */
export interface Holding {
  /** 「准驾证 ZJ-2026-001（粤B12345）」 */
  what: string;
  /** 「吊销准驾证 ZJ-2026-001 离职」 */
  handover: string;
}

/**
 * What a person still holds in a workflow — permits, dorm leadership, open promises, approvals
 * waiting on them — so that disabling them (停用) can say what to hand over. The core asks every
 * installed workflow through this and imports none.
 */
export type StaffHoldings = (services: Services, staff: StaffCardSubject) => Promise<Holding[]>;
