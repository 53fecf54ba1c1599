import path from 'node:path';
import mongoose, { type Model } from 'mongoose';
import type { Config } from '../config.ts';
import { DB_NAME, runningEmbedded } from '../db/connect.ts';
import { redactUri } from '../logger.ts';
import type { Finding } from './doctor-finding.ts';

/* `npm run doctor`'s database checks: the server kind and each model's indexes, read-only. */

type Db = mongoose.mongo.Db;

/** Server kind and indexes of an open database. `models`: what the bot would build (allModels). */
export async function checkDatabase(db: Db, models: readonly Model<any>[]): Promise<Finding[]> {
  const out: Finding[] = [];
  const admin = db.admin();
  await admin.ping();
  const build = (await admin.command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  const hello = (await admin.command({ hello: 1 })) as { setName?: string; msg?: string };
  if (build.ferretdbVersion) {
    out.push({
      status: 'warn',
      name: '数据库类型',
      detail: `FerretDB ${build.ferretdbVersion}（内置数据库或自建 FerretDB）`,
      fix: '可以用；正式部署建议 MongoDB 副本集：能故障切换，备份能取同一时间点的快照（见 docs/deploy.md）',
    });
  } else if (hello.setName) {
    out.push({ status: 'ok', name: '数据库类型', detail: `MongoDB ${build.version ?? ''} 副本集 ${hello.setName}` });
  } else if (hello.msg === 'isdbgrid') {
    out.push({ status: 'ok', name: '数据库类型', detail: `MongoDB ${build.version ?? ''} 分片集群（mongos）` });
  } else {
    out.push({
      status: 'warn',
      name: '数据库类型',
      detail: `MongoDB ${build.version ?? ''} 单机，不是副本集`,
      fix: '可以用；但这台机器一坏机器人就停，备份也不能取同一时间点的快照。建议改成三节点副本集（见 docs/deploy.md）',
    });
  }
  out.push(await checkIndexes(db, models));
  return out;
}

function keyOf(key: Record<string, unknown>): string {
  return JSON.stringify(
    Object.entries(key).map(([k, v]) => [
      k,
      typeof v === 'number' || /^-?\d+$/.test(String(v)) ? Number(v) : String(v),
    ]),
  );
}

function describeKey(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}${Number(v) === -1 ? '↓' : ''}`)
    .join('+');
}

/** Each model's declared indexes against listIndexes. */
export async function checkIndexes(db: Db, models: readonly Model<any>[]): Promise<Finding> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  if (existing.size === 0) {
    return {
      status: 'warn',
      name: '索引',
      detail: '数据库是空的，还没有集合和索引',
      fix: '第一次启动机器人时会自动建好；之后再运行 npm run doctor 核对',
    };
  }
  const missing: string[] = [];
  const wrong: string[] = [];
  let expected = 0;
  for (const model of models) {
    const name = model.collection.collectionName;
    const declared = model.schema.indexes();
    if (!declared.length) continue;
    const actual = existing.has(name) ? await db.collection(name).listIndexes().toArray() : [];
    const byKey = new Map(actual.map((i) => [keyOf(i.key as Record<string, unknown>), i]));
    for (const [fields, options] of declared) {
      expected++;
      const found = byKey.get(keyOf(fields as Record<string, unknown>));
      const label = `${name}.${describeKey(fields as Record<string, unknown>)}${(options as { unique?: boolean }).unique ? '（唯一）' : ''}`;
      if (!found) missing.push(label);
      else if (Boolean((options as { unique?: boolean }).unique) !== Boolean(found.unique)) wrong.push(label);
    }
  }
  if (!missing.length && !wrong.length) return { status: 'ok', name: '索引', detail: `${expected} 个索引都在` };
  const list = (xs: string[]) => `${xs.slice(0, 8).join('、')}${xs.length > 8 ? ` 等 ${xs.length} 个` : ''}`;
  const parts = [
    missing.length ? `缺 ${missing.length} 个：${list(missing)}` : '',
    wrong.length ? `唯一性不对 ${wrong.length} 个：${list(wrong)}` : '',
  ].filter(Boolean);
  return {
    status: 'fail',
    name: '索引',
    detail: parts.join('；'),
    fix: wrong.length
      ? '先删掉唯一性不对的索引（mongosh: db.<集合>.dropIndex("<名字>")），再启动一次机器人，启动时会按现在的定义建好'
      : '启动一次机器人：启动时会建好全部索引；如果启动时建索引失败，日志里的 "index" 错误会说原因',
  };
}

/** Connects to the bot's database for reading only: MONGODB_URI, or a running embedded database. */
export async function withDatabase<T>(
  config: Config,
  use: (db: Db, label: string) => Promise<T>,
): Promise<T | Finding> {
  let uri = config.mongodbUri;
  if (!uri) {
    const running = await runningEmbedded(path.join(path.resolve(config.dataDir), 'ferretdb'));
    if (!running) {
      return {
        status: 'warn',
        name: '数据库',
        detail: `没有设 MONGODB_URI，内置数据库（${path.resolve(config.dataDir)}）现在没有运行，没法检查`,
        fix: '正式部署请设 MONGODB_URI（见 docs/deploy.md）；用内置数据库的话，先启动机器人再运行 npm run doctor',
      };
    }
    uri = `${running}${DB_NAME}`;
  }
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000 });
  try {
    await client.connect();
    return await use(client.db(), redactUri(uri));
  } catch (err) {
    return {
      status: 'fail',
      name: '数据库',
      detail: `连不上 ${redactUri(uri)}：${(err as Error).message}`,
      fix: '检查 MONGODB_URI 的主机、端口、用户名和密码，以及这台机器到数据库的网络（防火墙、Atlas 的 IP 白名单）',
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}
