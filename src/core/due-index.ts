import { Counter, DueChunk } from '../models/index.ts';
import { isDuplicateKey } from './once.ts';

/*
 * Why not a `{nextCheckAt: {$lte: now}}` query: on FerretDB 1.24 only a bare `{_id: x}` filter
 * reaches SQLite; any other filter, and an `_id` range too (checked with explain: SCAN, no
 * pushdown), decodes every record in FerretDB — 21 s per sweep at 100,000 complaints. So due
 * times are kept as keys of their own, bucketed by minute, and the sweep reads each minute since
 * its last run by exact `_id`.
 */

const MINUTE = 60_000;
/**
 * Minutes a bucket stays open after it ends: a writer adds to the minute of its own clock at the
 * earliest, so only a writer delayed (stalled database, clocks apart) by more than this could add
 * to a bucket the sweep has already forgotten.
 */
export const SETTLE_MINUTES = 5;
const CHUNK = 500;

export interface DueEntry {
  id: string;
  at: Date;
}

const minuteOf = (d: Date) => Math.floor(d.getTime() / MINUTE);
const slotName = (m: number) => new Date(m * MINUTE).toISOString().slice(0, 16);

/**
 * Keys "look at record `id` from time `at` on" for one sweep. A key is a hint, never the truth:
 * the sweep reads the record by `_id` and acts only if the record itself says it is due, so an
 * extra or stale key costs one read and a missing key is the only real fault. Hence: write the
 * key before (never after) the change that sets the record's due time.
 */
export class DueIndex {
  constructor(readonly name: string) {}

  private chunkId(m: number, n: number) {
    return `${this.name}|${slotName(m)}#${n}`;
  }

  /** Marks an hour that has keys, written before them, so a sweep skips an empty hour with one read. */
  private hourId(hour: number) {
    return `${this.name}|${slotName(hour).slice(0, 13)}`;
  }

  private hintId(m: number) {
    return `due:${this.name}|${slotName(m)}`;
  }

  private get stateId() {
    return `due:${this.name}:settled`;
  }

  /** Records that `id` is due at `at` (nothing for null). Call before writing the record. */
  async add(id: string, at: Date | null | undefined, now: Date): Promise<void> {
    if (at) await this.addMany([{ id, at }], now);
  }

  /** A time already past goes into the current minute, which the sweep has not settled yet. */
  async addMany(entries: readonly DueEntry[], now: Date): Promise<void> {
    const floor = minuteOf(now);
    const byMinute = new Map<number, string[]>();
    for (const e of entries) {
      const m = Math.max(minuteOf(e.at), floor);
      byMinute.set(m, [...(byMinute.get(m) ?? []), e.id]);
    }
    for (const [m, ids] of byMinute) {
      for (let i = 0; i < ids.length; i += CHUNK) await this.insertChunk(m, ids.slice(i, i + CHUNK));
    }
  }

  /**
   * Each chunk is a new unique insert `<minute>#<n>` (n = 1, 2, …, no gaps): FerretDB updates are
   * read-then-write, so appending to a shared list could lose a concurrent writer's id.
   */
  private async insertChunk(m: number, ids: string[]): Promise<void> {
    try {
      await DueChunk.create({ _id: this.hourId(m - (m % 60)), index: this.name, ids: [] });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const hint = (await Counter.findById(this.hintId(m)).lean())?.seq ?? 0;
    for (let n = hint + 1; ; n++) {
      try {
        await DueChunk.create({ _id: this.chunkId(m, n), index: this.name, ids });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      await Counter.updateOne({ _id: this.hintId(m) }, { $max: { seq: n } }, { upsert: true }).catch(() => {
        // a concurrent first upsert may collide on _id; the hint only saves retries
      });
      return;
    }
  }

  /** Keys the given records (those stored before this index existed) and starts the sweep from now. */
  async backfill(entries: readonly DueEntry[], now: Date): Promise<void> {
    await this.addMany(entries, now);
    await this.saveSettled(minuteOf(now) - SETTLE_MINUTES - 1);
  }

  private async saveSettled(m: number): Promise<void> {
    await Counter.updateOne({ _id: this.stateId }, { $set: { seq: m } }, { upsert: true }).catch((err: unknown) => {
      // two sweeps saving at once: either value is safe (an earlier one only re-reads minutes)
      if (!isDuplicateKey(err)) throw err;
    });
  }

  /**
   * Hands every id keyed to a minute up to `now` to `visit` (once per call, oldest minute first),
   * then forgets the minutes that are settled. `visit` returns the record's own next check when it
   * is still ahead (the key is kept for it), else null. `existing` lists the due times of records written
   * before the index existed; it runs once per database, when the sweep finds no saved position.
   * Stops after the minute in which `limit` ids were visited; the next run goes on from there.
   */
  async sweep(
    now: Date,
    visit: (id: string) => Promise<Date | null>,
    o: { limit: number; existing: () => Promise<DueEntry[]> },
  ): Promise<number> {
    const saved = (await Counter.findById(this.stateId).lean())?.seq;
    const settleUpTo = minuteOf(now) - SETTLE_MINUTES - 1;
    if (saved === undefined) await this.backfill(await o.existing(), now);
    // a clock set back: read again from there rather than skip the minutes writers now use
    let settled = Math.min(saved ?? settleUpTo, settleUpTo);
    const last = minuteOf(now);
    // id → the record's own next check when still ahead (null: acted on, closed or keyed elsewhere)
    const seen = new Map<string, Date | null>();
    let m = settled + 1;
    while (m <= last && seen.size < o.limit) {
      const hour = m - (m % 60);
      const hourEnd = Math.min(hour + 59, last);
      if (!(await DueChunk.findById(this.hourId(hour), { _id: 1 }).lean())) {
        // nothing was ever keyed to this hour: one read instead of sixty (a sweep after a long stop)
        settled = Math.max(settled, Math.min(hourEnd, settleUpTo));
        m = hourEnd + 1;
        continue;
      }
      for (; m <= hourEnd && seen.size < o.limit; m++) {
        const chunks: { _id: string; ids: string[] }[] = [];
        for (let n = 1; ; n++) {
          const chunk = await DueChunk.findById(this.chunkId(m, n)).lean();
          if (!chunk) break;
          chunks.push(chunk);
          for (const id of chunk.ids) if (!seen.has(id)) seen.set(id, await visit(id));
        }
        if (m > settleUpTo) {
          // still open to writers, so kept; ids already dealt with are dropped so the next run skips them
          for (const c of chunks) {
            const left = c.ids.filter((id) => {
              const later = seen.get(id);
              return later && minuteOf(later) <= m;
            });
            if (left.length < c.ids.length) await DueChunk.updateOne({ _id: c._id }, { $set: { ids: left } });
          }
          continue;
        }
        for (const c of chunks) await DueChunk.deleteOne({ _id: c._id });
        if (chunks.length) await Counter.deleteOne({ _id: this.hintId(m) });
        settled = m;
      }
      if (settled >= hour + 59) await DueChunk.deleteOne({ _id: this.hourId(hour) });
    }
    if (settled !== saved) await this.saveSettled(settled);
    return seen.size;
  }
}
