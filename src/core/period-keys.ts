import { DateTime } from 'luxon';
import { Counter, DueChunk, OnceKey, OpenKey } from '../models/infra.ts';
import { isDuplicateKey } from './once.ts';

/*
 * A week's or a month's records read by key rather than by a date filter. On FerretDB 1.24 only a
 * bare `{_id: x}` filter reaches SQLite; a date range, `$in` on `_id`, a sort or a pipeline decodes
 * every document of the collection (a year of roll calls, 110,000 records, ~25 s). Most records
 * the reports read have keys that a day gives: a roll call's `<yyyy-MM-dd>:<dorm>`, and the daily
 * numbers (TS-20261127-003) of complaints, claims, trips and the rest, whose sequence keys
 * (`seq:<prefix>-<yyyyMMdd>:<n>`, src/core/once.ts) are kept for good. Reading those by `_id`, a
 * few at a time, costs about 0.4 ms a record whatever the size of the collection; on MongoDB it is
 * no slower than the range query it replaces.
 */

/** The local days (yyyy-MM-dd in `tz`) from `from` up to, not including, `to`. */
export function daysIn(period: { from: Date; to: Date }, tz: string): string[] {
  const out: string[] = [];
  const end = DateTime.fromJSDate(period.to, { zone: tz });
  for (let d = DateTime.fromJSDate(period.from, { zone: tz }).startOf('day'); d < end; d = d.plus({ days: 1 }))
    out.push(d.toISODate()!);
  return out;
}

/**
 * Every number dailyNumber issued with `prefix` on `days` (TS-20261127-001 …), oldest first. The
 * counter is a hint that may lag behind by the last numbers issued; the sequence keys past it
 * settle the rest. A number whose record was never written is in the list: its read finds nothing.
 */
export async function numbersIssued(prefix: string, days: readonly string[], concurrency = 8): Promise<string[]> {
  const perDay = await mapLimit(days, concurrency, async (day) => {
    const key = `${prefix}-${day.replaceAll('-', '')}`;
    let n = (await Counter.findById(key, { seq: 1 }).lean())?.seq ?? 0;
    while (await OnceKey.exists({ _id: `seq:${key}:${n + 1}` })) n++;
    return Array.from({ length: n }, (_, i) => `${key}-${String(i + 1).padStart(3, '0')}`);
  });
  return perDay.flat();
}

/**
 * Reads `ids` with `read` (a findById), `concurrency` at a time, and yields what was found in the
 * order of `ids`: an export's rows stream out as they are read, never more than a window held.
 */
export async function* readEach<T>(
  ids: readonly string[],
  read: (id: string) => Promise<T | null>,
  concurrency = 8,
): AsyncGenerator<T> {
  // settled results, so a read that fails while an earlier one is awaited is not an unhandled rejection
  type Settled = { ok: true; doc: T | null } | { ok: false; err: unknown };
  const start = (id: string): Promise<Settled> =>
    read(id).then(
      (doc) => ({ ok: true, doc }),
      (err: unknown) => ({ ok: false, err }),
    );
  const window: Promise<Settled>[] = [];
  let next = 0;
  while (next < ids.length && window.length < concurrency) window.push(start(ids[next++]!));
  while (window.length) {
    const r = await window.shift()!;
    if (!r.ok) throw r.err;
    if (next < ids.length) window.push(start(ids[next++]!));
    if (r.doc) yield r.doc;
  }
}

/** Every record found for `ids`, in their order (see readEach). */
export async function readAll<T>(
  ids: readonly string[],
  read: (id: string) => Promise<T | null>,
  concurrency = 8,
): Promise<T[]> {
  const out: T[] = [];
  for await (const doc of readEach(ids, read, concurrency)) out.push(doc);
  return out;
}

async function mapLimit<A, B>(items: readonly A[], limit: number, fn: (a: A) => Promise<B>): Promise<B[]> {
  const out = new Array<B>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * Which records something happened to on a day, for what no key gives: the claims decided or paid
 * on it. Each writer inserts a chunk of its own (`<name>|<yyyy-MM-dd>#<n>`, n = 1, 2, … without
 * gaps) in the due keys' collection (the same shape as src/core/due-index.ts's, names apart), never
 * updates one, so two writers at once cannot lose each other's ids. A key is a hint: the reader
 * checks the record itself, so a key written for a change that then failed costs one read. Hence:
 * add the key before the change.
 */
export class DayIndex {
  constructor(readonly name: string) {}

  private chunkId(day: string, n: number) {
    return `${this.name}|${day}#${n}`;
  }

  private hintId(day: string) {
    return `day:${this.name}|${day}`;
  }

  /** Records that `ids` had this happen on `day` (yyyy-MM-dd in the bot's zone). */
  async add(day: string, ...ids: string[]): Promise<void> {
    if (!ids.length) return;
    const hint = (await Counter.findById(this.hintId(day)).lean())?.seq ?? 0;
    for (let n = hint + 1; ; n++) {
      try {
        await DueChunk.create({ _id: this.chunkId(day, n), index: this.name, ids });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      await Counter.updateOne({ _id: this.hintId(day) }, { $max: { seq: n } }, { upsert: true }).catch(() => {
        // a concurrent first upsert may collide on _id; the hint only saves retries
      });
      return;
    }
  }

  /** The ids keyed to `days`, each once, in the order of the days and of writing. */
  async ids(days: readonly string[], concurrency = 8): Promise<string[]> {
    const perDay = await mapLimit(days, concurrency, async (day) => {
      const out: string[] = [];
      for (let n = 1; ; n++) {
        const chunk = await DueChunk.findById(this.chunkId(day, n), { ids: 1 }).lean();
        if (!chunk) return out;
        out.push(...chunk.ids);
      }
    });
    return [...new Set(perDay.flat())];
  }
}

/**
 * The records in a state few are in at a time (claims waiting for a decision): added before a
 * record enters it, removed after it leaves. A key is a hint: the reader checks each record, and
 * may drop a key whose record has left (a removal cut short).
 */
export class OpenSet {
  constructor(readonly name: string) {}

  private key(id: string) {
    return `${this.name}|${id}`;
  }

  async add(id: string, now = new Date()): Promise<void> {
    try {
      await OpenKey.create({ _id: this.key(id), set: this.name, id, at: now });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async remove(id: string): Promise<void> {
    await OpenKey.deleteOne({ _id: this.key(id) });
  }

  /** Every id in the set, oldest first. */
  async ids(): Promise<string[]> {
    const rows = await OpenKey.find({ set: this.name }, { id: 1, at: 1 }).lean();
    return rows.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id)).map((r) => r.id);
  }
}

/**
 * The newest `limit` records of `ids` that pass `keep`, read by `_id` (a key index's ids are hints:
 * `keep` checks each record). `dayOf` gives an id's day as a sortable string — the ids carry it
 * (a roll call's `2026-11-05:城南宿舍`, a number's `BX-20261105-001`) — so the order needs no other
 * read; ids after `lastDay` are left out. Whole days are read, so a page cut by the time of its
 * records (a day's records may be numbered out of the order of their times) misses none: the
 * caller sorts what comes back by time. Each record once, newest day first.
 */
export async function newestKept<T>(
  ids: readonly string[],
  o: {
    dayOf: (id: string) => string;
    lastDay?: string;
    read: (id: string) => Promise<T | null>;
    keep: (record: T) => boolean;
    limit: number;
    concurrency?: number;
  },
): Promise<T[]> {
  const byDay = new Map<string, string[]>();
  for (const id of new Set(ids)) {
    const day = o.dayOf(id);
    if (o.lastDay !== undefined && day > o.lastDay) continue;
    byDay.set(day, [...(byDay.get(day) ?? []), id]);
  }
  const days = [...byDay.keys()].sort().reverse();
  const out: T[] = [];
  // several days a round, enough ids for what is still wanted, read `concurrency` at a time
  for (let next = 0; next < days.length && out.length < o.limit; ) {
    const batch: string[] = [];
    while (next < days.length && batch.length < o.limit - out.length) batch.push(...byDay.get(days[next++]!)!);
    out.push(...(await readAll(batch, o.read, o.concurrency)).filter(o.keep));
  }
  return out;
}
