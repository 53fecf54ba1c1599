import { describe, expect, it } from 'vitest';
import { takeRateLimited } from '../../../src/core/rate-limit.ts';
import { useDatabase } from '../../helpers/db.ts';

useDatabase('attempts');

const QUARTER = 15 * 60_000;

describe('takeRateLimited', () => {
  it('lets exactly the limit through when 20 attempts race on one key (unique inserts, no $inc)', async () => {
    const now = new Date('2026-11-27T02:03:00Z');
    const results = await Promise.all(Array.from({ length: 20 }, () => takeRateLimited('race', 5, QUARTER, now)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.find((r) => !r.ok);
    expect(refused).toEqual({ ok: false, retryAt: new Date('2026-11-27T02:15:00Z') });
  });

  it('counts each key on its own and starts again in the next window', async () => {
    const now = new Date('2026-11-27T02:14:59Z');
    for (let i = 0; i < 5; i++) expect((await takeRateLimited('a', 5, QUARTER, now)).ok).toBe(true);
    expect((await takeRateLimited('a', 5, QUARTER, now)).ok).toBe(false);
    expect((await takeRateLimited('b', 5, QUARTER, now)).ok).toBe(true);
    expect((await takeRateLimited('a', 5, QUARTER, new Date('2026-11-27T02:15:00Z'))).ok).toBe(true);
  });
});
