import type { Collection, Document } from 'mongodb';
import { type Model, type Schema, Types } from 'mongoose';
import siftModule from 'sift';
import { OnceKey } from '../models/infra.ts';
import { takeOnce } from './once.ts';
import { readAll, readEach } from './period-keys.ts';
import { compareBy, merge, project } from './row-paths.ts';

/*
 * A narrow copy of a collection: for each record, one small row with only the fields its lists and
 * reports filter and sort on, under the same paths, in a collection of its own (or one per month).
 * Why: FerretDB 1.24 pushes no filter but a bare `{_id}` down to SQLite; every other filter, sort
 * or pipeline decodes every document of the collection, ~15 ms of CPU per MB stored, whatever the
 * indexes. 5,000 complaints with their histories are 41 MB (0.6 s a query); their rows are ~1 MB.
 * So a list runs its usual Mongo filter on the rows, then reads the records it found by `_id`
 * (src/core/period-keys.ts readEach) and checks each record against the filter again, so a row
 * that is behind its record never shows a record that no longer matches. On MongoDB the same
 * reads cost about what the indexed query did.
 *
 * The rows follow the records through the model's own write hooks (watch): save/create,
 * insertMany, updateOne, findOneAndUpdate, replaceOne and the deletes; updateMany re-reads what
 * its filter matches. A process killed between a record's write and its row's leaves that row
 * behind until the next sync of the record (its next write, `syncIds`, or `rebuild`).
 */

type Row = Document & { _id: string };
// biome-ignore lint/suspicious/noExplicitAny: any model; its own document types are not used here
type AnyModel = Model<any>;
type Filter = Record<string, unknown>;

export interface NarrowCopyOptions<R> {
  /** The rows' collection (with `partition`, its prefix: `<name>_<key>`). */
  name: string;
  /** The record's paths kept in its row ('acceptedBy.staffId' keeps that field of an object or of each element of an array). */
  fields: readonly string[];
  /** Extra computed fields, for what a path cannot say. */
  extra?: (record: R) => Record<string, unknown>;
  /**
   * One collection per key (e.g. a month, yyyyMM) so a period's rows are read without the rest. The
   * key must come from a field that never changes on the record.
   */
  partition?: (record: R) => string;
  /**
   * Only the records this says yes to have a row (the paid claims of a ledger). It must stay yes once
   * it is (a state a record never leaves, like paid), since a record that stops passing keeps its row.
   */
  keep?: (record: R) => boolean;
}

/** The rows' collections of every narrow copy made in this process, by name (a partitioned one by prefix). */
const registry = new Map<string, boolean>();

/** The once-keys that mark a copy built (`narrow:<name>:built`): a backup leaves them out with the rows. */
export const BUILT_PREFIX = 'narrow:';

/**
 * Whether a collection holds a narrow copy's rows: derived data that a backup leaves out, so a
 * restore never pairs records and rows from different moments (the first start rebuilds them).
 */
export function isNarrowCollection(name: string): boolean {
  for (const [copy, partitioned] of registry)
    if (name === copy || (partitioned && name.startsWith(`${copy}_`))) return true;
  return false;
}

/** Every narrow copy made in this process (narrowCopiesBuilt waits for their builds). */
const copies: NarrowCopy<{ _id: unknown }>[] = [];

/** Resolves when no narrow copy of this process is being built (see NarrowCopy.buildInBackground). */
export async function narrowCopiesBuilt(): Promise<void> {
  await Promise.all(copies.map((c) => c.built()));
}

/**
 * R's `_id` is a string (our numbered records) or an ObjectId (client logs): rows carry the same
 * value, so a row's `_id` reads its record by `_id` either way.
 */
export class NarrowCopy<R extends { _id: unknown }> {
  /** The build in progress in this process: readers of the rows wait for it. */
  private building?: Promise<number>;
  /** Records whose rows were synced while a build ran: synced again once it is done. */
  private touched?: Set<string>;
  private readonly matcherCache = new Map<string, (r: R) => boolean>();

  constructor(
    private readonly options: NarrowCopyOptions<R>,
    private readonly model: () => AnyModel,
  ) {
    registry.set(options.name, !!options.partition);
    copies.push(this as unknown as NarrowCopy<{ _id: unknown }>);
  }

  /** The row of `record`: its kept paths, in the record's shape, and the extra fields. */
  rowOf(record: R): Row {
    let row: unknown = { _id: record._id };
    for (const path of this.options.fields) row = merge(row, project(record, path.split('.')) ?? {});
    return { ...(row as Row), ...(this.options.extra?.(record) ?? {}) };
  }

  private collectionName(key?: string): string {
    return key === undefined ? this.options.name : `${this.options.name}_${key.replace(/[^A-Za-z0-9]/g, '')}`;
  }

  private collection(key?: string): Collection<Row> {
    return this.model().db.collection<Row>(this.collectionName(key)) as unknown as Collection<Row>;
  }

  /** Writes `record`'s row (the record as it is now). */
  async put(record: R): Promise<void> {
    if (this.options.keep && !this.options.keep(record)) return;
    const key = this.options.partition?.(record);
    await this.collection(key).replaceOne({ _id: record._id as string }, this.rowOf(record), { upsert: true });
  }

  /** Brings the rows of `ids` in line with their records (a record gone takes its row with it). */
  async syncIds(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.syncOne(id);
  }

  /**
   * Two writes of one record close together each sync its row, and their row writes may land in
   * either order: after writing, the record is read again and its row written again until the row
   * written is the record's (a few rounds at most: each is a newer write of the record).
   */
  private async syncOne(id: string): Promise<void> {
    this.touched?.add(id);
    let record = (await this.model().findById(id).lean()) as R | null;
    for (let round = 0; round < 5; round++) {
      if (!record) {
        await this.removeRow(id);
        return;
      }
      await this.put(record);
      const again = (await this.model().findById(id).lean()) as R | null;
      if (again && JSON.stringify(this.rowOf(again)) === JSON.stringify(this.rowOf(record))) return;
      record = again;
    }
  }

  private async removeRow(id: string): Promise<void> {
    if (!this.options.partition) {
      await this.collection().deleteOne({ _id: id });
      return;
    }
    for (const key of await this.partitions()) await this.collection(key).deleteOne({ _id: id });
  }

  /** The partition keys that have rows, oldest first. */
  async partitions(): Promise<string[]> {
    const prefix = `${this.options.name}_`;
    const names = await this.model().db.db!.listCollections({}, { nameOnly: true }).toArray();
    return names
      .map((c) => c.name)
      .filter((n) => n.startsWith(prefix))
      .map((n) => n.slice(prefix.length))
      .sort();
  }

  /**
   * The rows matching `filter` (the record's own query, on kept paths only), sorted, at most
   * `limit`. With partitions, only those of `keys` (default: all) are read.
   */
  async rows(
    filter: Filter,
    opts: { sort?: Record<string, 1 | -1>; limit?: number; keys?: readonly string[] } = {},
  ): Promise<Row[]> {
    if (this.building) await this.building;
    const keys = this.options.partition ? (opts.keys ?? (await this.partitions())) : [undefined];
    const out: Row[] = [];
    for (const key of keys) {
      let cursor = this.collection(key).find(filter as never);
      if (opts.sort && keys.length === 1) cursor = cursor.sort(opts.sort);
      if (opts.limit && keys.length === 1) cursor = cursor.limit(opts.limit);
      out.push(...((await cursor.toArray()) as Row[]));
    }
    if (keys.length > 1 && opts.sort) out.sort(compareBy(opts.sort));
    return opts.limit && keys.length > 1 ? out.slice(0, opts.limit) : out;
  }

  /**
   * The rows of `ids` (of a copy without partitions), read by bare `_id` a few at a time, in their
   * order, those missing left out: for ids a key already gives, cheaper than a filter on all rows.
   */
  async rowsById(ids: readonly string[]): Promise<Row[]> {
    if (this.building) await this.building;
    const collection = this.collection();
    return readAll(ids, (id) => collection.findOne({ _id: id }) as Promise<Row | null>);
  }

  /**
   * The records matching `filter`, in the order of their rows, read by `_id` a few at a time and
   * checked against `filter` once more (a row behind its record does not show a record that no
   * longer matches).
   */
  async *records(
    filter: Filter,
    opts: { sort?: Record<string, 1 | -1>; limit?: number; keys?: readonly string[] } = {},
  ): AsyncGenerator<R> {
    const rows = await this.rows(filter, opts);
    const matches = this.matcher(filter);
    const model = this.model();
    for await (const r of readEach(
      rows.map((x) => x._id),
      (id) => model.findById(id).lean() as Promise<R | null>,
    ))
      if (matches(r)) yield r;
  }

  /** Every record matching `filter` (see records). */
  async all(filter: Filter, opts: { sort?: Record<string, 1 | -1>; limit?: number; keys?: readonly string[] } = {}) {
    const out: R[] = [];
    for await (const r of this.records(filter, opts)) out.push(r);
    return out;
  }

  /**
   * The records of `ids` (found in the rows by the caller), in that order, read by `_id` a few at a
   * time; only those that still match `filter` (a row behind its record shows nothing stale).
   * For a caller that splits one read of the rows into several lists (one scan, not one a list).
   */
  async *recordsOf(ids: readonly string[], filter: Filter = {}): AsyncGenerator<R> {
    const matches = this.matcher(filter);
    const model = this.model();
    for await (const r of readEach(ids, (id) => model.findById(id).lean() as Promise<R | null>))
      if (matches(r)) yield r;
  }

  private matcher(filter: Filter): (r: R) => boolean {
    const key = JSON.stringify(filter);
    let m = this.matcherCache.get(key);
    if (!m) {
      // sift is CommonJS: its function is the module's `default` under Node's ESM interop
      m = siftModule.default(filter as never) as (r: R) => boolean;
      if (this.matcherCache.size > 100) this.matcherCache.clear();
      this.matcherCache.set(key, m);
    }
    return m;
  }

  /**
   * Writes every record's row once per database (marked done by a once-key), for records from
   * before the copy existed: one full read of the records. Returns how many rows were written.
   * Calls while a build runs share it; reads of the rows in this process wait for it.
   */
  rebuild(): Promise<number> {
    if (this.building) return this.building;
    const build = this.build();
    this.building = build;
    const clear = () => {
      if (this.building === build) this.building = undefined;
    };
    build.then(clear, clear);
    return build;
  }

  /**
   * rebuild() without holding up the start: on a year of records the first build takes minutes
   * (a full read of each collection), and every message that reads no rows should not wait for it.
   * Readers of these rows wait; a failed build is reported and tried again at the next start.
   */
  buildInBackground(onError: (err: unknown) => void): void {
    this.rebuild().catch(onError);
  }

  /** Resolves when no build of this copy runs in this process. */
  async built(): Promise<void> {
    await this.building?.catch(() => 0);
  }

  private async build(): Promise<number> {
    const done = `${BUILT_PREFIX}${this.options.name}:built`;
    if (await OnceKey.exists({ _id: done })) return 0;
    // a record written while the cursor runs may have its row written by its hook and then
    // overwritten here with what the cursor read before: those are synced again at the end
    this.touched = new Set();
    try {
      return await this.buildRows(done);
    } finally {
      this.touched = undefined;
    }
  }

  private async buildRows(done: string): Promise<number> {
    let n = 0;
    // written 500 at a time per collection: one write per row made a year's first start minutes long
    const pending = new Map<string | undefined, Row[]>();
    const flush = async (key: string | undefined) => {
      const rows = pending.get(key) ?? [];
      pending.delete(key);
      if (!rows.length) return;
      await this.collection(key).bulkWrite(
        rows.map((row) => ({ replaceOne: { filter: { _id: row._id }, replacement: row, upsert: true } })),
        { ordered: false },
      );
    };
    for await (const doc of this.model().find({}).lean().cursor({ batchSize: 500 })) {
      const record = doc as R;
      if (this.options.keep && !this.options.keep(record)) continue;
      const key = this.options.partition?.(record);
      const rows = pending.get(key) ?? [];
      rows.push(this.rowOf(record));
      pending.set(key, rows);
      if (rows.length >= 500) await flush(key);
      n++;
    }
    for (const key of [...pending.keys()]) await flush(key);
    const touched = [...(this.touched ?? [])];
    this.touched = undefined;
    await this.syncIds(touched);
    await takeOnce(done, 'start');
    return n;
  }

  /**
   * Keeps the rows in step with every write made through the model (install before the model is
   * compiled). A failing row write fails the write's caller, so the step is retried, not silently
   * left behind.
   */
  watch(schema: Schema): void {
    const copy = this;
    const idOf = (q: { getFilter(): Filter }) => {
      const id = q.getFilter()._id;
      if (id instanceof Types.ObjectId) return id.toHexString();
      return typeof id === 'string' ? id : undefined;
    };
    schema.post('save', async (doc: { toObject(): R }) => {
      await copy.put(doc.toObject());
    });
    schema.post('insertMany', async (docs: unknown) => {
      for (const d of docs as ({ toObject?(): R } & R)[]) await copy.put(d.toObject ? d.toObject() : d);
    });
    schema.post(
      ['updateOne', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'findOneAndDelete'],
      { document: false, query: true },
      async function (this: { getFilter(): Filter }, res: unknown) {
        const id = idOf(this) ?? (res && typeof res === 'object' && '_id' in res ? String(res._id) : undefined);
        if (id) await copy.syncIds([id]);
        else await copy.syncMatching(this.getFilter());
      },
    );
    schema.post(['updateMany'], { document: false, query: true }, async function (this: { getFilter(): Filter }) {
      await copy.syncMatching(this.getFilter());
    });
    schema.post(['deleteMany'], { document: false, query: true }, async function (this: { getFilter(): Filter }) {
      // the records are gone: drop the rows that no longer have one
      const filter = this.getFilter();
      if (!Object.keys(filter).length) {
        await copy.clear();
        return;
      }
      const rows = await copy.rows({});
      const left = new Set(
        (
          await copy
            .model()
            .find({ _id: { $in: rows.map((r) => r._id) } }, { _id: 1 })
            .lean()
        ).map((d) => String(d._id)),
      );
      for (const r of rows) if (!left.has(r._id)) await copy.removeRow(r._id);
    });
  }

  private async syncMatching(filter: Filter): Promise<void> {
    const ids = (await this.model().find(filter, { _id: 1 }).lean()).map((d) => String(d._id));
    await this.syncIds(ids);
  }

  private async clear(): Promise<void> {
    const keys = this.options.partition ? await this.partitions() : [undefined];
    for (const key of keys) await this.collection(key).deleteMany({});
  }
}
