import { beforeEach, describe, expect, it } from 'vitest';
import { type DueEntry, DueIndex, SETTLE_MINUTES } from '../../../src/core/due-index.ts';
import { DueChunk } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

useDatabase('due_index');

const M = 60_000;
const t0 = new Date('2026-11-27T02:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * M);

let index: DueIndex;
beforeEach(async () => {
  await clearCollections();
  ahead.clear();
  index = new DueIndex('things');
});

/** Records whose own next check is still ahead (the visit says so); any other id counts as dealt with. */
const ahead = new Map<string, Date>();

/** One sweep at `now`: the ids it handed over, in order. */
async function sweep(now: Date, existing: DueEntry[] = [], limit = 1000): Promise<string[]> {
  const seen: string[] = [];
  const visit = async (id: string) => {
    seen.push(id);
    return ahead.get(id) ?? null;
  };
  await index.sweep(now, visit, { limit, existing: async () => existing });
  return seen;
}

describe('due keys read by _id', () => {
  it('hands a key over once its minute has come, and not again once dealt with', async () => {
    await sweep(t0);
    await index.add('a', at(10), t0);
    expect(await sweep(at(9))).toEqual([]);
    expect(await sweep(at(10))).toEqual(['a']);
    expect(await sweep(at(10.5))).toEqual([]);
    expect(await sweep(at(30))).toEqual([]);
    // the hour's keys and marker are gone once the whole hour is settled
    expect(await sweep(at(70))).toEqual([]);
    expect(await DueChunk.countDocuments()).toBe(0);
  });

  it('keeps the key of a record whose check is later in the same minute, and forgets it once settled', async () => {
    await sweep(t0);
    await index.add('b', new Date(at(10).getTime() + 50_000), t0);
    ahead.set('b', new Date(at(10).getTime() + 50_000));
    expect(await sweep(new Date(at(10).getTime() + 10_000))).toEqual(['b']);
    expect(await sweep(new Date(at(10).getTime() + 20_000))).toEqual(['b']);
    expect(await sweep(at(10 + SETTLE_MINUTES + 1))).toEqual(['b']);
    expect(await sweep(at(10 + SETTLE_MINUTES + 2))).toEqual([]);
  });

  it('keeps every key when twenty writers add to the same minute at once', async () => {
    await sweep(t0);
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    await Promise.all(ids.map((id) => index.add(id, at(3), t0)));
    expect((await sweep(at(3))).sort()).toEqual([...ids].sort());
  });

  it('puts a time already past into the current minute, so a settled minute never hides it', async () => {
    await sweep(at(60));
    await index.add('late', at(0), at(61));
    expect(await sweep(at(61))).toEqual(['late']);
  });

  it('reads again from an earlier minute when the clock is set back', async () => {
    await sweep(at(600));
    await index.add('b', at(5), at(5));
    expect(await sweep(at(5))).toEqual(['b']);
  });

  it('catches up on every minute it missed, oldest first, in runs of the limit', async () => {
    await sweep(t0);
    await index.add('x', at(100), t0);
    await index.add('y', at(40), t0);
    await index.add('z', at(41), t0);
    expect(await sweep(at(200), [], 2)).toEqual(['y', 'z']);
    expect(await sweep(at(200), [], 2)).toEqual(['x']);
  });

  it('takes the records written before the index once, on the first sweep, however overdue', async () => {
    const old = [
      { id: 'old1', at: at(-5000) },
      { id: 'old2', at: at(30) },
    ];
    expect(await sweep(t0, old)).toEqual(['old1']);
    // the second sweep has a position and does not ask again
    expect(await sweep(at(30), [{ id: 'never', at: at(0) }])).toEqual(['old2']);
  });

  it('skips nothing when chunks are added while the sweep reads the same minute', async () => {
    await sweep(t0);
    const seen = new Set<string>();
    const visit = async (id: string) => {
      seen.add(id);
      // a writer adding to the minute being read: this sweep or the next one must hand it over
      if (id === 'first') await index.add('during', at(1), at(1));
      return null;
    };
    await index.add('first', at(1), t0);
    await index.sweep(at(1), visit, { limit: 100, existing: async () => [] });
    await index.sweep(at(1 + SETTLE_MINUTES + 1), visit, { limit: 100, existing: async () => [] });
    expect([...seen].sort()).toEqual(['during', 'first']);
  });
});
