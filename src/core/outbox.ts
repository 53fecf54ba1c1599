import PQueue from 'p-queue';
import pRetry, { AbortError } from 'p-retry';
import type { Card, Channel, ChannelSender, Outgoing, SentRef, Target } from './types.ts';
import { CardPrompt } from '../models/index.ts';
import type { Logger } from '../logger.ts';

/** Thrown by a channel sender when the platform says "too many requests"; the outbox waits and retries. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number, message = 'rate limited') {
    super(message);
    this.name = 'RateLimitedError';
  }
}

export interface ChannelLimits {
  /** Messages per interval for the whole app on this channel. */
  perApp: { intervalCap: number; interval: number };
  /** Messages per interval for one chat. */
  perChat?: { intervalCap: number; interval: number };
}

/**
 * Platform limits (PLATFORM-NOTES): Lark 50/s per app and 5/s per chat; personal WeChat ≈ 1/s.
 * Lark's windows get a 10% margin: the platform counts arrivals, which jitter after we send.
 */
export function defaultLimits(wechatIntervalMs: number): Record<Channel, ChannelLimits> {
  return {
    lark: { perApp: { intervalCap: 50, interval: 1100 }, perChat: { intervalCap: 5, interval: 1100 } },
    wechat: { perApp: { intervalCap: 1, interval: Math.max(wechatIntervalMs, 1) } },
    console: { perApp: { intervalCap: 1000, interval: 1000 } },
  };
}

const PROMPT_TTL_MS = 7 * 24 * 3600_000;

export function targetKey(target: Target): string {
  return 'chatId' in target ? target.chatId : target.userId;
}

/**
 * Every outgoing message goes through here: throttled to the platform's limits with p-queue,
 * retried after a 429 with p-retry, and — for channels that show cards as text — the card's
 * buttons are remembered for the chat so a numeric answer can be turned back into the action.
 */
export class Outbox {
  private senders = new Map<Channel, ChannelSender>();
  private appQueues = new Map<Channel, PQueue>();
  private chatQueues = new Map<string, PQueue>();

  constructor(
    private readonly limits: Record<Channel, ChannelLimits>,
    private readonly log: Logger,
  ) {}

  register(sender: ChannelSender): void {
    this.senders.set(sender.channel, sender);
    this.appQueues.set(sender.channel, new PQueue({ ...this.limits[sender.channel].perApp, strict: true }));
  }

  channels(): Channel[] {
    return [...this.senders.keys()];
  }

  has(channel: Channel): boolean {
    return this.senders.has(channel);
  }

  async send(target: Target, message: Outgoing): Promise<SentRef> {
    const sender = this.senders.get(target.channel);
    if (!sender) throw new Error(`channel ${target.channel} is not running`);
    const ref = await this.throttled(target, () => sender.send(target, message));
    if (typeof message !== 'string' && target.channel !== 'lark') await this.rememberButtons(target, message);
    return ref;
  }

  /**
   * Shows `card` in place of message `messageId`, or sends it to `fallback` where cards cannot be
   * updated. Callers update a card after the change it shows was made, so a card the platform
   * refuses to update (Lark 230001: recalled, too old, not ours) is logged and sent anew rather than
   * reported as a failure of the change.
   */
  async updateCard(channel: Channel, messageId: string, card: Card, fallback: Target): Promise<void> {
    const sender = this.senders.get(channel);
    if (sender?.updateCard) {
      try {
        await this.throttled(fallback, () => sender.updateCard!(messageId, card));
        return;
      } catch (err) {
        this.log.warn({ err, channel, messageId }, 'card update refused, sending the card anew');
      }
    }
    await this.send(fallback, card);
  }

  /** Waits for every queued message to leave (used on shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.appQueues.values(), ...this.chatQueues.values()].map((q) => q.onIdle()));
  }

  private async throttled<T>(target: Target, fn: () => Promise<T>): Promise<T> {
    const limits = this.limits[target.channel];
    const appQueue = this.appQueues.get(target.channel)!;
    const attempt = () =>
      pRetry(
        async () => {
          try {
            return await appQueue.add(fn);
          } catch (err) {
            if (err instanceof RateLimitedError) throw err;
            throw new AbortError(err as Error);
          }
        },
        {
          retries: 5,
          // the platform says how long to wait; p-retry's own backoff is the floor
          onFailedAttempt: async ({ error, attemptNumber }) => {
            if (error instanceof RateLimitedError) {
              this.log.warn({ channel: target.channel, attemptNumber, retryAfterMs: error.retryAfterMs }, 'rate limited, waiting');
              await new Promise((r) => setTimeout(r, error.retryAfterMs));
            }
          },
          minTimeout: 50,
        },
      );
    if (!limits.perChat) return attempt();
    const key = `${target.channel}:${targetKey(target)}`;
    let q = this.chatQueues.get(key);
    if (!q) {
      q = new PQueue({ ...limits.perChat, strict: true });
      this.chatQueues.set(key, q);
    }
    // queues are kept per chat (not dropped when idle) so the 5/s window holds across bursts
    return q.add(attempt);
  }

  private async rememberButtons(target: Target, card: Card): Promise<void> {
    const _id = `${target.channel}:${targetKey(target)}`;
    if (!card.buttons?.length) return;
    await CardPrompt.updateOne(
      { _id },
      { $set: { buttons: card.buttons, expiresAt: new Date(Date.now() + PROMPT_TTL_MS) } },
      { upsert: true },
    );
  }
}
