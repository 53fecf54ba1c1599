import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The one shape every transport is turned into. Nothing in handlers/ or schedules/ sees an SDK:
 * receivers translate platform events into a BotEvent, and deliver Outgoing messages back.
 */
export type Channel = string;

export const ROLES = [
  'guard',
  'team_leader',
  'driver',
  'general_affairs',
  'finance',
  'chairman',
  'customer_service',
  'guard_ops',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Where a message goes: a chat (group or private) or a person on one channel. */
export type Target = { channel: Channel; chatId: string } | { channel: Channel; userId: string };

export interface CardButton {
  label: string;
  /** Route key in the action table, e.g. `bind.confirm`. */
  action: string;
  value?: Record<string, string>;
  style?: 'primary' | 'danger' | 'default';
  /**
   * For a button that submits money or an approval: what it will do, naming the number and the
   * total (「提交 3 项报销，合计 ¥35,283.00？」). Lark asks it in a dialog before the click is sent;
   * text channels ask their own question when the number is sent (ActionRoute.confirm).
   */
  confirm?: string;
}

export interface CardFormField {
  key: string;
  label: string;
  placeholder?: string;
  required?: boolean;
  /** Shown under the field when the last submission was refused. */
  error?: string;
  value?: string;
  /** Ticked from this list (Lark: a multi-select in the form); `value` holds the ticked values separated by spaces. */
  options?: { label: string; value: string }[];
}

/**
 * A chart as data (bar, line or pie). Lark draws it in the card (a card JSON 2.0 `chart` element);
 * a channel that cannot (capabilities.charts unset) gets it as a picture rendered by the bot.
 */
export interface Chart {
  kind: 'bar' | 'line' | 'pie';
  title: string;
  /** The x axis (or the pie's slices). */
  categories: readonly string[];
  series: readonly { name: string; values: readonly number[] }[];
  /** Shown after values: 件, 元, %… */
  unit?: string;
}

export interface CardSection {
  title: string;
  lines: string[];
  expanded?: boolean;
}

/**
 * A platform-neutral card. Lark renders it as an interactive card; WeChat and the console render it
 * as text with numbered buttons that the reader answers by sending the number.
 */
export interface Card {
  title: string;
  color?: 'blue' | 'green' | 'red' | 'orange' | 'grey';
  lines: string[];
  buttons?: CardButton[];
  /**
   * Parts a reader opens when wanted (帮助's workflows): Lark shows each as a collapsible panel,
   * folded unless `expanded`; text channels print them after the lines, each under its title.
   */
  sections?: CardSection[];
  /** A form card: Lark shows inputs and one submit button; text channels run a guided form instead. */
  form?: {
    action: string;
    value?: Record<string, string>;
    fields: CardFormField[];
    submitLabel?: string;
    confirm?: string;
  };
  note?: string;
  /**
   * Pictures people sent, by their reference (`Attachment.ref`), sent after the card where the channel
   * can: Lark forwards the picture's message (a card's image element would need the picture uploaded
   * again), WeChat forwards it, the console prints the reference. Refs of another channel are skipped.
   */
  pictures?: string[];
  /** Charts drawn after the lines and sections where the channel can (capabilities.charts); a few at most. */
  charts?: Chart[];
}

/**
 * A file the bot sends: an export (.xlsx), a chart (PNG, `image: true`, shown inline where the
 * channel can). `path` is a file on this machine, read when the message is sent; `name` is what the
 * reader sees. `caption`, when given, is sent as a text just before it. Lark uploads it and sends a
 * file or image message, WeChat sends it as a file, the console keeps a copy under DATA_DIR/exports.
 */
export interface FileMessage {
  kind: 'file';
  path: string;
  name: string;
  image?: boolean;
  caption?: string;
}

export type Outgoing = string | Card | FileMessage;

export function isFileMessage(message: Outgoing): message is FileMessage {
  return typeof message === 'object' && 'kind' in message && message.kind === 'file';
}

/** A card, or undefined for a text or a file (what a card's buttons and dialogs apply to). */
export function cardOf(message: Outgoing): Card | undefined {
  return typeof message === 'string' || isFileMessage(message) ? undefined : message;
}

export interface SentRef {
  channel: Channel;
  messageId?: string;
}

export interface ChatInfo {
  id: string;
  isGroup: boolean;
  name?: string;
}

export interface CardAction {
  action: string;
  value: Record<string, string>;
  /** Values of a submitted form card. */
  form?: Record<string, string>;
  /** What was ticked in a submitted form card's lists (CardFormField.options), option values by field. */
  ticked?: Record<string, string[]>;
  /** The message carrying the card, so it can be updated in place. */
  messageId?: string;
}

/**
 * A picture or file someone sent, kept as a reference to the chat platform's copy (the bot stores
 * no files): `lark:<message_id>:<image_key|file_key>`, `wechat:<message id>`, `console:<name>`.
 */
export interface Attachment {
  kind: 'image' | 'file';
  ref: string;
  name?: string;
}

/** One inbound event, as recorded in the inbox before it is acknowledged. */
export interface BotEvent {
  /** Platform id of the event/message; the inbox key is `${channel}:${id}`. */
  id: string;
  channel: Channel;
  chat: ChatInfo;
  /** Platform user id of the sender (open_id, wxid, console name). */
  userId: string;
  userName?: string;
  kind: 'message' | 'action';
  text?: string;
  /** Pictures or files of a message (private chats only). */
  attachments?: Attachment[];
  action?: CardAction;
  receivedAt: Date;
}

/**
 * What a channel can show. Handlers and the core ask these, never the channel's name, so a new
 * platform (DingTalk, WeCom…) needs one receiver and nothing else.
 */
export interface ChannelCapabilities {
  /** A card already sent can be replaced in place (Lark's PATCH); otherwise a new card is sent. */
  updatesCards: boolean;
  /** Cards can carry input fields and a submit button; otherwise forms are asked one question at a time. */
  formCards: boolean;
  /** Buttons are clicked; otherwise they are numbered and answered by sending the number. */
  clickableButtons: boolean;
  /** A click can be answered with a short note next to the button instead of a message. */
  toasts: boolean;
  /**
   * A send carrying an idempotency key the platform has seen (within an hour) is answered with the
   * earlier message and not delivered again (Lark's `uuid`). Sends are still recorded (a re-run can
   * come later than that hour); a card update is simply made again.
   */
  dedupesSends: boolean;
  /** Cards draw `Card.charts` themselves (Lark's chart element); otherwise they are sent as pictures. */
  charts?: boolean;
}

/** A channel that shows everything as text: numbered buttons, guided forms, new messages. */
export const TEXT_ONLY: ChannelCapabilities = {
  updatesCards: false,
  formCards: false,
  clickableButtons: false,
  toasts: false,
  dedupesSends: false,
};

/** Sending limits of a channel; the outbox throttles to them. */
export interface RateWindow {
  /** At most this many messages start… */
  intervalCap: number;
  /** …in any this many milliseconds. */
  interval: number;
}

export interface ChannelLimits {
  /**
   * Messages for the whole app on this channel; with several windows, every one holds (Lark: 50
   * a second and 1,000 a minute — reaching either is refused).
   */
  perApp: RateWindow | readonly RateWindow[];
  /** Messages for one chat. */
  perChat?: RateWindow | readonly RateWindow[];
}

export interface SendOptions {
  /**
   * The same for every attempt to send one logical message (a reply of an inbox event), so a
   * platform that dedupes on it (Lark's `uuid`: one message per uuid within an hour) sends a
   * message retried after a crash only once.
   */
  idempotencyKey?: string;
}

/** What a receiver can do for the app; one per channel. */
export interface ChannelSender {
  readonly channel: Channel;
  readonly capabilities: ChannelCapabilities;
  readonly limits: ChannelLimits;
  send(target: Target, message: Outgoing, opts?: SendOptions): Promise<SentRef>;
  /** Replace a card already sent (Lark); text channels send the new card as a new message. */
  updateCard?(messageId: string, card: Card): Promise<void>;
}

/** One HTTP route a receiver serves (a webhook); the bot's HTTP server mounts whatever receivers declare. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  /** Matched exactly, without the query string. */
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface Receiver {
  readonly channel: Channel;
  readonly sender: ChannelSender;
  /** The HTTP routes this receiver needs (e.g. Lark's webhook in webhook mode); none by default. */
  readonly routes?: readonly HttpRoute[];
  start(sink: EventSink): Promise<void>;
  /** Stop intake; in-flight work is drained by the app. */
  stop(): Promise<void>;
  state(): 'starting' | 'up' | 'down';
}

export type IntakeResult = 'accepted' | 'duplicate' | 'stopped';

/** What a receiver hands events and its own failures to. */
export interface EventSink {
  /** Records the event durably and returns; processing continues in the background. */
  intake(event: BotEvent): Promise<IntakeResult>;
  /**
   * Records the event and resolves once it is processed, ahead of the backlog (a Lark card
   * callback, answered with its toast; the console). It has no deadline of its own: a receiver
   * that must answer in time races it against its own. `later`: processing was left to a later
   * attempt (the database is away, another instance holds the event).
   */
  intakeAndWait(event: BotEvent): Promise<{ result: IntakeResult; toast?: string; later?: boolean }>;
  /** The bot's one error hook (src/core/errors.ts): logs with context, returns the reference id. */
  onError: OnError;
}

/** Where an error happened: enough to find it in the log from the reference id alone. */
export interface ErrorScope {
  /** What failed, as the log line says it (e.g. `handler failed`). */
  what: string;
  /** The inbound event being taken in or processed. */
  event?: BotEvent;
  /** A scheduled job's run. */
  job?: { name: string; slot: Date };
  /** The channel, when the failure came before there was an event (a receiver's request). */
  channel?: Channel;
  /** The reference id already given for this failure; a new one is made otherwise. */
  refId?: string;
  /** Anything else worth a field in the log line (a platform's event id, the sender's staff id). */
  detail?: Record<string, unknown>;
}

/**
 * The bot's one error hook (errorHook in src/core/errors.ts), shared by handlers, scheduled jobs,
 * the delivery pipeline and the receivers: logs the error with its context and returns the
 * reference id (编号) the person sees, so an admin given the id finds the one log line that explains it.
 */
export type OnError = (err: unknown, scope: ErrorScope) => string;
