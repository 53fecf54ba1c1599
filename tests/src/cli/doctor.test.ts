import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PuppetServer } from 'wechaty-puppet-service';
import { runDoctor } from '../../../src/cli/doctor-checks.ts';
import { type Finding, formatFinding } from '../../../src/cli/doctor-finding.ts';
import { freePort } from '../../../src/db/ferretdb.ts';
import { allModels } from '../../../src/models/index.ts';
import { composition } from '../../../src/workflows.ts';
import { dbUri, uniqueDbName, useDatabase } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/harness.ts';
import { GRANTED_SCOPES, LarkStandin } from '../../helpers/lark-standin.ts';
import { startWechatFixture, type WechatFixture } from '../../helpers/wechat-fixture.ts';

/*
 * npm run doctor against the stand-ins: the Lark Open API stand-in, a puppet service on 127.0.0.1
 * (PuppetServer + PuppetMock, as a provider runs it) and the test database. Each wrong setting gives a
 * ✗ line that says what to do, and nothing is ever sent.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'secret_doctor';

const database = useDatabase('doctor');
let standin: LarkStandin;
let wx: WechatFixture;
const otherDbs: string[] = [];

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    MONGODB_URI: database.uri,
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: APP_SECRET,
    LARK_DOMAIN: standin.url,
    LARK_EVENT_MODE: 'webhook',
    LARK_VERIFICATION_TOKEN: 'vt_doctor',
    LARK_ENCRYPT_KEY: 'ek_doctor',
    ...wx.env(),
    ...overrides,
  };
}

const doctor = (overrides: Record<string, string> = {}) =>
  runDoctor(testConfig(env(overrides)), { models: allModels(composition.models), wechatTimeoutMs: 3000 });
const named = (findings: Finding[], name: string) => findings.filter((f) => f.name.startsWith(name));
const failures = (findings: Finding[]) => findings.filter((f) => f.status === 'fail');

function cli(extra: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const e = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BOT_CONSOLE: 'off', ...env(extra) };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/doctor.ts'],
      { cwd: ROOT, env: e, timeout: 60_000 },
      (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout }),
    );
  });
}

beforeAll(async () => {
  standin = await LarkStandin.start({ appId: APP_ID, appSecret: APP_SECRET });
  wx = await startWechatFixture();
});
afterAll(async () => {
  await standin?.close();
  await wx?.stop();
  for (const name of otherDbs)
    await mongoose.connection
      .getClient()
      .db(name)
      .dropDatabase()
      .catch(() => {});
});

describe('npm run doctor with everything set up right', () => {
  it('passes every check and sends nothing: no message, no card update, the WeChat account not started', async () => {
    standin.reset();
    const findings = await doctor();
    expect(failures(findings), findings.map(formatFinding).join('\n')).toEqual([]);
    expect(named(findings, '飞书凭证')[0]?.status).toBe('ok');
    expect(named(findings, '飞书机器人')[0]?.detail).toContain('ou_standin_bot');
    expect(named(findings, '飞书权限').filter((f) => f.status === 'ok')).toHaveLength(4);
    expect(named(findings, '微信 puppet 服务')[0]?.status).toBe('ok');
    expect(named(findings, '索引')[0]).toMatchObject({ status: 'ok' });
    // the notes say what only a real message can prove
    expect(named(findings, '飞书事件')[0]?.detail).toContain('card.action.trigger');
    expect(standin.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /open-apis/application/v6/scopes',
      'GET /open-apis/bot/v3/info',
      'POST /open-apis/auth/v3/tenant_access_token/internal',
    ]);
    expect(wx.deliveries()).toHaveLength(0);
    expect(wx.puppet.state.active()).toBe(false);
  });

  it('as a command: one line per check and exit code 0', async () => {
    const { code, stdout } = await cli({});
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^✓ 飞书凭证：/m);
    expect(stdout).toMatch(/^✓ 微信 puppet 服务：/m);
    expect(stdout).toContain('没有发现问题。');
  }, 60_000);
});

describe('Lark', () => {
  it('a wrong app secret: ✗ 飞书凭证 saying where to copy it from, and exit code 1', async () => {
    const findings = await doctor({ LARK_APP_SECRET: 'not_the_secret' });
    const [cred] = named(findings, '飞书凭证');
    expect(cred).toMatchObject({ status: 'fail' });
    expect(cred!.detail).toContain('10014');
    expect(cred!.fix).toContain('LARK_APP_SECRET');
    // the other Lark checks need the token: not run, not reported as separate failures
    expect(named(findings, '飞书机器人')).toEqual([]);

    const { code, stdout } = await cli({ LARK_APP_SECRET: 'not_the_secret' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ 飞书凭证：.*→ .*LARK_APP_SECRET/m);
    expect(stdout).toContain('有 1 项要处理');
  }, 60_000);

  it('a scope not requested and one requested but not approved, each named with what to do', async () => {
    standin.scopes = [
      { scope_name: 'im:message.p2p_msg:readonly', grant_status: 1 },
      { scope_name: 'im:message.group_at_msg:readonly', grant_status: 2 },
    ];
    try {
      const findings = await doctor();
      const scopes = named(findings, '飞书权限');
      expect(scopes.find((f) => f.name.includes('收私聊消息'))?.status).toBe('ok');
      expect(scopes.find((f) => f.name.includes('@机器人'))).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('还没批准'),
      });
      const send = scopes.find((f) => f.name.includes('发消息'));
      expect(send).toMatchObject({ status: 'fail', detail: '没有开通 im:message:send_as_bot' });
      expect(send!.fix).toContain('发布');
      // the sensitive all-messages scope is optional: a note, not a failure
      expect(scopes.find((f) => f.name.includes('/命令'))?.status).toBe('info');
    } finally {
      standin.scopes = [...GRANTED_SCOPES];
    }
  });

  it('an app the tenant has disabled', async () => {
    standin.bot = { ...standin.bot, activate_status: 1 };
    try {
      expect(named(await doctor(), '飞书机器人')[0]).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('停用'),
      });
    } finally {
      standin.bot = { ...standin.bot, activate_status: 2 };
    }
  });
});

describe('WeChat', () => {
  it('an unreachable puppet endpoint: ✗ naming the endpoint and the settings to check', async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    const findings = await doctor({ WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint });
    const [f] = named(findings, '微信 puppet 服务');
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining(`连不上 ${endpoint}`) });
    expect(f!.fix).toContain('WECHATY_PUPPET_SERVICE_ENDPOINT');
  });

  it('a token the puppet service does not accept', async () => {
    const [f] = named(await doctor({ WECHATY_PUPPET_SERVICE_TOKEN: `insecure_${randomUUID()}` }), '微信 puppet 服务');
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining('拒绝了这个 token') });
    expect(f!.fix).toContain('WECHATY_PUPPET_SERVICE_TOKEN');
  });

  it('reaches a puppet service with TLS (the built-in certificate of insecure_ tokens)', async () => {
    const token = `insecure_${randomUUID()}`;
    const endpoint = `127.0.0.1:${await freePort()}`;
    const server = new PuppetServer({ endpoint, puppet: wx.puppet, token });
    await server.start();
    try {
      const findings = await doctor({
        WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
        WECHATY_PUPPET_SERVICE_TOKEN: token,
        WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'false',
      });
      expect(named(findings, '微信 puppet 服务')[0]?.status).toBe('ok');
    } finally {
      await server.stop();
    }
  });
});

describe('the database', () => {
  it('missing indexes and an index that should be unique, each named, with what to do', async () => {
    const name = uniqueDbName('doctor_noidx');
    otherDbs.push(name);
    const db = mongoose.connection.getClient().db(name);
    await db.collection('staffs').insertOne({ name: '张三', phone: '13800000001' });
    await db.collection('staffs').createIndex({ phone: 1 });
    const [f] = named(await doctor({ MONGODB_URI: dbUri(name) }), '索引');
    expect(f!.status).toBe('fail');
    expect(f!.detail).toContain('staffs.name');
    expect(f!.detail).toMatch(/唯一性不对 1 个：staffs\.phone（唯一）/);
    expect(f!.fix).toContain('dropIndex');
  });

  it('an empty database: a warning that the first start builds everything, not a failure', async () => {
    const name = uniqueDbName('doctor_empty');
    const [f] = named(await doctor({ MONGODB_URI: dbUri(name) }), '索引');
    expect(f).toMatchObject({ status: 'warn', detail: expect.stringContaining('空的') });
  });

  it('the embedded database: a warning while it is not running, and checked once the bot runs it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-desk-doctor-'));
    try {
      const [stopped] = named(await doctor({ MONGODB_URI: '', DATA_DIR: dataDir }), '数据库');
      expect(stopped).toMatchObject({ status: 'warn', detail: expect.stringContaining('内置数据库') });
      // what a running bot leaves for other commands to join: the server's address and its pid
      mkdirSync(path.join(dataDir, 'ferretdb'));
      writeFileSync(
        path.join(dataDir, 'ferretdb', 'endpoint.json'),
        JSON.stringify({ uri: inject('mongoUri'), pid: process.pid }),
      );
      const findings = await doctor({ MONGODB_URI: '', DATA_DIR: dataDir });
      expect(named(findings, '数据库')[0]).toMatchObject({
        status: 'ok',
        detail: expect.stringContaining('guard_desk'),
      });
      expect(named(findings, '数据库类型')[0]?.detail).toContain('FerretDB');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a database that does not answer', async () => {
    const uri = `mongodb://127.0.0.1:${await freePort()}/guard_desk`;
    const [f] = named(await doctor({ MONGODB_URI: uri }), '数据库');
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining('连不上') });
    expect(f!.fix).toContain('MONGODB_URI');
  }, 20_000);
});
