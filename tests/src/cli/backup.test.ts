import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { BUILT_PREFIX, isNarrowCollection } from '../../../src/core/narrow-copy.ts';
import { BackupRefused, backupDatabase, MANIFEST, type Manifest, restoreDatabase } from '../../../src/db/backup.ts';
import { allModels } from '../../../src/models/index.ts';
import { composition } from '../../../src/workflows.ts';
import { registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { dbUri, uniqueDbName, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * npm run backup / npm run restore, run as the operator runs them (separate processes with the
 * bot's settings), on the test database: a round trip through several workflows' records must give
 * back every document with its types, and the indexes; a restore never merges into live data.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const { EJSON } = mongoose.mongo.BSON;

const source = useDatabase('backup_src');
let bot: Bot;
let chat: MemoryReceiver;
let work: string;
const otherDbs: string[] = [];

function run(
  script: 'backup' | 'restore',
  args: string[],
  uri: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    MONGODB_URI: uri,
    LOG_LEVEL: 'error',
    BOT_CONSOLE: 'off',
    DATA_DIR: path.join(work, 'data'),
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `src/cli/${script}.ts`, ...args],
      { cwd: ROOT, env, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr });
      },
    );
  });
}

/** A second database on the same server, dropped at the end. */
function otherDb(label: string): { uri: string; db: mongoose.mongo.Db } {
  const name = uniqueDbName(label);
  otherDbs.push(name);
  return { uri: dbUri(name), db: mongoose.connection.getClient().db(name) };
}

/** Every document of every collection, as canonical Extended JSON (types included), by collection. */
async function everything(db: mongoose.mongo.Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name.startsWith('system.')) continue;
    // unpromoted, so an Int32 and a Double of the same value differ here as they do in the database
    const docs = await db
      .collection(name)
      .find({}, { sort: { _id: 1 }, promoteValues: false, promoteLongs: false, promoteBuffers: false })
      .toArray();
    out[name] = docs.map((d) => EJSON.stringify(d, { relaxed: false }));
  }
  return out;
}

async function indexKeys(db: mongoose.mongo.Db, collection: string): Promise<string[]> {
  return (await db.collection(collection).listIndexes().toArray())
    .map((i) => `${JSON.stringify(i.key)}${i.unique ? ' unique' : ''}`)
    .sort();
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'guard-desk-backup-'));
  ({ bot, receiver: chat } = await startTestBot());
  await seedPeople('console');
  // records of several workflows, made the way staff make them
  const client = [
    '添加客户',
    '客户名称: 万达物业',
    '地址: 城南路 1 号',
    '电话: 0571-88886666',
    '联系人: 张经理 物业经理 13812345678',
    '驻点: 万达广场',
    '状态: 现有',
    '负责人: 陈队长',
    '电话回访周期: 跳过',
    '拜访周期: 跳过',
    '备注: 夜班两人',
  ].join('\n');
  expect((await chat.say('kefu', client)).join('\n')).toContain('已添加客户');
  expect((await chat.say('kefu', `登记投诉\n${registrationLines()}`)).join('\n')).toMatch(/TS-\d{8}-\d{3}/);
  expect((await chat.say('xingzheng', '绑定码 张三')).join('\n')).toContain('绑定码');
  // the BSON types a document may hold (FerretDB 1.24 has no Decimal128), in a collection no model declares, with an index of its own
  const { Long, Int32, Double, Binary, ObjectId } = mongoose.mongo.BSON;
  const odd = mongoose.connection.db!.collection('operator_notes');
  await odd.insertMany([
    {
      _id: new ObjectId(),
      big: Long.fromString('9007199254740993'),
      small: new Int32(7),
      ratio: new Double(2),
      at: new Date('2026-11-27T14:00:00Z'),
      blob: new Binary(Buffer.from([0, 1, 2, 255])),
      nothing: null,
      empty: {},
      list: [1, 'two', { three: [3] }],
      text: '夜班\n两人 "引号" \\ 反斜杠',
    },
    { _id: new ObjectId(), note: 'second' },
  ]);
  await odd.createIndex({ note: 1 }, { name: 'by_note' });
  // the bot stopped, as the operations doc asks for a backup to be exact (its heartbeat writes otherwise)
  await bot.stop();
}, 120_000);

afterAll(async () => {
  for (const name of otherDbs)
    await mongoose.connection
      .getClient()
      .db(name)
      .dropDatabase()
      .catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

describe('npm run backup, then npm run restore into an empty database', () => {
  it('gives back every document of every collection with its types, and the indexes', async () => {
    const stored = await everything(mongoose.connection.db!);
    // the complaint's narrow row and the once-key saying the rows are built are in the database…
    expect(stored.complaintrows).toHaveLength(1);
    expect(
      Object.values(stored)
        .flat()
        .some((d) => d.includes(`"${BUILT_PREFIX}complaintrows:built"`)),
    ).toBe(true);
    // …and left out of the backup: derived, they are built again from the records at the first start
    const before = Object.fromEntries(
      Object.entries(stored)
        .filter(([name]) => !isNarrowCollection(name))
        .map(([name, docs]) => [name, docs.filter((d) => !d.includes(`{"_id":"${BUILT_PREFIX}`))]),
    );
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'staffs',
        'identities',
        'clients',
        'clientlogs',
        'complaints',
        'bindcodes',
        'inboundevents',
        'operator_notes',
      ]),
    );
    expect(before.complaints).toHaveLength(1);

    const dir = path.join(work, 'b1');
    const backup = await run('backup', [dir], source.uri);
    expect(backup, backup.stderr).toMatchObject({ code: 0 });
    expect(backup.stdout).toMatch(/已备份 \d+ 个集合、\d+ 条记录/);
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    expect(manifest.consistency).toBe('per-collection');
    expect(Object.fromEntries(manifest.collections.map((c) => [c.name, c.count]))).toEqual(
      Object.fromEntries(Object.entries(before).map(([n, d]) => [n, d.length])),
    );

    const target = otherDb('backup_dst');
    const restore = await run('restore', [dir], target.uri);
    expect(restore, restore.stderr).toMatchObject({ code: 0 });
    expect(restore.stdout).toContain('已恢复');

    const after = await everything(target.db);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after)).not.toContain('complaintrows');
    for (const [name, docs] of Object.entries(before)) expect(after[name], name).toEqual(docs);
    // the odd types survive as themselves, not as strings or plain numbers
    const note = await target.db
      .collection('operator_notes')
      .findOne({ text: { $exists: true } }, { promoteValues: false });
    expect(note?.big?._bsontype).toBe('Long');
    expect(note?.small?._bsontype).toBe('Int32');
    expect(note?.ratio?._bsontype).toBe('Double');
    expect(note?.at).toBeInstanceOf(Date);

    for (const name of ['staffs', 'complaints', 'clients', 'operator_notes']) {
      expect(await indexKeys(target.db, name), name).toEqual(await indexKeys(mongoose.connection.db!, name));
    }
  }, 120_000);

  it('refuses to restore into a database that has documents, and changes nothing there', async () => {
    const dir = path.join(work, 'b2');
    expect((await run('backup', [dir], source.uri)).code).toBe(0);
    const before = await everything(mongoose.connection.db!);
    const again = await run('restore', [dir], source.uri);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('没有恢复');
    expect(again.stderr).toContain('not empty');
    expect(await everything(mongoose.connection.db!)).toEqual(before);
  }, 120_000);

  it('refuses to write a backup into a folder that is not empty, so no backup is overwritten', async () => {
    const dir = path.join(work, 'b3');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'staffs.jsonl'), 'an older backup\n');
    const res = await run('backup', [dir], source.uri);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('没有备份');
    expect(readFileSync(path.join(dir, 'staffs.jsonl'), 'utf8')).toBe('an older backup\n');
  }, 60_000);
});

describe('restoreDatabase', () => {
  it('refuses a folder without a manifest (a backup that did not finish)', async () => {
    const dir = path.join(work, 'unfinished');
    const first = path.join(work, 'whole');
    await backupDatabase(
      mongoose.connection.db!,
      mongoose.connection.getClient() as unknown as mongoose.mongo.MongoClient,
      first,
    );
    mkdirSync(dir);
    for (const f of readdirSync(first).filter((f) => f !== MANIFEST))
      writeFileSync(path.join(dir, f), readFileSync(path.join(first, f)));
    const target = otherDb('backup_unfinished');
    await expect(restoreDatabase(target.db, dir, allModels(composition.models))).rejects.toThrow(BackupRefused);
    expect(await target.db.listCollections().toArray()).toEqual([]);
  });

  it('refuses a backup whose file lost documents, naming the file', async () => {
    const dir = path.join(work, 'whole');
    const staffs = path.join(dir, 'staffs.jsonl');
    const lines = readFileSync(staffs, 'utf8').trimEnd().split('\n');
    writeFileSync(staffs, `${lines.slice(1).join('\n')}\n`);
    const target = otherDb('backup_damaged');
    await expect(restoreDatabase(target.db, dir, allModels(composition.models))).rejects.toThrow(
      /staffs\.jsonl holds \d+ documents, the manifest says \d+/,
    );
  });
});
