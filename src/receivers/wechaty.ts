import { WechatyBuilder, types, type Contact, type Message, type Room, type Wechaty } from 'wechaty';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { RateLimitedError } from '../core/outbox.ts';
import { renderCardText } from '../core/render.ts';
import type { BotEvent, ChannelSender, EventSink, Outgoing, Receiver, SentRef, Target } from '../core/types.ts';

export type WechatOptions = NonNullable<Config['wechat']>;

export const ONLY_TEXT_HINT = '暂时只支持文字消息，请用文字发送。发送「帮助」查看你能用的命令。';

/**
 * Things a person deliberately sends. Recalls, system notes, transfers and red envelopes also arrive
 * as messages; answering those with a hint would be noise.
 */
const PERSON_SENT_TYPES = new Set<types.Message>([
  types.Message.Attachment,
  types.Message.Audio,
  types.Message.ChatHistory,
  types.Message.Contact,
  types.Message.Emoticon,
  types.Message.Image,
  types.Message.Location,
  types.Message.MiniProgram,
  types.Message.Url,
  types.Message.Video,
]);

/** What a personal account gets back when it sends faster than WeChat allows (PLATFORM-NOTES). */
const TOO_FREQUENT = /频繁|too frequent/i;
const TOO_FREQUENT_WAIT_MS = 5_000;

/** In groups people address the bot with a leading slash, half- or full-width. */
const COMMAND_PREFIX = /^\s*[/／]/;

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
  private readonly log: Logger;

  constructor(
    private readonly opts: WechatOptions,
    log: Logger,
  ) {
    // the token is left out on purpose: it is the account's credential
    this.log = log.child({ module: 'WechatyReceiver', endpoint: opts.endpoint });
    this.sender = { channel: 'wechat', send: (target, message) => this.send(target, message) };
  }

  state(): 'starting' | 'up' | 'down' {
    return this.current;
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.current = 'starting';
    // puppetOptions is typed for every puppet; `tls` belongs to wechaty-puppet-service only
    const puppetOptions: { endpoint: string; token: string; tls: { disable: boolean } } = {
      endpoint: this.opts.endpoint,
      token: this.opts.token,
      tls: { disable: this.opts.noTlsInsecureClient },
    };
    const bot = WechatyBuilder.build({ puppet: 'wechaty-puppet-service', puppetOptions });
    this.bot = bot;

    // Wechaty re-emits every internal failure here; without a listener Node kills the process
    bot.on('error', (err) => this.log.error({ err }, 'wechaty error'));
    bot.on('login', (user) => {
      this.current = 'up';
      this.log.info({ botUserId: user.id }, 'logged in');
    });
    bot.on('logout', (user, reason) => {
      this.current = 'down';
      this.log.warn({ botUserId: user.id, reason }, 'logged out');
    });
    bot.on('scan', (_qrcode, status) => this.log.warn({ status: types.ScanStatus[status] }, 'the WeChat account waits for a QR scan'));
    // the emitter does not await listeners: every path inside must catch, or it is an unhandled rejection
    bot.on('message', (msg) => void this.onMessage(msg));

    this.log.info({ tls: !this.opts.noTlsInsecureClient }, 'connecting to the puppet service');
    // not bot.ready(): it never resolves with some puppets; 'login' says when messages can flow
    await bot.start();
  }

  async stop(): Promise<void> {
    const bot = this.bot;
    this.bot = undefined;
    this.current = 'down';
    if (!bot) return;
    await bot.stop();
    this.log.info('stopped');
  }

  private async onMessage(msg: Message): Promise<void> {
    try {
      const event = await this.toEvent(msg);
      if (!event) return;
      const result = await this.sink!.intake(event);
      if (result !== 'accepted') this.log.debug({ messageId: msg.id, result }, 'not accepted');
    } catch (err) {
      this.log.error({ err, messageId: msg.id }, 'message could not be taken in');
    }
  }

  /** The message as the app sees it, or undefined when it is not for the bot. */
  private async toEvent(msg: Message): Promise<BotEvent | undefined> {
    if (msg.self()) return undefined;
    const talker = msg.talker();
    // subscription accounts write to the bot too; they cannot bind and must not get answers
    if (talker.type() === types.Contact.Official) return undefined;
    const room = msg.room();
    const type = msg.type();

    if (type !== types.Message.Text) {
      if (!room && PERSON_SENT_TYPES.has(type)) await this.hintTextOnly(talker);
      return undefined;
    }

    let text = msg.text();
    if (room) {
      const mentioned = await msg.mentionSelf();
      if (!mentioned && !COMMAND_PREFIX.test(text)) return undefined;
      if (mentioned) text = await this.withoutSelfMention(room, text);
    }

    return {
      id: msg.id,
      channel: 'wechat',
      chat: room ? { id: room.id, isGroup: true, name: await room.topic() } : { id: talker.id, isGroup: false, name: talker.name() },
      userId: talker.id,
      userName: talker.name(),
      kind: 'message',
      text,
      receivedAt: new Date(),
    };
  }

  /**
   * Removes only "@<bot>" so that other mentions stay in the text for the command to read
   * (`mentionText()` would remove every mentioned name). WeChat writes the name the bot has in that
   * group, else its own name, followed by U+2005.
   */
  private async withoutSelfMention(room: Room, text: string): Promise<string> {
    const self = this.bot!.currentUser;
    const names = [await room.alias(self).catch(() => undefined), self.name()].filter((n): n is string => !!n);
    let out = text;
    for (const name of names) {
      out = out.replace(new RegExp(`@${escapeRegExp(name)}(?:\u2005|\\s|$)`, 'u'), ' ');
    }
    return out.trim();
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

  private async send(target: Target, message: Outgoing): Promise<SentRef> {
    const bot = this.bot;
    if (!bot) throw new Error('wechat is not running');
    const text = typeof message === 'string' ? message : renderCardText(message);
    const conversation = await this.conversation(bot, target);
    try {
      const sent = await conversation.say(text);
      return { channel: 'wechat', messageId: sent ? sent.id : undefined };
    } catch (err) {
      if (TOO_FREQUENT.test(String((err as Error)?.message ?? err))) throw new RateLimitedError(TOO_FREQUENT_WAIT_MS, 'wechat: sending too fast');
      throw err;
    }
  }

  /** Room ids always contain '@' (`…@chatroom`); contact ids never do. */
  private async conversation(bot: Wechaty, target: Target): Promise<Room | Contact> {
    if ('chatId' in target && target.chatId.includes('@')) {
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
