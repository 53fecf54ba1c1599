import { FileBox } from 'file-box';
import { type Contact, type Message, type Room, types, type Wechaty, WechatyBuilder } from 'wechaty';
import type { Config } from '../config.ts';
import { RateLimitedError } from '../core/outbox.ts';
import { renderCardText } from '../core/render.ts';
import {
  type ChannelSender,
  type EventSink,
  type FileMessage,
  isFileMessage,
  type Outgoing,
  type Receiver,
  type SentRef,
  type Target,
  TEXT_ONLY,
} from '../core/types.ts';
import type { Logger } from '../logger.ts';
import { toBotEvent } from './wechaty-inbound.ts';
import { PuppetServiceWithSafeCache } from './wechaty-puppet.ts';

export type WechatOptions = NonNullable<Config['wechat']>;

export interface WechatDeps {
  /** The jitter's random source (tests pass their own). */
  random?: () => number;
}

export const ONLY_TEXT_HINT = '暂时只支持文字消息，请用文字发送。发送「帮助」查看你能用的命令。';

/** What a personal account gets back when it sends faster than WeChat allows (PLATFORM-NOTES). */
const TOO_FREQUENT = /频繁|too frequent/i;
const TOO_FREQUENT_WAIT_MS = 5_000;

/** Retries while the puppet service cannot be reached at start: 5 s, 10 s, … up to a minute. */
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 60_000;

/**
 * Each gap between two sends gets up to this share of WECHAT_SEND_INTERVAL_MS on top, at random:
 * a personal account posting to hundreds of groups at an exact one-second beat is how accounts get
 * limited (PLATFORM-NOTES), and a human rhythm is uneven.
 */
export const SEND_JITTER = 0.5;

/** The wait before the next send: the interval plus a bounded random extra. */
export function sendGapMs(intervalMs: number, random: () => number = Math.random): number {
  return intervalMs + Math.floor(Math.min(Math.max(random(), 0), 1) * intervalMs * SEND_JITTER);
}

/** How many chat ids the receiver remembers as group or private (a company has a few hundred). */
const KNOWN_CHATS = 10_000;

/**
 * WeChat through a Wechaty puppet service over gRPC. Turns each message into a BotEvent for the
 * app and sends replies as plain text (cards as numbered text). Wechaty's watchdog reconnects on its
 * own; this class only has to make sure no error or bad message ever reaches the process.
 */
export class WechatyReceiver implements Receiver {
  readonly channel = 'wechat' as const;
  readonly sender: ChannelSender;
  private bot?: Wechaty;
  private sink?: EventSink;
  private current: 'starting' | 'up' | 'down' = 'starting';
  private lanes = new Map<string, Promise<void>>();
  private stopping = false;
  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs = FIRST_RETRY_MS;
  private readonly log: Logger;
  /** chat id → is it a group, as the puppet said (an event's room, or asked before a send). */
  private chatKinds = new Map<string, boolean>();
  /** Sends go out one at a time, each `sendGapMs` after the one before. */
  private sendTurn: Promise<unknown> = Promise.resolve();
  private nextSendAt = 0;
  private readonly random: () => number;

  constructor(
    private readonly opts: WechatOptions,
    log: Logger,
    deps: WechatDeps = {},
  ) {
    this.random = deps.random ?? Math.random;
    // the token is left out on purpose: it is the account's credential
    this.log = log.child({ module: 'WechatyReceiver', endpoint: opts.endpoint });
    // a personal account is told 发送消息过于频繁 above about one message a second
    this.sender = {
      channel: 'wechat',
      capabilities: TEXT_ONLY,
      limits: { perApp: { intervalCap: 1, interval: Math.max(opts.sendIntervalMs, 1) } },
      send: (target, message) => this.send(target, message),
    };
  }

  state(): 'starting' | 'up' | 'down' {
    return this.current;
  }

  /** Through the bot's one error hook once started (the log only before: nothing has come in yet). */
  private fail(err: unknown, what: string, detail?: Record<string, unknown>): void {
    if (this.sink)
      this.sink.onError(err, { what, channel: 'wechat', detail: { endpoint: this.opts.endpoint, ...detail } });
    else this.log.error({ err, ...detail }, what);
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.stopping = false;
    this.retryDelayMs = FIRST_RETRY_MS;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    const bot = this.bot;
    this.bot = undefined;
    this.current = 'down';
    if (!bot) return;
    await bot.stop();
    // a client started next in this process (a restart, a test) must find the cache closed
    if (bot.puppet instanceof PuppetServiceWithSafeCache) await bot.puppet.cacheIdle();
    this.log.info('stopped');
  }

  /**
   * One attempt to reach the puppet service. Once it is reached, Wechaty's watchdog takes care of
   * later drops. But when it cannot be reached at start, `bot.start()` still resolves (after a 5 s
   * timeout, errors go to 'error') and Wechaty never tries again; so that case is retried here,
   * instead of failing the whole bot and the other channels with it.
   */
  private async connect(): Promise<void> {
    this.current = 'starting';
    const bot = this.build();
    this.bot = bot;
    this.log.info({ tls: !this.opts.noTlsInsecureClient }, 'connecting to the puppet service');
    try {
      // not bot.ready(): it never resolves with some puppets; 'login' says when messages can flow
      await bot.start();
    } catch (err) {
      this.fail(err, 'wechaty did not start');
    }
    if (this.stopping || this.bot !== bot) return;
    if (bot.puppet.state.active()) {
      this.retryDelayMs = FIRST_RETRY_MS;
      return;
    }
    this.bot = undefined;
    this.current = 'down';
    await bot.stop().catch((err: unknown) => this.log.warn({ err }, 'could not stop the failed attempt'));
    if (this.stopping) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, MAX_RETRY_MS);
    this.log.warn({ retryInMs: delay }, 'puppet service unreachable, will retry');
    this.retryTimer = setTimeout(() => {
      this.connect().catch((err: unknown) => this.fail(err, 'reconnect attempt failed'));
    }, delay);
  }

  private build(): Wechaty {
    const puppet = new PuppetServiceWithSafeCache({
      endpoint: this.opts.endpoint,
      token: this.opts.token,
      tls: { disable: this.opts.noTlsInsecureClient },
    });
    const bot = WechatyBuilder.build({ puppet });

    // Wechaty re-emits every internal failure here; without a listener Node kills the process
    bot.on('error', (err) => this.fail(err, 'wechaty error'));
    bot.on('login', (user) => {
      this.current = 'up';
      this.log.info({ botUserId: user.id }, 'logged in');
    });
    bot.on('logout', (user, reason) => {
      this.current = 'down';
      this.log.warn({ botUserId: user.id, reason }, 'logged out');
    });
    // the operator needs the link to log the account in again; it is not a credential of ours
    bot.on('scan', (qrcode, status) =>
      this.log.warn({ status: types.ScanStatus[status], qrcode }, 'the WeChat account waits for a QR scan'),
    );
    // the emitter does not await listeners: every path inside must catch, or it is an unhandled rejection
    bot.on('message', (msg) => this.inOrder(msg));
    return bot;
  }

  /**
   * Hands one chat's messages to the app in the order WeChat delivered them. Looking up a mention
   * or a group's topic may go to the puppet service, and a quick second answer to a guided form must
   * not overtake the first on the way.
   */
  private inOrder(msg: Message): void {
    let key: string;
    try {
      key = msg.room()?.id ?? msg.talker().id;
    } catch (err) {
      this.fail(err, 'message without a chat', { messageId: msg.id });
      return;
    }
    const prev = this.lanes.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.onMessage(msg));
    this.lanes.set(key, next);
    void next.then(() => {
      if (this.lanes.get(key) === next) this.lanes.delete(key);
    });
  }

  private async onMessage(msg: Message): Promise<void> {
    try {
      const event = await toBotEvent(msg, {
        self: () => this.bot!.currentUser,
        chatKind: (chatId, isGroup) => this.remember(chatId, isGroup),
        notText: (talker) => this.hintTextOnly(talker),
      });
      if (!event) return;
      const result = await this.sink!.intake(event);
      // WeChat will not send it again: make a message lost to a shutdown visible
      if (result === 'stopped')
        this.log.warn({ messageId: msg.id, chatId: event.chat.id }, 'message arrived while stopping, not recorded');
    } catch (err) {
      this.fail(err, 'message could not be taken in', { messageId: msg.id });
    }
  }

  /**
   * Answered here rather than through the app: nothing is recorded for it and no handler could do
   * anything with a picture or a voice note.
   */
  private async hintTextOnly(talker: Contact): Promise<void> {
    try {
      await talker.say(ONLY_TEXT_HINT);
    } catch (err) {
      this.log.warn({ err, userId: talker.id }, 'could not send the text-only hint');
    }
  }

  /**
   * One send at a time, each waiting its gap after the one before (the outbox paces sends too, but
   * at an even beat). The gap runs from when the previous send finished, so a slow puppet does not
   * shorten it.
   */
  private send(target: Target, message: Outgoing): Promise<SentRef> {
    const turn = this.sendTurn.then(async () => {
      const wait = this.nextSendAt - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await this.sendNow(target, message);
      } finally {
        this.nextSendAt = Date.now() + sendGapMs(this.opts.sendIntervalMs, this.random);
      }
    });
    this.sendTurn = turn.catch(() => undefined);
    return turn;
  }

  private async sendNow(target: Target, message: Outgoing): Promise<SentRef> {
    const bot = this.bot;
    if (!bot) throw new Error('wechat is not running');
    const conversation = await this.conversation(bot, target);
    try {
      if (isFileMessage(message)) return await this.sendFile(conversation, message);
      const text = typeof message === 'string' ? message : renderCardText(message);
      const sent = await conversation.say(text);
      if (typeof message !== 'string') await this.forwardPictures(bot, message.pictures ?? [], conversation);
      return { channel: 'wechat', messageId: sent ? sent.id : undefined };
    } catch (err) {
      if (TOO_FREQUENT.test(String((err as Error)?.message ?? err)))
        throw new RateLimitedError(TOO_FREQUENT_WAIT_MS, 'wechat: sending too fast');
      throw err;
    }
  }

  /**
   * A file (an export, a chart) as a FileBox: the puppet service uploads it to its server over the
   * gRPC link, which sends it on WeChat. The caption goes first, a send gap before the file.
   */
  private async sendFile(to: Room | Contact, file: FileMessage): Promise<SentRef> {
    if (file.caption) {
      await to.say(file.caption);
      await new Promise((r) => setTimeout(r, sendGapMs(this.opts.sendIntervalMs, this.random)));
    }
    const sent = await to.say(FileBox.fromFile(file.path, file.name));
    return { channel: 'wechat', messageId: sent ? sent.id : undefined };
  }

  /**
   * A card's pictures (Card.pictures, `wechat:<message id>`): each picture's message forwarded after the
   * card, each its send gap after the last. One the puppet no longer has is logged and skipped: the card's text
   * says how many there are.
   */
  private async forwardPictures(bot: Wechaty, refs: readonly string[], to: Room | Contact): Promise<void> {
    for (const ref of refs.filter((r) => r.startsWith('wechat:'))) {
      await new Promise((r) => setTimeout(r, sendGapMs(this.opts.sendIntervalMs, this.random)));
      try {
        const picture = await bot.Message.find({ id: ref.slice('wechat:'.length) });
        if (!picture) throw new Error('the picture message is no longer known to the puppet');
        await picture.forward(to);
      } catch (err) {
        this.log.warn({ err, ref }, 'could not forward a picture');
      }
    }
  }

  private remember(chatId: string, isGroup: boolean): void {
    if (this.chatKinds.get(chatId) === isGroup) return;
    this.chatKinds.set(chatId, isGroup);
    if (this.chatKinds.size > KNOWN_CHATS) this.chatKinds.delete(this.chatKinds.keys().next().value!);
  }

  /**
   * Whether a chat id is a group: known from its messages, else asked of the puppet (is there a room
   * by that id, else a contact). Never guessed from the id: PuppetMock and padlocal rooms end in
   * '@chatroom', but WeCom-style puppets use numeric room ids and wechat4u contact ids start with '@'.
   * Remembered only once the puppet answered, so a lost connection is not taken for "not a group".
   */
  private async isGroup(bot: Wechaty, chatId: string): Promise<boolean> {
    const known = this.chatKinds.get(chatId);
    if (known !== undefined) return known;
    // the payload calls, not Room.find: that reports every miss on Wechaty's 'error' event
    const isRoom = await bot.puppet.roomPayload(chatId).then(
      () => true,
      () => false,
    );
    if (!isRoom) await bot.puppet.contactPayload(chatId);
    this.remember(chatId, isRoom);
    return isRoom;
  }

  private async conversation(bot: Wechaty, target: Target): Promise<Room | Contact> {
    if ('chatId' in target && (await this.isGroup(bot, target.chatId))) {
      const room = await bot.Room.find({ id: target.chatId });
      if (!room) throw new Error(`wechat room ${target.chatId} not found`);
      return room;
    }
    const id = 'chatId' in target ? target.chatId : target.userId;
    const contact = await bot.Contact.find({ id });
    if (!contact) throw new Error(`wechat contact ${id} not found`);
    return contact;
  }
}
