import { createRequire } from 'node:module';
import path from 'node:path';
import mongoose, { type Model } from 'mongoose';
import { grpc, puppet as grpcPuppet } from 'wechaty-grpc';
import type { Config } from '../config.ts';
import { DB_NAME, runningEmbedded } from '../db/connect.ts';
import { redactUri } from '../logger.ts';
import { fetchBotInfo } from '../receivers/lark/identity.ts';

/**
 * `npm run doctor`: each setting checked against the live service it names, without sending a
 * message, logging the WeChat account in or writing to the database. Every finding is one line in
 * plain words with what to do about it. What only a real message can prove is said as such.
 */

export type Status = 'ok' | 'fail' | 'warn' | 'info';

export interface Finding {
  status: Status;
  /** What was checked, e.g. 飞书凭证. */
  name: string;
  detail: string;
  /** What to do, for fail and warn. */
  fix?: string;
}

type Db = mongoose.mongo.Db;

const MARK: Record<Status, string> = { ok: '✓', fail: '✗', warn: '!', info: '·' };

export function formatFinding(f: Finding): string {
  return `${MARK[f.status]} ${f.name}：${f.detail}${f.fix ? ` → ${f.fix}` : ''}`;
}

const TIMEOUT_MS = 10_000;

// ─────────────────────────────────────────────────────────────────────────────
// Database
// ─────────────────────────────────────────────────────────────────────────────

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

// ─────────────────────────────────────────────────────────────────────────────
// Lark
// ─────────────────────────────────────────────────────────────────────────────

export function larkBaseUrl(domain: string): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain.replace(/\/+$/, '');
}

/**
 * The scopes the bot needs, each satisfied by any one of its names (Lark's docs list alternatives:
 * the older names still count). Order: how a message flows in and out.
 */
export const LARK_SCOPES: readonly { what: string; anyOf: readonly string[]; optional?: true }[] = [
  { what: '收私聊消息', anyOf: ['im:message.p2p_msg:readonly', 'im:message.p2p_msg'] },
  {
    what: '收群里 @机器人 的消息',
    anyOf: ['im:message.group_at_msg:readonly', 'im:message.group_at_msg', 'im:message.group_msg'],
  },
  { what: '以机器人身份发消息', anyOf: ['im:message:send_as_bot', 'im:message', 'im:message:send'] },
  { what: '更新已发的卡片', anyOf: ['im:message:update', 'im:message', 'im:message:send_as_bot'] },
  { what: '群里不 @ 也能用「/命令」', anyOf: ['im:message.group_msg'], optional: true },
];

const BOT_STATUS: Record<number, string> = {
  0: '初始化，租户待安装',
  1: '租户停用了这个应用',
  3: '安装后待启用',
  4: '升级后待启用',
  5: 'license 过期停用',
  6: '套餐到期或降级停用',
};

async function larkJson(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { msg: text.slice(0, 200) };
  }
  return { status: res.status, body };
}

/** Token, bot identity and scopes; reads only (GET, and the token call). */
export async function checkLark(lark: NonNullable<Config['lark']>): Promise<Finding[]> {
  const base = larkBaseUrl(lark.domain);
  const out: Finding[] = [];
  let token: string;
  try {
    const { status, body } = await larkJson(`${base}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: lark.appId, app_secret: lark.appSecret }),
    });
    if (body.code !== 0 || typeof body.tenant_access_token !== 'string') {
      out.push({
        status: 'fail',
        name: '飞书凭证',
        detail: `飞书不认这对 App ID / App Secret（HTTP ${status}，code ${String(body.code)} ${String(body.msg ?? '')}）`,
        fix: '在开发者后台「凭证与基础信息」复制 App ID 和 App Secret，填到 LARK_APP_ID、LARK_APP_SECRET（国际版 Lark 的应用还要设 LARK_DOMAIN=lark）',
      });
      return out;
    }
    token = body.tenant_access_token;
    out.push({ status: 'ok', name: '飞书凭证', detail: `拿到了 tenant_access_token（${lark.appId}）` });
  } catch (err) {
    out.push({
      status: 'fail',
      name: '飞书凭证',
      detail: `连不上 ${base}：${(err as Error).message}`,
      fix: '检查 LARK_DOMAIN（feishu、lark 或完整网址）和这台机器的外网、代理',
    });
    return out;
  }
  const auth = { authorization: `Bearer ${token}` };

  try {
    // the same request and reading as the receiver's at start (who a group message must @)
    const answer = await fetchBotInfo(async (path) => (await larkJson(`${base}${path}`, { headers: auth })).body);
    if (!answer.ok) {
      out.push({
        status: 'fail',
        name: '飞书机器人',
        detail: `读不到机器人信息（code ${String(answer.code)} ${answer.msg}）`,
        fix: '在开发者后台「添加应用能力」里加上「机器人」，再「创建版本」并发布',
      });
    } else if (answer.bot.activateStatus !== undefined && answer.bot.activateStatus !== 2) {
      const { bot } = answer;
      out.push({
        status: 'fail',
        name: '飞书机器人',
        detail: `${bot.appName ?? ''}（${bot.openId}）状态：${BOT_STATUS[bot.activateStatus!] ?? `activate_status ${bot.activateStatus}`}`,
        fix: '让企业管理员在飞书管理后台「工作台 → 应用管理」里启用这个应用',
      });
    } else {
      out.push({
        status: 'ok',
        name: '飞书机器人',
        detail: `${answer.bot.appName ?? ''}，open_id ${answer.bot.openId}`,
      });
    }
  } catch (err) {
    out.push({
      status: 'fail',
      name: '飞书机器人',
      detail: `读机器人信息失败：${(err as Error).message}`,
      fix: '稍后再试；一直失败请检查网络',
    });
  }

  try {
    const { body } = await larkJson(`${base}/open-apis/application/v6/scopes`, { headers: auth });
    const scopes = (
      (body.data as { scopes?: { scope_name?: string; grant_status?: number }[] } | undefined)?.scopes ?? []
    ).filter((s) => s.scope_name);
    if (body.code !== 0) {
      out.push({
        status: 'warn',
        name: '飞书权限',
        detail: `读不到权限列表（code ${String(body.code)} ${String(body.msg ?? '')}）`,
        fix: `请在开发者后台「权限管理」手动核对：${LARK_SCOPES.filter((s) => !s.optional)
          .map((s) => s.anyOf[0])
          .join('、')}`,
      });
    } else {
      const granted = new Set(scopes.filter((s) => s.grant_status === 1).map((s) => s.scope_name!));
      const requested = new Set(scopes.map((s) => s.scope_name!));
      for (const need of LARK_SCOPES) {
        const have = need.anyOf.find((s) => granted.has(s));
        if (have) {
          out.push({ status: 'ok', name: `飞书权限：${need.what}`, detail: have });
          continue;
        }
        const pending = need.anyOf.find((s) => requested.has(s));
        if (need.optional) {
          out.push({
            status: 'info',
            name: `飞书权限：${need.what}`,
            detail: `没有 ${need.anyOf[0]}（敏感权限，需管理员审批）：群里的人要 @机器人，单发「/帮助」收不到`,
          });
        } else if (pending) {
          out.push({
            status: 'fail',
            name: `飞书权限：${need.what}`,
            detail: `${pending} 已申请，还没批准`,
            fix: '请企业管理员在飞书管理后台审核这个应用的权限申请',
          });
        } else {
          out.push({
            status: 'fail',
            name: `飞书权限：${need.what}`,
            detail: `没有开通 ${need.anyOf[0]}`,
            fix: `开发者后台「权限管理」开通 ${need.anyOf[0]}，然后「创建版本」发布（不发布不生效）`,
          });
        }
      }
    }
  } catch (err) {
    out.push({
      status: 'warn',
      name: '飞书权限',
      detail: `读权限列表失败：${(err as Error).message}`,
      fix: '请在开发者后台「权限管理」手动核对',
    });
  }

  if (lark.eventMode === 'webhook' && !lark.encryptKey) {
    out.push({
      status: 'warn',
      name: '飞书加密',
      detail: 'webhook 模式没有设 LARK_ENCRYPT_KEY：推送不加密，也不验签名',
      fix: '在「事件与回调 → 加密策略」生成 Encrypt Key，填到 LARK_ENCRYPT_KEY',
    });
  }
  out.push({
    status: 'info',
    name: '飞书事件',
    detail:
      lark.eventMode === 'ws'
        ? '订阅方式（长连接）、事件 im.message.receive_v1 和回调 card.action.trigger 是否配好、机器人在哪些群，不发消息查不出来：启动后私聊机器人发「帮助」，再点一下卡片按钮'
        : `订阅方式（发送至开发者服务器：https://<你的域名>/lark/events）、事件 im.message.receive_v1 和回调 card.action.trigger 是否配好，不发消息查不出来：启动后私聊机器人发「帮助」，再点一下卡片按钮`,
  });
  return out;
}

// ─────────────────────────────────────────────────────────────────────────────
// WeChat: the puppet service over gRPC
// ─────────────────────────────────────────────────────────────────────────────

/** The CA wechaty-puppet-service trusts for its built-in certificate (not exported by the package). */
function wechatyCaCert(): Buffer {
  if (process.env.WECHATY_PUPPET_SERVICE_TLS_CA_CERT)
    return Buffer.from(process.env.WECHATY_PUPPET_SERVICE_TLS_CA_CERT.replace(/\\n/g, '\n'));
  const require = createRequire(import.meta.url);
  const entry = require.resolve('wechaty-puppet-service');
  const { TLS_CA_CERT } = require(path.join(path.dirname(entry), 'auth', 'ca.js')) as { TLS_CA_CERT: string };
  return Buffer.from(TLS_CA_CERT);
}

/**
 * Asks the puppet service for its version (the `Version` call) with the token, as the bot's client
 * would connect: the endpoint answers, TLS matches, the token is accepted. It never calls `Start`,
 * so the WeChat account is not logged in and nothing is sent.
 */
export async function checkWechat(wechat: NonNullable<Config['wechat']>, timeoutMs = TIMEOUT_MS): Promise<Finding[]> {
  const token = wechat.token;
  const sni = token.slice(0, token.lastIndexOf('_'));
  const credentials = wechat.noTlsInsecureClient
    ? grpc.credentials.createInsecure()
    : grpc.credentials.createSsl(wechatyCaCert());
  const client = new grpcPuppet.PuppetClient(wechat.endpoint, credentials, {
    'grpc.ssl_target_name_override': sni,
    // what the wechaty client sends as the token on a channel without TLS
    'grpc.default_authority': token,
  });
  try {
    const metadata = new grpc.Metadata();
    metadata.add('authorization', `Wechaty ${token}`);
    const version = await new Promise<string>((resolve, reject) => {
      client.version(
        new grpcPuppet.VersionRequest(),
        metadata,
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, res?: { getVersion(): string }) =>
          err ? reject(err) : resolve(res?.getVersion() ?? ''),
      );
    });
    return [
      {
        status: 'ok',
        name: '微信 puppet 服务',
        detail: `${wechat.endpoint} 可以连上，token 有效${version ? `（puppet 版本 ${version}）` : ''}`,
      },
      {
        status: 'info',
        name: '微信登录',
        detail: '微信号是否已登录、在哪些群里，不启动查不出来：启动后看日志里的 logged in，或要扫码的提示（scan）',
      },
    ];
  } catch (err) {
    const e = err as { code?: number; details?: string; message?: string };
    if (e.code === grpc.status.UNAUTHENTICATED || e.code === grpc.status.PERMISSION_DENIED) {
      return [
        {
          status: 'fail',
          name: '微信 puppet 服务',
          detail: `${wechat.endpoint} 拒绝了这个 token（${e.details ?? e.message}）`,
          fix: '核对 WECHATY_PUPPET_SERVICE_TOKEN，和服务商给的一字不差',
        },
      ];
    }
    const tlsHint = wechat.noTlsInsecureClient
      ? '；网关要是开了 TLS，去掉 WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT'
      : '；网关没开 TLS 的话，设 WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT=true';
    return [
      {
        status: 'fail',
        name: '微信 puppet 服务',
        detail: `连不上 ${wechat.endpoint}（${e.code === grpc.status.DEADLINE_EXCEEDED ? `${Math.round(timeoutMs / 1000)} 秒没有回应` : (e.details ?? e.message)}）`,
        fix: `检查 WECHATY_PUPPET_SERVICE_ENDPOINT（host:port）、网关是否在运行、防火墙${tlsHint}`,
      },
    ];
  } finally {
    client.close();
  }
}

// ─────────────────────────────────────────────────────────────────────────────

export interface DoctorOptions {
  models: readonly Model<any>[];
  wechatTimeoutMs?: number;
}

/** Every check the configuration calls for, in the order a message travels: database, Lark, WeChat. */
export async function runDoctor(config: Config, opts: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = [{ status: 'ok', name: '配置', detail: '所有变量格式正确' }];
  const db = await withDatabase(config, async (database, label) => [
    { status: 'ok', name: '数据库', detail: `已连接 ${label}` } as Finding,
    ...(await checkDatabase(database, opts.models)),
  ]);
  findings.push(...(Array.isArray(db) ? db : [db]));
  if (config.lark) findings.push(...(await checkLark(config.lark)));
  else findings.push({ status: 'info', name: '飞书', detail: '没有设 LARK_APP_ID / LARK_APP_SECRET，不用飞书' });
  if (config.wechat) findings.push(...(await checkWechat(config.wechat, opts.wechatTimeoutMs)));
  else
    findings.push({ status: 'info', name: '微信', detail: '没有设 WECHATY_PUPPET_SERVICE_TOKEN / ENDPOINT，不用微信' });
  return findings;
}
