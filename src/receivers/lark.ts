import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { sendJson } from '../http.ts';
import { RateLimitedError } from '../core/outbox.ts';
import { renderLarkCard } from '../core/render.ts';
import type { Attachment, BotEvent, Card, ChannelCapabilities, ChannelLimits, ChannelSender, EventSink, Outgoing, Receiver, SentRef, Target } from '../core/types.ts';

export type LarkOptions = NonNullable<Config['lark']>;

/** Lark's bodies are a few KB; anything near this is not an event. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a card callback waits for the handler's toast (Lark gives up after 3 s). */
export const CARD_WAIT_MS = 2500;
/** Hard deadline for answering a card callback, whatever the database is doing. */
const CARD_DEADLINE_MS = 2700;
/** Open API code for "too many requests" (PLATFORM-NOTES: 429 + code 99991400). */
export const RATE_LIMIT_CODE = 99991400;
const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

export const UNSUPPORTED_HINT = '暂时只支持文字消息，请直接输入文字，例如：帮助';
export const CARD_STOPPED_TOAST = '机器人正在重启，请稍后再点一次。';
export const CARD_SLOW_TOAST = '已收到，正在处理…';

// ─────────────────────────────────────────────────────────────────────────────
// Inbound shapes. The SDK's EventDispatcher hands handlers the v2 envelope flattened
// (`{...header, ...event}`); the webhook path flattens the same way, so one converter serves both.
// ─────────────────────────────────────────────────────────────────────────────

export interface LarkMention {
  key: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
}

/** im.message.receive_v1, flattened (header fields at the top). */
export interface LarkMessageEventData {
  event_id?: string;
  create_time?: string;
  sender?: { sender_id?: { open_id?: string; user_id?: string; union_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: LarkMention[];
  };
}

/** card.action.trigger, flattened (note: the event's `token` is the card token, not the verification token). */
export interface LarkCardActionData {
  event_id?: string;
  token?: string;
  create_time?: string;
  operator?: { open_id?: string; user_id?: string; union_id?: string; name?: string };
  action?: { value?: unknown; form_value?: unknown; tag?: string; name?: string; option?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
  open_message_id?: string;
  open_chat_id?: string;
}

export type MessageConversion =
  | { kind: 'event'; event: BotEvent }
  /** A message the bot cannot read (image, file, sticker…) sent to it in private. */
  | { kind: 'unsupported'; messageType: string; chatId: string; messageId: string }
  | { kind: 'ignored'; reason: string };

export interface ConvertOptions {
  /** The bot's own open_id, when known: then only mentions of the bot address it in a group. */
  botOpenId?: string;
  now?: Date;
}

/**
 * An im.message.receive_v1 event as a BotEvent. Only text is understood. In a group the bot only
 * answers what is addressed to it: a message that @-mentions it (Lark only delivers those unless
 * the app may read all group messages) or that starts with `/`. The `@_user_N` placeholders are
 * removed; a bare @mention reads as 帮助.
 */
export function messageEventToBotEvent(data: LarkMessageEventData, opts: ConvertOptions = {}): MessageConversion {
  const msg = data.message;
  if (!msg?.message_id || !msg.chat_id) return { kind: 'ignored', reason: 'malformed: no message or chat id' };
  if (data.sender?.sender_type && data.sender.sender_type !== 'user') return { kind: 'ignored', reason: `sender is ${data.sender.sender_type}` };
  const userId = data.sender?.sender_id?.open_id;
  if (!userId) return { kind: 'ignored', reason: 'malformed: no sender open_id' };
  const isGroup = msg.chat_type !== 'p2p';

  const event = (text: string, attachments?: Attachment[]): MessageConversion => ({
    kind: 'event',
    event: { id: msg.message_id!, channel: 'lark', chat: { id: msg.chat_id!, isGroup }, userId, kind: 'message', text, attachments, receivedAt: opts.now ?? new Date() },
  });
  if (msg.message_type !== 'text') {
    if (isGroup) return { kind: 'ignored', reason: `${msg.message_type} message in a group` };
    const attachment = attachmentOf(msg.message_id, msg.message_type, msg.content);
    if (!attachment) return { kind: 'unsupported', messageType: String(msg.message_type), chatId: msg.chat_id, messageId: msg.message_id };
    return event('', [attachment]);
  }
  const raw = parseTextContent(msg.content);
  if (raw === undefined) return { kind: 'ignored', reason: 'malformed: text content is not {"text": …}' };

  const mentions = msg.mentions ?? [];
  const text = raw.replace(/@_user_\d+|@_all/g, ' ').replace(/[ \t\u3000]+/g, ' ').trim();
  if (isGroup) {
    const mentioned = opts.botOpenId ? mentions.some((m) => m.id?.open_id === opts.botOpenId) : mentions.length > 0;
    if (!mentioned && !/^[/／]/.test(text)) return { kind: 'ignored', reason: 'group message not addressed to the bot' };
  }
  return event(text || '帮助');
}

/** A picture or file message as a reference the Open API can fetch again (message id + key). */
function attachmentOf(messageId: string, type: string | undefined, content: string | undefined): Attachment | undefined {
  if (type !== 'image' && type !== 'file') return undefined;
  try {
    const c = JSON.parse(content ?? '{}') as { image_key?: string; file_key?: string; file_name?: string };
    const key = type === 'image' ? c.image_key : c.file_key;
    if (!key) return undefined;
    return { kind: type, ref: `lark:${messageId}:${key}`, name: c.file_name };
  } catch {
    return undefined;
  }
}

/**
 * A card.action.trigger callback (button click or form submit) as a BotEvent. The button's value
 * carries the route key in `action`; the rest of it, and the form's values, become strings.
 * `isGroup` says whether the chat is a group when the receiver knows it; unknown counts as a group,
 * so phone numbers stay masked.
 */
export function cardActionToBotEvent(
  data: LarkCardActionData,
  opts: { now?: Date; isGroup?: (chatId: string) => boolean | undefined } = {},
): BotEvent | null {
  const userId = data.operator?.open_id;
  const value = toStringRecord(parseMaybeJson(data.action?.value));
  const action = value.action;
  if (!userId || !action) return null;
  delete value.action;
  const chatId = data.context?.open_chat_id ?? data.open_chat_id ?? `p2p-${userId}`;
  const messageId = data.context?.open_message_id ?? data.open_message_id;
  const form = data.action?.form_value === undefined || data.action.form_value === null ? undefined : toStringRecord(data.action.form_value);
  const id =
    data.event_id ??
    `h${createHash('sha256')
      .update([data.token ?? '', userId, data.create_time ?? '', messageId ?? '', JSON.stringify(data.action ?? {})].join('\u0000'))
      .digest('hex')
      .slice(0, 32)}`;
  return {
    id,
    channel: 'lark',
    chat: { id: chatId, isGroup: opts.isGroup?.(chatId) ?? true },
    userId,
    kind: 'action',
    action: { action, value, ...(form ? { form } : {}), ...(messageId ? { messageId } : {}) },
    receivedAt: opts.now ?? new Date(),
  };
}

function parseTextContent(content: string | undefined): string | undefined {
  if (typeof content !== 'string') return undefined;
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    return typeof parsed?.text === 'string' ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return {};
  }
}

/** Card values and form inputs as strings: handlers only ever see `Record<string, string>`. */
function toStringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || x === undefined) out[k] = '';
    else if (Array.isArray(x)) out[k] = x.map((e) => (typeof e === 'object' ? JSON.stringify(e) : String(e))).join(',');
    else if (typeof x === 'object') out[k] = JSON.stringify(x);
    else out[k] = String(x);
  }
  return out;
}

// ─────────────────────────────────────────────────────────────────────────────
// Webhook request checks: pure helpers, exported for tests.
// ─────────────────────────────────────────────────────────────────────────────

/** `X-Lark-Signature`: hex sha256 of timestamp + nonce + encryptKey + raw body. */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Buffer): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The verification token of a request: `header.token` in the 2.0 schema, top-level `token` otherwise. */
export function requestToken(payload: Record<string, unknown>): string | undefined {
  const header = payload.header as { token?: unknown } | undefined;
  const token = payload.schema || header ? header?.token : payload.token;
  return typeof token === 'string' ? token : undefined;
}

function eventType(payload: Record<string, unknown>): string | undefined {
  const header = payload.header as { event_type?: unknown } | undefined;
  const t = header?.event_type ?? (payload.event as { type?: unknown } | undefined)?.type;
  return typeof t === 'string' ? t : undefined;
}

/** The 2.0 envelope as the SDK's dispatcher hands it to handlers: `{...header, ...event}`. */
function flatten(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...((payload.header as object) ?? {}), ...((payload.event as object) ?? {}) };
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}

// ─────────────────────────────────────────────────────────────────────────────
// Outgoing errors: never let an axios error (which carries the bearer token and the request body)
// reach the logs.
// ─────────────────────────────────────────────────────────────────────────────

interface AxiosLike {
  message?: string;
  code?: string;
  response?: { status?: number; headers?: Record<string, unknown> & { get?: (k: string) => unknown }; data?: unknown };
  config?: { url?: string; method?: string };
}

export class LarkApiError extends Error {
  constructor(
    readonly operation: string,
    readonly httpStatus: number | undefined,
    readonly larkCode: number | undefined,
    larkMsg: string | undefined,
  ) {
    super(
      `lark ${operation} failed${httpStatus ? `: HTTP ${httpStatus}` : ''}${larkCode !== undefined ? ` code ${larkCode}` : ''}${larkMsg ? ` (${larkMsg})` : ''}`,
    );
    this.name = 'LarkApiError';
  }
}

function header(res: AxiosLike['response'], name: string): string | undefined {
  const h = res?.headers;
  if (!h) return undefined;
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Seconds from `x-ogw-ratelimit-reset`, as milliseconds; Lark's floor when the header is missing. */
export function rateLimitWaitMs(resetHeader: string | undefined): number {
  const s = Number(resetHeader);
  return Number.isFinite(s) && s > 0 ? Math.ceil(s * 1000) : DEFAULT_RATE_LIMIT_WAIT_MS;
}

function asApiError(operation: string, err: unknown): Error {
  const e = err as AxiosLike;
  if (e?.response?.status === 429) {
    return new RateLimitedError(rateLimitWaitMs(header(e.response, 'x-ogw-ratelimit-reset')), `lark ${operation}: rate limited (429)`);
  }
  const body = (e?.response?.data ?? {}) as { code?: unknown; msg?: unknown };
  if (body.code === RATE_LIMIT_CODE) return new RateLimitedError(DEFAULT_RATE_LIMIT_WAIT_MS, `lark ${operation}: rate limited`);
  if (e?.response) {
    return new LarkApiError(operation, e.response.status, typeof body.code === 'number' ? body.code : undefined, typeof body.msg === 'string' ? body.msg : undefined);
  }
  const reason = [e?.code, e?.message].filter(Boolean).join(' ');
  return new LarkApiError(operation, undefined, undefined, reason || String(err));
}

/** The SDK logs raw axios errors (with the token request's app_secret); this keeps only what is safe. */
function summarize(arg: unknown): unknown {
  if (typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean') return arg;
  if (Array.isArray(arg)) return arg.map(summarize);
  if (arg && typeof arg === 'object') {
    const o = arg as AxiosLike & { msg?: unknown; code?: unknown };
    const data = (o.response?.data ?? {}) as { code?: unknown; msg?: unknown };
    const out: Record<string, unknown> = {};
    if (o.message) out.message = o.message;
    if (o.code !== undefined) out.code = o.code;
    if (typeof o.msg === 'string') out.msg = o.msg;
    if (o.config?.method) out.method = o.config.method;
    if (o.config?.url) out.url = String(o.config.url).split('?')[0];
    if (o.response?.status) out.status = o.response.status;
    if (data.code !== undefined) out.larkCode = data.code;
    if (typeof data.msg === 'string') out.larkMsg = data.msg;
    return out;
  }
  return String(arg);
}

function sdkLogger(log: Logger): lark.Logger {
  const line = (level: 'warn' | 'info' | 'debug' | 'trace') => (...args: unknown[]) => {
    const parts = args.map(summarize);
    log[level]({ sdk: parts.filter((p) => typeof p === 'object') }, parts.filter((p) => typeof p !== 'object').join(' ') || 'lark sdk');
  };
  // the SDK reports every failed call as an error, including the 429s the outbox retries
  return { error: line('warn'), warn: line('warn'), info: line('debug'), debug: line('trace'), trace: line('trace') };
}

function toDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

/** Remembers recent keys (chat types, hinted messages) without growing forever. */
class RecentMap<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.map.get(k);
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

type WebhookReply = { status: number; body: unknown };

/**
 * Lark / Feishu: sends through the Open API (`lark.Client`) and receives events either over the
 * SDK's long connection (`eventMode: 'ws'`, no public URL needed) or as webhooks on
 * POST /lark/events (`handleWebhook`). Either way each event becomes one BotEvent and goes to the
 * sink, which records it (dedupe on the Lark id) before Lark is answered.
 */
/** Lark cards are interactive: clicked, updated in place, with form inputs and toasts. */
export const LARK_CAPABILITIES: ChannelCapabilities = { updatesCards: true, formCards: true, clickableButtons: true, toasts: true };

/**
 * Lark's limits (PLATFORM-NOTES): 50 messages/s per app and 5/s per chat, with a 10% margin since
 * the platform counts arrivals, which jitter after we send.
 */
export const LARK_LIMITS: ChannelLimits = { perApp: { intervalCap: 50, interval: 1100 }, perChat: { intervalCap: 5, interval: 1100 } };

export class LarkReceiver implements Receiver {
  readonly channel = 'lark' as const;
  readonly sender: ChannelSender;
  private readonly client: lark.Client;
  private sink?: EventSink;
  private ws?: lark.WSClient;
  private started = false;
  private stopped = false;
  private wsReady = false;
  /** chat_id → is it a group; card callbacks do not say, message events do. */
  private chatKinds = new RecentMap<boolean>(5000);
  private hinted = new RecentMap<true>(1000);

  constructor(
    private readonly opts: LarkOptions,
    private readonly log: Logger,
  ) {
    this.log = log.child({ channel: 'lark' });
    this.client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: toDomain(opts.domain),
      // a cache of its own: the SDK's default one is shared by every client of the same appId
      cache: new lark.DefaultCache(),
      logger: sdkLogger(this.log),
      loggerLevel: lark.LoggerLevel.info,
    });
    this.sender = {
      channel: 'lark',
      capabilities: LARK_CAPABILITIES,
      limits: LARK_LIMITS,
      send: (target, message) => this.send(target, message),
      updateCard: (messageId, card) => this.updateCard(messageId, card),
    };
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    this.started = true;
    if (this.opts.eventMode !== 'ws') return;
    const dispatcher = new lark.EventDispatcher({
      encryptKey: this.opts.encryptKey,
      verificationToken: this.opts.verificationToken,
      logger: sdkLogger(this.log),
      loggerLevel: lark.LoggerLevel.info,
    }).register<Record<string, (data: never) => Promise<unknown>>>({
      'im.message.receive_v1': async (data: LarkMessageEventData) => {
        try {
          await this.onMessage(data);
        } catch (err) {
          this.log.error({ err, eventId: data.event_id }, 'lark message event failed');
        }
      },
      'card.action.trigger': async (data: LarkCardActionData) => {
        try {
          return (await this.onCardAction(data)).body;
        } catch (err) {
          this.log.error({ err, eventId: data.event_id }, 'lark card callback failed');
          return {};
        }
      },
    });
    this.ws = new lark.WSClient({
      appId: this.opts.appId,
      appSecret: this.opts.appSecret,
      domain: toDomain(this.opts.domain),
      logger: sdkLogger(this.log),
      loggerLevel: lark.LoggerLevel.info,
      onReady: () => {
        this.wsReady = true;
        this.log.info('lark long connection ready');
      },
      onReconnecting: () => this.log.warn('lark long connection lost, reconnecting'),
      onReconnected: () => this.log.info('lark long connection restored'),
      onError: (err) => this.log.error({ err: { message: err.message } }, 'lark long connection gave up'),
    });
    await this.ws.start({ eventDispatcher: dispatcher });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ws?.close({ force: true });
    this.ws = undefined;
  }

  state(): 'starting' | 'up' | 'down' {
    if (this.stopped) return 'down';
    if (!this.started) return 'starting';
    if (!this.ws) return 'up';
    const s = this.ws.getConnectionStatus().state;
    if (s === 'connected') return 'up';
    if (s === 'connecting' || (s === 'idle' && !this.wsReady)) return 'starting';
    return 'down';
  }

  // ── outgoing ──

  private async send(target: Target, message: Outgoing): Promise<SentRef> {
    const [receiveIdType, receiveId] = 'chatId' in target ? (['chat_id', target.chatId] as const) : (['open_id', target.userId] as const);
    const [msgType, content] =
      typeof message === 'string'
        ? ['text', JSON.stringify({ text: message })]
        : ['interactive', JSON.stringify(renderLarkCard(message))];
    const res = await this.call('send', () =>
      this.client.im.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: msgType, content },
      }),
    );
    return { channel: 'lark', messageId: res.data?.message_id };
  }

  private async updateCard(messageId: string, card: Card): Promise<void> {
    await this.call('card update', () =>
      this.client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(renderLarkCard(card)) } }),
    );
  }

  /** A 200 with `code != 0` is returned by the SDK, not thrown: both become errors here. */
  private async call<T extends { code?: number; msg?: string }>(operation: string, fn: () => Promise<T>): Promise<T> {
    let res: T;
    try {
      res = await fn();
    } catch (err) {
      throw asApiError(operation, err);
    }
    if (res?.code === 0) return res;
    if (res?.code === RATE_LIMIT_CODE) throw new RateLimitedError(DEFAULT_RATE_LIMIT_WAIT_MS, `lark ${operation}: rate limited`);
    throw new LarkApiError(operation, 200, res?.code, res?.msg);
  }

  // ── incoming ──

  /**
   * POST /lark/events in webhook mode. Checks, in order: size (413), JSON (400), signature when an
   * encrypt key is set (401), decryption (400), verification token (401). Nothing rejected reaches
   * the sink; nothing throws out of here.
   */
  async handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: WebhookReply;
    try {
      reply = await this.webhook(req);
    } catch (err) {
      this.log.error({ err }, 'lark webhook failed');
      reply = { status: 500, body: { error: 'internal error' } };
    }
    try {
      if (res.headersSent) return;
      if (reply.status === 413) res.setHeader('connection', 'close');
      sendJson(res, reply.status, reply.body);
    } catch (err) {
      this.log.error({ err }, 'lark webhook reply failed');
    }
  }

  private async webhook(req: IncomingMessage): Promise<WebhookReply> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return this.reject(413, 'body too large');
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.reject(413, 'body too large');
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.reject(400, 'body is not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return this.reject(400, 'body is not a JSON object');

    let payload = body as Record<string, unknown>;
    if (this.opts.encryptKey) {
      const ts = headerValue(req, 'x-lark-request-timestamp');
      const nonce = headerValue(req, 'x-lark-request-nonce');
      const signature = headerValue(req, 'x-lark-signature');
      const signed = Boolean(ts && nonce && signature);
      if (signed && !safeEqual(larkSignature(ts!, nonce!, this.opts.encryptKey, raw), signature!.toLowerCase())) {
        return this.reject(401, 'signature mismatch');
      }
      if (typeof payload.encrypt !== 'string' || !payload.encrypt) return this.reject(400, 'encrypted body expected');
      try {
        const plain = JSON.parse(new lark.AESCipher(this.opts.encryptKey).decrypt(payload.encrypt)) as unknown;
        if (!plain || typeof plain !== 'object' || Array.isArray(plain)) return this.reject(400, 'decrypted body is not a JSON object');
        payload = plain as Record<string, unknown>;
      } catch {
        return this.reject(400, 'body could not be decrypted');
      }
      // Lark does not sign the URL-verification request (the official Go SDK skips the check for
      // it too); being able to decrypt it and the token below are what prove it is Lark's.
      if (!signed && payload.type !== 'url_verification') return this.reject(401, 'signature headers missing');
    }

    const token = requestToken(payload);
    if (!this.opts.verificationToken) {
      this.log.error('LARK_VERIFICATION_TOKEN is not set: webhook requests cannot be verified and are refused');
      return this.reject(401, 'no verification token configured');
    }
    if (!token || !safeEqual(token, this.opts.verificationToken)) return this.reject(401, 'verification token mismatch');

    if (payload.type === 'url_verification') {
      this.log.info('lark url verification answered');
      return { status: 200, body: { challenge: payload.challenge } };
    }
    const type = eventType(payload);
    if (type === 'im.message.receive_v1') {
      const result = await this.onMessage(flatten(payload) as LarkMessageEventData);
      // 503 makes Lark push the event again later, when this (or another) instance takes it
      return result === 'stopped' ? { status: 503, body: { error: 'stopping' } } : { status: 200, body: {} };
    }
    if (type === 'card.action.trigger') return this.onCardAction(flatten(payload) as LarkCardActionData);
    this.log.debug({ eventType: type }, 'lark event ignored');
    return { status: 200, body: {} };
  }

  private reject(status: number, reason: string): WebhookReply {
    this.log.warn({ status, reason }, 'lark webhook request refused');
    return { status, body: { error: reason } };
  }

  private async onMessage(data: LarkMessageEventData): Promise<'accepted' | 'duplicate' | 'stopped' | 'ignored'> {
    if (!this.sink || this.stopped) return 'stopped';
    if (data.message?.chat_id && data.message.chat_type) this.chatKinds.set(data.message.chat_id, data.message.chat_type !== 'p2p');
    const conv = messageEventToBotEvent(data);
    if (conv.kind === 'event') return this.sink.intake(conv.event);
    if (conv.kind === 'unsupported') {
      this.log.info({ messageType: conv.messageType, messageId: conv.messageId }, 'unsupported lark message type');
      if (!this.hinted.get(conv.messageId)) {
        this.hinted.set(conv.messageId, true);
        void this.send({ channel: 'lark', chatId: conv.chatId }, UNSUPPORTED_HINT).catch((err: unknown) =>
          this.log.warn({ err }, 'could not send the unsupported-message hint'),
        );
      }
      return 'ignored';
    }
    this.log.debug({ reason: conv.reason, messageId: data.message?.message_id }, 'lark message ignored');
    return 'ignored';
  }

  /** Always answers within 3 s: a toast when the handler gave one, `{}` otherwise. */
  private async onCardAction(data: LarkCardActionData): Promise<WebhookReply> {
    const event = cardActionToBotEvent(data, { isGroup: (chatId) => this.chatKinds.get(chatId) });
    if (!event) {
      this.log.info({ eventId: data.event_id }, 'lark card callback without operator or action ignored');
      return { status: 200, body: {} };
    }
    if (!this.sink || this.stopped) return { status: 200, body: toastBody(CARD_STOPPED_TOAST) };
    const sink = this.sink;
    const work = sink.intakeAndWait(event, CARD_WAIT_MS);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), CARD_DEADLINE_MS);
    });
    try {
      const outcome = await Promise.race([work, deadline]);
      if (outcome === 'late') {
        work.catch((err: unknown) => this.log.error({ err, eventId: event.id }, 'late lark card callback failed'));
        return { status: 200, body: toastBody(CARD_SLOW_TOAST) };
      }
      if (outcome.result === 'stopped') return { status: 200, body: toastBody(CARD_STOPPED_TOAST) };
      return { status: 200, body: outcome.toast ? toastBody(outcome.toast) : {} };
    } finally {
      clearTimeout(timer);
    }
  }
}

function toastBody(content: string): { toast: { type: 'info'; content: string } } {
  return { toast: { type: 'info', content } };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
}
