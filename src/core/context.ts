import type { Logger } from '../logger.ts';
import type { Config } from '../config.ts';
import type { BotEvent, Card, CardAction, Channel, ChannelCapabilities, ChatInfo, Outgoing, Role, SentRef, Target } from './types.ts';
import type { Outbox } from './outbox.ts';
import type { Forms } from './forms.ts';
import type { RouteTable } from './router.ts';
import type { OnError } from './errors.ts';

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

/** What workflows get besides the context: shared services, never an SDK. */
export interface Services {
  config: Config;
  log: Logger;
  outbox: Outbox;
  forms: Forms;
  routes: RouteTable;
  now(): Date;
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
