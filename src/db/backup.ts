import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Model } from 'mongoose';
import mongoose from 'mongoose';
import { BUILT_PREFIX, isNarrowCollection } from '../core/narrow-copy.ts';

/*
 * A backup is a folder: one file per collection, `<collection>.jsonl`, each line one document as
 * canonical Extended JSON (ObjectId, Date, Int32/Int64/Double and Decimal128 keep their types), and
 * `manifest.json`, written last, with the time, the counts and the indexes. A folder without the
 * manifest is an unfinished backup and is never restored.
 */

type Db = mongoose.mongo.Db;
type ClientSession = mongoose.mongo.ClientSession;
type Document = mongoose.mongo.Document;
const { EJSON } = mongoose.mongo.BSON;

export const MANIFEST = 'manifest.json';
export const FORMAT = 'guard-desk-backup/1';
const BATCH = 500;
const NAMESPACE_EXISTS = 48;

export interface CollectionEntry {
  name: string;
  file: string;
  count: number;
  /** As listIndexes gave them, without `_id_`; restored for collections no model declares. */
  indexes: Document[];
}

export interface Manifest {
  format: typeof FORMAT;
  database: string;
  startedAt: string;
  finishedAt: string;
  /**
   * `snapshot`: every collection read at one point in time (a replica set or sharded cluster,
   * MongoDB ≥ 5.0). `per-collection`: each document is read once, in the state it had when the
   * read reached it, so two collections may be from slightly different moments if the bot was
   * writing (FerretDB, a standalone mongod).
   */
  consistency: 'snapshot' | 'per-collection';
  collections: CollectionEntry[];
}

export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

/** A collection name as a file name: ours are plain lowercase words, anything else is escaped. */
function fileFor(name: string): string {
  return `${encodeURIComponent(name)}.jsonl`;
}

async function userCollections(db: Db): Promise<string[]> {
  const list = await db.listCollections({}, { nameOnly: true }).toArray();
  return list
    .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.'))
    .map((c) => c.name)
    .sort();
}

/** Whether the server can read every collection at one point in time (snapshot reads). */
async function supportsSnapshot(db: Db): Promise<boolean> {
  const admin = db.admin();
  const build = (await admin.command({ buildInfo: 1 })) as { versionArray?: number[]; ferretdbVersion?: string };
  // FerretDB accepts a snapshot session and ignores it: that would be a false promise
  if (build.ferretdbVersion) return false;
  if ((build.versionArray?.[0] ?? 0) < 5) return false;
  const hello = (await admin.command({ hello: 1 })) as { setName?: string; msg?: string };
  return Boolean(hello.setName) || hello.msg === 'isdbgrid';
}

/**
 * Writes every collection of `db` to `dir` (which must not exist or be empty). Returns the manifest.
 * Documents are streamed in `_id` order, so a document the bot changes during the backup is read
 * once, never twice or not at all.
 */
export async function backupDatabase(db: Db, client: mongoose.mongo.MongoClient, dir: string): Promise<Manifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new BackupRefused(`${dir} is not empty: give a new folder for each backup, so none is overwritten`);
  }
  mkdirSync(dir, { recursive: true });
  const startedAt = new Date();
  const snapshot = await supportsSnapshot(db).catch(() => false);
  let session: ClientSession | undefined = snapshot ? client.startSession({ snapshot: true }) : undefined;
  const collections: CollectionEntry[] = [];
  try {
    for (const name of await userCollections(db)) {
      // narrow copies' rows are derived: left out, with the once-keys saying they are built, so the
      // first start after a restore builds them from the records restored (never rows of another moment)
      if (isNarrowCollection(name)) continue;
      const collection = db.collection(name);
      const indexes = (await collection.listIndexes().toArray())
        .filter((i) => i.name !== '_id_')
        .map(({ v: _v, ns: _ns, ...rest }) => rest);
      const file = fileFor(name);
      const out = createWriteStream(path.join(dir, file), { encoding: 'utf8' });
      let count = 0;
      try {
        // unpromoted: a double 2.0 read as the number 2 would be written back as an Int32
        const cursor = collection.find(
          {},
          {
            sort: { _id: 1 },
            promoteValues: false,
            promoteLongs: false,
            promoteBuffers: false,
            bsonRegExp: true,
            ...(session ? { session } : {}),
          },
        );
        for await (const doc of cursor) {
          const id: unknown = doc._id;
          if (typeof id === 'string' && id.startsWith(BUILT_PREFIX)) continue;
          if (!out.write(`${EJSON.stringify(doc, { relaxed: false })}\n`)) await once(out, 'drain');
          count++;
        }
      } finally {
        out.end();
        await once(out, 'close');
      }
      collections.push({ name, file, count, indexes });
    }
  } finally {
    await session?.endSession();
    session = undefined;
  }
  const manifest: Manifest = {
    format: FORMAT,
    database: db.databaseName,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    consistency: snapshot ? 'snapshot' : 'per-collection',
    collections,
  };
  writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file))
    throw new BackupRefused(`${dir} has no ${MANIFEST}: it is not a backup, or the backup did not finish`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (manifest.format !== FORMAT)
    throw new BackupRefused(`${file} is not a backup this version can read (format ${String(manifest.format)})`);
  for (const c of manifest.collections) {
    if (!existsSync(path.join(dir, c.file))) throw new BackupRefused(`${c.file} is missing from ${dir}`);
  }
  return manifest;
}

export interface RestoreResult {
  manifest: Manifest;
  restored: { name: string; count: number }[];
}

/**
 * Loads a backup into `db`, which must hold no documents at all (a restore never merges into live
 * data). Each collection is inserted in batches and checked against the manifest's count; then the
 * indexes: those of `models` as the code declares them (what the bot builds at start), and for
 * collections no model declares, the ones recorded in the backup.
 */
export async function restoreDatabase(db: Db, dir: string, models: readonly Model<any>[]): Promise<RestoreResult> {
  const manifest = readManifest(dir);
  for (const name of await userCollections(db)) {
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) {
      throw new BackupRefused(
        `the database ${db.databaseName} is not empty (collection ${name} has documents): restore only into an empty database`,
      );
    }
  }
  const restored: { name: string; count: number }[] = [];
  for (const entry of manifest.collections) {
    // an empty collection is restored too (it may carry indexes); one that exists already is fine
    await db.createCollection(entry.name).catch((err: { code?: number }) => {
      if (err?.code !== NAMESPACE_EXISTS) throw err;
    });
    const collection = db.collection(entry.name);
    let batch: Document[] = [];
    let count = 0;
    const flush = async () => {
      if (!batch.length) return;
      await collection.insertMany(batch, { ordered: true });
      count += batch.length;
      batch = [];
    };
    const lines = createInterface({
      input: createReadStream(path.join(dir, entry.file), { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (!line.trim()) continue;
      batch.push(EJSON.parse(line, { relaxed: false }) as Document);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (count !== entry.count)
      throw new Error(
        `${entry.file} holds ${count} documents, the manifest says ${entry.count}: the backup is damaged`,
      );
    restored.push({ name: entry.name, count });
  }
  const modelled = new Set(models.map((m) => m.collection.collectionName));
  for (const entry of manifest.collections) {
    if (modelled.has(entry.name)) continue;
    for (const { key, name, ...options } of entry.indexes) {
      await db
        .collection(entry.name)
        .createIndex(key as mongoose.mongo.IndexSpecification, { name: name as string, ...options });
    }
  }
  for (const model of models) {
    const collection = db.collection(model.collection.collectionName);
    for (const [fields, options] of model.schema.indexes())
      await collection.createIndex(
        fields as mongoose.mongo.IndexSpecification,
        options as mongoose.mongo.CreateIndexesOptions,
      );
  }
  return { manifest, restored };
}
