import type { Logger } from '../../logger.ts';

// ─────────────────────────────────────────────────────────────────────────────
// The bot's own identity (GET /open-apis/bot/v3/info): in a group only a message that @-mentions
// the bot's open_id addresses it. `npm run doctor` reads the same answer the same way.
// ─────────────────────────────────────────────────────────────────────────────

export const BOT_INFO_PATH = '/open-apis/bot/v3/info';

export interface BotInfo {
  openId: string;
  appName?: string;
  /** 2: enabled; the doctor explains the others. */
  activateStatus?: number;
}

/** Lark's answer: the bot, or why there is none (`code` ≠ 0, or no open_id in it). */
export type BotInfoAnswer = { ok: true; bot: BotInfo } | { ok: false; code: unknown; msg: string };

/**
 * Asks for the bot's identity with `get` (a GET carrying the tenant token, resolving to the JSON
 * body); a transport failure throws.
 */
export async function fetchBotInfo(get: (path: string) => Promise<unknown>): Promise<BotInfoAnswer> {
  const body = ((await get(BOT_INFO_PATH)) ?? {}) as {
    code?: unknown;
    msg?: unknown;
    bot?: { open_id?: unknown; app_name?: unknown; activate_status?: unknown };
  };
  const bot = body.bot;
  if (body.code !== 0 || typeof bot?.open_id !== 'string' || !bot.open_id)
    return { ok: false, code: body.code, msg: typeof body.msg === 'string' ? body.msg : '' };
  return {
    ok: true,
    bot: {
      openId: bot.open_id,
      appName: typeof bot.app_name === 'string' ? bot.app_name : undefined,
      activateStatus: typeof bot.activate_status === 'number' ? bot.activate_status : undefined,
    },
  };
}

/** Retries of the identity at start: from 1 s, doubling, at most a minute apart (Lark's first redelivery is at 15 s). */
export const IDENTITY_RETRY = { minTimeout: 1000, maxTimeout: 60_000, factor: 2 };

/**
 * The bot's open_id, learnt in the background when the receiver starts and retried with backoff
 * until Lark answers. Until then `openId` is undefined, and the receiver has Lark push again the
 * group messages that need it to decide (see LarkReceiver.onMessage).
 */
export class BotIdentity {
  openId?: string;
  private abort?: AbortController;

  constructor(
    private readonly get: (path: string) => Promise<unknown>,
    private readonly log: Logger,
    private readonly retry: Partial<typeof IDENTITY_RETRY> = {},
  ) {}

  /**
   * Starts learning it (once); resolves when known, or when stopped. Retries from `minTimeout`,
   * `factor` times longer each time, at most `maxTimeout` apart (no retry library: a loop of waits).
   */
  learn(): Promise<void> {
    if (this.openId || this.abort) return Promise.resolve();
    const abort = new AbortController();
    this.abort = abort;
    const { minTimeout, maxTimeout, factor } = { ...IDENTITY_RETRY, ...this.retry };
    return (async () => {
      for (let attempt = 1; !abort.signal.aborted; attempt++) {
        try {
          const answer = await fetchBotInfo(this.get);
          if (answer.ok) {
            this.openId = answer.bot.openId;
            this.log.info({ openId: answer.bot.openId, appName: answer.bot.appName }, 'lark bot identity known');
            return;
          }
          this.unknown(`bot info refused: code ${String(answer.code)} ${answer.msg}`, attempt);
        } catch (err) {
          this.unknown(`bot info request failed: ${(err as Error)?.message ?? String(err)}`, attempt);
        }
        await waitOrAbort(Math.min(maxTimeout, minTimeout * factor ** (attempt - 1)), abort.signal);
      }
    })();
  }

  private unknown(reason: string, attempt: number): void {
    this.log.warn(
      { reason, attempt },
      'lark bot identity unknown: group messages that @ someone wait for it (Lark pushes them again)',
    );
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; never keeps the process alive. */
function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
