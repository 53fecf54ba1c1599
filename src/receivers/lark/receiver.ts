import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../../config.ts';
import type {
  ChannelCapabilities,
  ChannelSender,
  EventSink,
  HttpRoute,
  Outgoing,
  Receiver,
  SentRef,
  Target,
} from '../../core/types.ts';
import { sendJson } from '../../http.ts';
import type { Logger } from '../../logger.ts';
import { BotIdentity } from './identity.ts';
import { type LarkTuning, longConnection } from './long-connection.ts';
import { larkClient, sendMessage, toDomain, updateCardMessage } from './outgoing.ts';
import {
  cardActionToBotEvent,
  type LarkCardActionData,
  type LarkMessageEventData,
  messageEventToBotEvent,
} from './payload.ts';
import { LARK_LIMITS } from './sending.ts';
import { cardPayloadProblem, payloadProblem } from './shape.ts';
import { eventType, flatten, readWebhook, type WebhookReply } from './webhook.ts';

/** Lark cards are interactive: clicked, updated in place, with form inputs and toasts. */
export const LARK_CAPABILITIES: ChannelCapabilities = {
  updatesCards: true,
  formCards: true,
  clickableButtons: true,
  toasts: true,
  dedupesSends: true,
  charts: true,
};

export type LarkOptions = NonNullable<Config['lark']>;

/**
 * A card callback is answered by then, whatever the database or the handler is doing: with the
 * handler's toast when it gave one in time, else with CARD_SLOW_TOAST (Lark gives up after 3 s).
 */
export const CARD_DEADLINE_MS = 2700;
/**
 * A message event not recorded by then is answered 503, so Lark pushes it again (Lark gives up on
 * an answer after 3 s and retries anyway; answering first keeps the connection pool from piling up).
 */
export const MESSAGE_DEADLINE_MS = 2500;
export const UNSUPPORTED_HINT = '暂时只支持文字消息，请直接输入文字，例如：帮助';
export const CARD_STOPPED_TOAST = '机器人正在重启，请稍后再点一次。';
export const CARD_SLOW_TOAST = '已收到，正在处理…';

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

/**
 * Lark / Feishu: sends through the Open API (`lark.Client`) and receives events either over the
 * SDK's long connection (`eventMode: 'ws'`, no public URL needed) or as webhooks on
 * POST /lark/events (`handleWebhook`, the route it declares). Either way each event becomes one
 * BotEvent and goes to the sink, which records it (dedupe on the Lark id) before Lark is answered.
 */
export class LarkReceiver implements Receiver {
  readonly channel = 'lark' as const;
  readonly sender: ChannelSender;
  readonly routes: readonly HttpRoute[];
  private readonly client: lark.Client;
  private sink?: EventSink;
  private ws?: lark.WSClient;
  private started = false;
  private stopped = false;
  private wsReady = false;
  /** chat_id → is it a group; card callbacks do not say, message events do. */
  private chatKinds = new RecentMap<boolean>(5000);
  private hinted = new RecentMap<true>(1000);
  /** The bot's open_id, learnt at start: who a group message must @ (BotIdentity). */
  readonly identity: BotIdentity;

  constructor(
    private readonly opts: LarkOptions,
    private readonly log: Logger,
    private readonly tuning: LarkTuning = {},
  ) {
    this.log = log.child({ channel: 'lark' });
    this.client = larkClient(opts, this.log);
    this.identity = new BotIdentity(
      (path) => this.client.request({ url: path, method: 'GET' }),
      this.log,
      tuning.identityRetry,
    );
    this.sender = {
      channel: 'lark',
      capabilities: LARK_CAPABILITIES,
      limits: LARK_LIMITS,
      send: (target, message, opts) => this.send(target, message, opts?.idempotencyKey),
      updateCard: (messageId, card) => updateCardMessage(this.client, messageId, card),
    };
    this.routes =
      opts.eventMode === 'webhook'
        ? [{ method: 'POST', path: '/lark/events', handler: (req, res) => this.handleWebhook(req, res) }]
        : [];
  }

  /** Through the bot's one error hook once started (the log only before: nothing has come in yet). */
  private fail(err: unknown, what: string, detail?: Record<string, unknown>): void {
    if (this.sink) this.sink.onError(err, { what, channel: 'lark', detail });
    else this.log.error({ err, ...detail }, what);
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    this.started = true;
    // in the background: a Lark that cannot answer yet must not keep the bot (and private chats) down
    void this.identity.learn();
    if (this.opts.eventMode !== 'ws') return;
    const connection = longConnection({ ...this.opts, domain: toDomain(this.opts.domain) }, this.log, this.tuning, {
      message: (data) => this.onPushedMessage(data),
      cardAction: (data) => this.onPushedCardAction(data),
      ready: () => {
        this.wsReady = true;
        this.log.info('lark long connection ready');
      },
      reconnecting: () => this.log.warn('lark long connection lost, reconnecting'),
      reconnected: () => this.log.info('lark long connection restored'),
      gaveUp: (err) => this.fail({ message: err.message }, 'lark long connection gave up'),
    });
    this.ws = connection.client;
    await connection.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.identity.stop();
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

  /**
   * A message pushed over the long connection. Lark pushes it again unless it is handled within
   * 3 s without throwing (「3 秒内处理完成且不抛出异常」), so, as a webhook is answered 500/503, one
   * not recorded (failed, too slow, bot stopping) throws: only a recorded one is ACKed as handled.
   */
  private async onPushedMessage(data: LarkMessageEventData): Promise<void> {
    const shape = payloadProblem(data);
    if (shape) {
      this.log.warn({ reason: shape }, 'lark message event refused');
      return;
    }
    let result: Awaited<ReturnType<LarkReceiver['onMessage']>> | 'late';
    try {
      result = await this.withinDeadline(this.onMessage(data), MESSAGE_DEADLINE_MS, 'late lark event failed', {
        eventId: data.event_id,
      });
    } catch (err) {
      this.fail(err, 'lark message event failed', { eventId: data.event_id });
      throw new Error('lark message event failed; Lark will push it again');
    }
    if (result === 'late') {
      this.log.warn({ eventId: data.event_id }, 'lark message not recorded in time, asking Lark to push it again');
      throw new Error('lark message not recorded in time; Lark will push it again');
    }
    if (result === 'stopped') throw new Error('stopping; Lark will push the message again');
    if (result === 'wait') throw new Error('bot identity not known yet; Lark will push the message again');
  }

  /** A card callback pushed over the long connection: its answer goes back in the ACK. */
  private async onPushedCardAction(data: LarkCardActionData): Promise<unknown> {
    const shape = cardPayloadProblem(data);
    if (shape) {
      this.log.warn({ reason: shape }, 'lark card callback refused');
      return {};
    }
    try {
      return (await this.onCardAction(data)).body;
    } catch (err) {
      this.fail(err, 'lark card callback failed', { eventId: data.event_id });
      return {};
    }
  }

  // ── outgoing ──

  private send(target: Target, message: Outgoing, uuid?: string): Promise<SentRef> {
    return sendMessage(this.client, this.log, target, message, uuid);
  }

  // ── incoming ──

  /**
   * POST /lark/events in webhook mode. After readWebhook's checks (size, JSON, signature,
   * decryption, verification token), the payload's shape (400). Nothing rejected reaches the sink;
   * nothing throws out of here. A message the database does not record within MESSAGE_DEADLINE_MS
   * is answered 503 so Lark pushes it again.
   */
  async handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: WebhookReply;
    try {
      reply = await this.webhook(req);
    } catch (err) {
      this.fail(err, 'lark webhook failed');
      reply = { status: 500, body: { error: 'internal error' } };
    }
    try {
      if (res.headersSent) return;
      if (reply.status === 413) res.setHeader('connection', 'close');
      sendJson(res, reply.status, reply.body);
    } catch (err) {
      this.fail(err, 'lark webhook reply failed');
    }
  }

  private async webhook(req: IncomingMessage): Promise<WebhookReply> {
    const read = await readWebhook(req, this.opts, this.log);
    if ('refused' in read) return read.refused;
    const { payload } = read;
    if (payload.type === 'url_verification') {
      this.log.info('lark url verification answered');
      return { status: 200, body: { challenge: payload.challenge } };
    }
    const type = eventType(payload);
    const shape =
      type === 'card.action.trigger'
        ? (payloadProblem(payload) ?? cardPayloadProblem(flatten(payload)))
        : payloadProblem(payload);
    if (shape) return this.reject(400, `payload refused: ${shape}`);
    if (type === 'im.message.receive_v1') {
      const result = await this.withinDeadline(
        this.onMessage(flatten(payload) as LarkMessageEventData),
        MESSAGE_DEADLINE_MS,
        'late lark event failed',
      );
      // 503 makes Lark push the event again later, when this (or another) instance takes it
      if (result === 'late') {
        this.log.warn(
          { eventId: (payload.header as { event_id?: unknown } | undefined)?.event_id },
          'lark message not recorded in time, asking Lark to push it again',
        );
        return { status: 503, body: { error: 'busy, retry later' } };
      }
      if (result === 'stopped') return { status: 503, body: { error: 'stopping' } };
      if (result === 'wait') return { status: 503, body: { error: 'bot identity not known yet, retry later' } };
      return { status: 200, body: {} };
    }
    if (type === 'card.action.trigger') return this.onCardAction(flatten(payload) as LarkCardActionData);
    this.log.debug({ eventType: type }, 'lark event ignored');
    return { status: 200, body: {} };
  }

  /** `work`'s result, or 'late' after `ms`; a late failure is still reported, never left unhandled. */
  private async withinDeadline<T>(
    work: Promise<T>,
    ms: number,
    lateFailure: string,
    detail?: Record<string, unknown>,
  ): Promise<T | 'late'> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), ms);
    });
    try {
      const outcome = await Promise.race([work, deadline]);
      if (outcome === 'late') work.catch((err: unknown) => this.fail(err, lateFailure, detail));
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  private reject(status: number, reason: string): WebhookReply {
    this.log.warn({ status, reason }, 'lark webhook request refused');
    return { status, body: { error: reason } };
  }

  /**
   * 'wait': a group message that @s someone before the bot knows its own open_id. It is not
   * recorded and Lark is asked to push it again (15 s, 5 min, 1 h, 6 h later), by when the
   * identity is known (BotIdentity retries at most a minute apart); a `/` message needs no identity.
   */
  private async onMessage(
    data: LarkMessageEventData,
  ): Promise<'accepted' | 'duplicate' | 'stopped' | 'ignored' | 'wait'> {
    if (!this.sink || this.stopped) return 'stopped';
    if (data.message?.chat_id && data.message.chat_type)
      this.chatKinds.set(data.message.chat_id, data.message.chat_type !== 'p2p');
    const conv = messageEventToBotEvent(data, { botOpenId: this.identity.openId });
    if (conv.kind === 'event') return this.sink.intake(conv.event);
    if (conv.kind === 'wait') {
      this.log.warn(
        { messageId: data.message?.message_id },
        'group message left for Lark to push again: bot identity not known yet',
      );
      return 'wait';
    }
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

  /**
   * Always answers within 3 s, by the one deadline (CARD_DEADLINE_MS) over recording and
   * processing alike: the handler's toast when it gave one, `{}` when it gave none, and "still
   * working" when the event is not done by then or was left to a later attempt.
   */
  private async onCardAction(data: LarkCardActionData): Promise<WebhookReply> {
    const event = cardActionToBotEvent(data, { isGroup: (chatId) => this.chatKinds.get(chatId) });
    if (!event) {
      this.log.info({ eventId: data.event_id }, 'lark card callback without operator or action ignored');
      return { status: 200, body: {} };
    }
    if (!this.sink || this.stopped) return { status: 200, body: toastBody(CARD_STOPPED_TOAST) };
    const outcome = await this.withinDeadline(
      this.sink.intakeAndWait(event),
      CARD_DEADLINE_MS,
      'late lark card callback failed',
      { eventId: event.id },
    );
    if (outcome === 'late' || outcome.later) return { status: 200, body: toastBody(CARD_SLOW_TOAST) };
    if (outcome.result === 'stopped') return { status: 200, body: toastBody(CARD_STOPPED_TOAST) };
    return { status: 200, body: outcome.toast ? toastBody(outcome.toast) : {} };
  }
}

function toastBody(content: string): { toast: { type: 'info'; content: string } } {
  return { toast: { type: 'info', content } };
}
