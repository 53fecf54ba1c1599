import { takeOnce } from './once.ts';

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
