import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Bot, type BotOptions } from '../../src/bot.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { renderCardText } from '../../src/core/render.ts';
import {
  type BotEvent,
  type Card,
  type Channel,
  type ChannelSender,
  type EventSink,
  type FileMessage,
  isFileMessage,
  type Outgoing,
  type Receiver,
  type SentRef,
  type Target,
  TEXT_ONLY,
} from '../../src/core/types.ts';
import { InboxOutcome } from '../../src/models/inbox.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from './db.ts';

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ BOT_CONSOLE: 'off', HTTP_PORT: '0', ...env }, composition.settings);
}

export interface Sent {
  target: Target;
  message: Outgoing;
  text: string;
  /** A file message's bytes, read when it was sent (the sender may delete the file afterwards). */
  file?: Buffer;
}

/** A file message as the harness shows it in `text`: its caption, then `[文件] name`. */
export function fileText(m: FileMessage): string {
  return [m.caption, `[${m.image ? '图片' : '文件'}] ${m.name}`].filter(Boolean).join('\n');
}

/**
 * A channel that lives in the test: it sends events into the app through the same EventSink the
 * real receivers use, and records what the app sends back. For handler tests; scenario tests use
 * the real transports.
 */
export class MemoryReceiver implements Receiver {
  readonly sent: Sent[] = [];
  private sinkRef?: EventSink;
  readonly sender: ChannelSender;

  constructor(readonly channel: Channel = 'console') {
    this.sender = {
      channel,
      capabilities: TEXT_ONLY,
      limits: { perApp: { intervalCap: 1000, interval: 1000 } },
      send: async (target: Target, message: Outgoing): Promise<SentRef> => {
        if (isFileMessage(message)) {
          this.sent.push({ target, message, text: fileText(message), file: await readFile(message.path) });
          return { channel, messageId: randomUUID() };
        }
        const text = typeof message === 'string' ? message : renderCardText(message);
        this.sent.push({ target, message, text });
        return { channel, messageId: randomUUID() };
      },
      updateCard: async (messageId: string, card: Card) => {
        this.sent.push({ target: { channel, chatId: `card:${messageId}` }, message: card, text: renderCardText(card) });
      },
    };
  }

  async start(sink: EventSink): Promise<void> {
    this.sinkRef = sink;
  }
  async stop(): Promise<void> {}
  sink(): EventSink {
    return this.sinkRef!;
  }
  state() {
    return 'up' as const;
  }

  /** What the bot sent privately to `userId` (notifications), from index `from` of `sent` on. */
  privately(userId: string, from = 0): string[] {
    return this.sent
      .slice(from)
      .filter((s) => 'userId' in s.target && s.target.userId === userId)
      .map((s) => s.text);
  }

  /** Sends a message as `userId` and waits until the app has processed it; returns what it sent. */
  async say(
    userId: string,
    text: string,
    opts: { chatId?: string; isGroup?: boolean; id?: string } = {},
  ): Promise<string[]> {
    return this.deliver({
      id: opts.id ?? randomUUID(),
      channel: this.channel,
      chat: { id: opts.chatId ?? userId, isGroup: opts.isGroup ?? false },
      userId,
      kind: 'message',
      text,
      receivedAt: new Date(),
    });
  }

  /** `userId` sends a picture in private (its platform reference `ref`); returns what the bot sent back. */
  async picture(userId: string, ref: string): Promise<string[]> {
    return this.deliver({
      id: randomUUID(),
      channel: this.channel,
      chat: { id: userId, isGroup: false },
      userId,
      kind: 'message',
      text: '',
      attachments: [{ kind: 'image', ref }],
      receivedAt: new Date(),
    });
  }

  async click(
    userId: string,
    action: string,
    value: Record<string, string>,
    opts: { chatId?: string; isGroup?: boolean; form?: Record<string, string>; ticked?: Record<string, string[]> } = {},
  ) {
    return this.deliver({
      id: randomUUID(),
      channel: this.channel,
      chat: { id: opts.chatId ?? userId, isGroup: opts.isGroup ?? false },
      userId,
      kind: 'action',
      action: { action, value, form: opts.form, ticked: opts.ticked, messageId: 'msg-1' },
      receivedAt: new Date(),
    });
  }

  async deliver(event: BotEvent): Promise<string[]> {
    const before = this.sent.length;
    const result = await this.sinkRef!.intake(event);
    if (result === 'accepted') await waitProcessed(`${event.channel}:${event.id}`);
    // only what went to this chat or person, so concurrent conversations do not see each other's replies
    return this.sent
      .slice(before)
      .filter((s) =>
        ['chatId' in s.target ? s.target.chatId : s.target.userId].some(
          (k) => k === event.chat.id || k === event.userId || k.startsWith('card:'),
        ),
      )
      .map((s) => s.text);
  }
}

export async function waitProcessed(key: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await InboxOutcome.exists({ _id: key })) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`event ${key} was not processed within ${timeoutMs} ms`);
}

type TestBotOptions = Partial<BotOptions> & { channel?: Channel };

/** A bot with one memory channel, not started yet: nothing here touches the database. */
export function testBot(opts: TestBotOptions = {}) {
  const { channel = 'console', receivers = [], jobs = [], ...rest } = opts;
  const receiver = new MemoryReceiver(channel);
  const bot = new Bot({
    config: testConfig(),
    log: silentLog,
    workflows: composition,
    ...rest,
    receivers: [receiver, ...receivers],
    jobs,
  });
  return { bot, receiver };
}

/** A bot on the already-connected test database with one memory channel. */
export async function startTestBot(opts: TestBotOptions = {}) {
  const made = testBot(opts);
  await made.bot.start();
  return made;
}

/**
 * The usual set-up of a test file that talks to the bot: its own database (`label`), one bot started
 * before the tests and stopped after, and before each test every collection cleared and then `seed`
 * run. The bot and its chat exist at once (started later), so a file can destructure them.
 */
export function useTestBot(
  label: string,
  opts: TestBotOptions & { seed?: () => Promise<unknown> } = {},
): { bot: Bot; chat: MemoryReceiver; db: { uri: string; name: string } } {
  const { seed, ...options } = opts;
  const db = useDatabase(label);
  const { bot, receiver } = testBot(options);
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());
  beforeEach(async () => {
    await clearCollections();
    await seed?.();
  });
  return { bot, chat: receiver, db };
}
