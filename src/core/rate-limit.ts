import { takeOnce } from './once.ts';
import type { RateWindow } from './types.ts';

export type AttemptResult = { ok: true } | { ok: false; retryAt: Date };

/**
 * At most `limit` attempts per `key` in each fixed window of `windowMs` (e.g. 5 per clock quarter
 * hour). Every attempt takes one numbered slot with a unique insert, so the count holds across
 * instances on one database and on FerretDB, where a filtered update or `$inc` would let two
 * concurrent attempts both pass (which is why this is not rate-limiter-flexible: its Mongo store
 * counts with $inc). The claims are deleted by housekeeping (prefix `attempt:`).
 */
export async function takeRateLimited(key: string, limit: number, windowMs: number, now: Date): Promise<AttemptResult> {
  const window = Math.floor(now.getTime() / windowMs);
  for (let slot = 1; slot <= limit; slot++) {
    if (await takeOnce(`attempt:${key}:${window}:${slot}`)) return { ok: true };
  }
  return { ok: false, retryAt: new Date((window + 1) * windowMs) };
}

/** A channel's limit as a list of windows (one window or several). */
export function windowsOf(limit: RateWindow | readonly RateWindow[]): readonly RateWindow[] {
  return Array.isArray(limit) ? limit : [limit as RateWindow];
}

/**
 * Paces calls in this process so that every window holds at once: at most `intervalCap` calls
 * start in any `interval` ms, for each window (a sliding log of start times). Lark counts an app's
 * sends per second and per minute and refuses on reaching either ("对于不同时间周期内的限频策略（如
 * 1000次/分&50次/秒），请求速率达到任意上限（QPS 或 QPM）都会触发限流", 频控策略), which one
 * p-queue window cannot express. Calls start in the order they asked (FIFO).
 */
export class Pacer {
  private readonly starts: number[][];
  private tail: Promise<void> = Promise.resolve();
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly windows: readonly RateWindow[]) {
    this.starts = windows.map(() => []);
  }

  /** Calls waiting for their turn or running. */
  get busy(): number {
    return this.active;
  }

  /** Runs `fn` once every window has room for it. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      const turn = this.tail.then(() => this.slot());
      this.tail = turn;
      await turn;
      // stamped as the call starts, not when its turn was found: the continuation after `await turn`
      // can run a few ms later under load, and a stamp from before it would let the next window open
      // early (4 calls in 100 ms against a limit of 3). The next caller's slot runs after this, as its
      // `then` on the tail was registered after this `await`.
      const now = Date.now();
      for (const log of this.starts) log.push(now);
      return await fn();
    } finally {
      if (--this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves when nothing waits or runs. */
  onIdle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /** Waits until every window has room (run() takes the place in each as the call starts). */
  private async slot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      let wait = 0;
      this.windows.forEach((w, i) => {
        const log = this.starts[i]!;
        while (log.length && log[0]! <= now - w.interval) log.shift();
        if (log.length >= w.intervalCap) wait = Math.max(wait, log[log.length - w.intervalCap]! + w.interval - now);
      });
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
