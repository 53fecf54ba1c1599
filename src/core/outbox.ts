import type { Logger } from '../logger.ts';
import { rememberCard } from './card-numbers.ts';
import { withDialogs } from './confirm.ts';
import { Pacer, windowsOf } from './rate-limit.ts';
import {
  type Card,
  type Channel,
  type ChannelCapabilities,
  type ChannelLimits,
  type ChannelSender,
  cardOf,
  type Outgoing,
  type SendOptions,
  type SentRef,
  type Target,
  TEXT_ONLY,
} from './types.ts';

/**
 * Thrown by a channel sender when the platform says "too many requests" (whichever limit it was);
 * the outbox waits and tries again, however often it takes: a limit slows a message, never drops it.
 */
export class RateLimitedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = 'rate limited',
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

export type { ChannelLimits };

/** Who a message is for, besides where it goes. */
export interface Addressing {
  /**
   * The person a reply in a group answers: a card shown as text there is theirs, and only their
   * number presses its buttons (src/core/card-numbers.ts).
   */
  audience?: string;
}

/** The wait after refusals in a row grows from this, half again each time… */
const RETRY_FLOOR_MS = 50;
/** …to at most this, unless the platform asks for longer. */
const RETRY_CEILING_MS = 30_000;

/** Decides, per message, whether an earlier run of the same event already sent it (see ReplyLedger). */
export interface SendLedger {
  /** `harmless`: doing it again changes nothing (a card update with the same content), so nothing needs recording. */
  once(channel: Channel, send: (idempotencyKey: string) => Promise<SentRef>, harmless?: boolean): Promise<SentRef>;
}

export function targetKey(target: Target): string {
  return 'chatId' in target ? target.chatId : target.userId;
}

/**
 * Every outgoing message goes through here: paced to every window of the platform's limits (Pacer),
 * sent again after a rate-limit refusal until it goes through, and — for channels that show cards
 * as text — the card's buttons are remembered for the chat so a numeric answer can be turned back
 * into the action.
 */
export class Outbox {
  private senders = new Map<Channel, ChannelSender>();
  private appQueues = new Map<Channel, Pacer>();
  private chatQueues = new Map<string, Pacer>();
  private chatUsed = new Map<string, number>();
  private ledger?: SendLedger;
  /** Actions whose buttons ask for a confirmation first (ActionRoute.confirm). */
  private asksFirst: ReadonlySet<string> = new Set();

  private limits = new Map<Channel, ChannelLimits>();

  /**
   * `overrides` replace a sender's own limits (tests use tighter or looser ones); `now` is the bot's
   * clock, which stamps a card shown as text (how recent it is decides whether a number still presses it).
   */
  constructor(
    private readonly log: Logger,
    private readonly overrides: Readonly<Record<Channel, ChannelLimits>> = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The actions whose buttons get a confirmation dialog where the channel has them (Lark). */
  confirmFirst(actions: Iterable<string>): void {
    this.asksFirst = new Set(actions);
  }

  register(sender: ChannelSender): void {
    const limits = this.overrides[sender.channel] ?? sender.limits;
    this.senders.set(sender.channel, sender);
    this.limits.set(sender.channel, limits);
    this.appQueues.set(sender.channel, new Pacer(windowsOf(limits.perApp)));
  }

  /** What the channel can show; a channel that is not running is treated as text only. */
  capabilities(channel: Channel): ChannelCapabilities {
    return this.senders.get(channel)?.capabilities ?? TEXT_ONLY;
  }

  channels(): Channel[] {
    return [...this.senders.keys()];
  }

  has(channel: Channel): boolean {
    return this.senders.has(channel);
  }

  /**
   * The same outbox (queues, limits, channels) for the sends of one inbound event: each goes
   * through `ledger`, so a re-run of the event after a crash does not send again what went out.
   */
  forEvent(ledger: SendLedger): Outbox {
    const scoped = new Outbox(this.log, this.overrides, this.now);
    scoped.asksFirst = this.asksFirst;
    scoped.limits = this.limits;
    scoped.senders = this.senders;
    scoped.appQueues = this.appQueues;
    scoped.chatQueues = this.chatQueues;
    scoped.chatUsed = this.chatUsed;
    scoped.ledger = ledger;
    return scoped;
  }

  send(target: Target, message: Outgoing, addressing: Addressing = {}): Promise<SentRef> {
    // recorded even where the platform drops a repeated key: it does so only for a while (Lark: an hour)
    if (this.ledger)
      return this.ledger.once(target.channel, (idempotencyKey) =>
        this.deliver(target, message, { idempotencyKey }, addressing),
      );
    return this.deliver(target, message, {}, addressing);
  }

  /**
   * Shows `card` in place of message `messageId`, or sends it to `fallback` where cards cannot be
   * updated. Callers update a card after the change it shows was made, so a card the platform
   * refuses to update (Lark 230001: recalled, too old, not ours) is logged and sent anew rather than
   * reported as a failure of the change.
   */
  async updateCard(
    channel: Channel,
    messageId: string,
    card: Card,
    fallback: Target,
    addressing: Addressing = {},
  ): Promise<void> {
    const sender = this.senders.get(channel);
    if (!sender?.updateCard) {
      await this.send(fallback, card, addressing);
      return;
    }
    const shown = sender.capabilities.clickableButtons ? withDialogs(card, this.asksFirst) : card;
    const patch = async (): Promise<SentRef> => {
      await this.throttled(fallback, () => sender.updateCard!(messageId, shown));
      return { channel, messageId };
    };
    try {
      // patching a card again with the same content changes nothing: not recorded
      await (this.ledger ? this.ledger.once(channel, patch, this.capabilities(channel).dedupesSends) : patch());
    } catch (err) {
      // the change the card shows has been made: a card the platform will not update is sent anew
      this.log.warn({ err, channel, messageId }, 'card update refused, sending the card anew');
      await this.send(fallback, card, addressing);
    }
  }

  private async deliver(
    target: Target,
    message: Outgoing,
    opts: SendOptions,
    addressing: Addressing,
  ): Promise<SentRef> {
    const sender = this.senders.get(target.channel);
    if (!sender) throw new Error(`channel ${target.channel} is not running`);
    const clickable = sender.capabilities.clickableButtons;
    const card = cardOf(message);
    const shown = card && clickable ? withDialogs(card, this.asksFirst) : message;
    const ref = await this.throttled(target, () => sender.send(target, shown, opts));
    // the latest card in the chat is what a number answers; a card without buttons closes the one before
    if (card && !clickable) await rememberCard(target, card, this.now(), addressing.audience);
    return ref;
  }

  /** Waits for every queued message to leave (used on shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.appQueues.values(), ...this.chatQueues.values()].map((q) => q.onIdle()));
  }

  private async throttled<T>(target: Target, fn: () => Promise<T>): Promise<T> {
    const limits = this.limits.get(target.channel)!;
    const appQueue = this.appQueues.get(target.channel)!;
    // a refusal for a limit is retried for as long as it takes (an hour of backlog is slow, not
    // lost); any other error is the caller's, at once
    const attempt = async (): Promise<T> => {
      for (let refused = 0; ; refused++) {
        try {
          return await appQueue.run(fn);
        } catch (err) {
          if (!(err instanceof RateLimitedError)) throw err;
          // the platform says how long to wait; refusals in a row wait longer, up to a ceiling
          const waitMs = Math.max(err.retryAfterMs, Math.min(RETRY_FLOOR_MS * 1.5 ** refused, RETRY_CEILING_MS));
          const detail = { channel: target.channel, refused: refused + 1, waitMs, reason: err.message };
          if (refused > 0 && refused % 10 === 0)
            this.log.error(detail, 'still rate limited, the message waits and is not dropped');
          else this.log.warn(detail, 'rate limited, waiting');
          await new Promise((r) => setTimeout(r, waitMs));
        }
      }
    };
    if (!limits.perChat) return attempt();
    const key = `${target.channel}:${targetKey(target)}`;
    let q = this.chatQueues.get(key);
    if (!q) {
      this.pruneChatQueues(Math.max(...windowsOf(limits.perChat).map((w) => w.interval)));
      q = new Pacer(windowsOf(limits.perChat));
      this.chatQueues.set(key, q);
    }
    this.chatUsed.set(key, Date.now());
    return q.run(attempt);
  }

  /**
   * A chat's queue is kept while its window can still matter (so the 5/s limit holds across bursts)
   * and dropped once idle for two windows: a fan-out to thousands of chats does not keep thousands
   * of queues for the life of the process.
   */
  private pruneChatQueues(intervalMs: number): void {
    if (this.chatQueues.size < 256) return;
    const before = Date.now() - 2 * intervalMs;
    for (const [key, q] of this.chatQueues) {
      if (q.busy === 0 && (this.chatUsed.get(key) ?? 0) < before) {
        this.chatQueues.delete(key);
        this.chatUsed.delete(key);
      }
    }
  }
}
