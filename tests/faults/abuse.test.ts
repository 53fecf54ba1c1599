import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundEvent, Staff } from '../../src/models/index.ts';
import { dbUri, uniqueDbName } from '../helpers/db.ts';
import {
  cardActionEvent,
  encryptText,
  LarkStandin,
  larkRequest,
  messageEvent,
  signBody,
} from '../helpers/lark-standin.ts';

/*
 * Forged, replayed and hostile webhooks and bind-code guessing against the real process
 * (`node --import tsx src/main.ts` in Lark webhook mode) on the real database, with the Lark
 * Open API stand-in on 127.0.0.1. Every refusal is checked against what the database holds.
 */

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = `secret_${randomBytes(8).toString('hex')}`;
const TOKEN = `vt_${randomBytes(8).toString('hex')}`;
const KEY = `ek_${randomBytes(8).toString('hex')}`;
const ADMIN = 'ou_admin';
const dbName = uniqueDbName('faults_abuse');

let standin: LarkStandin;
let child: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  standin = await LarkStandin.start({ appId: APP_ID, appSecret: APP_SECRET });
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MONGODB_URI: dbUri(dbName),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      BOT_CONSOLE: 'off',
      LOG_LEVEL: 'warn',
      LARK_APP_ID: APP_ID,
      LARK_APP_SECRET: APP_SECRET,
      LARK_DOMAIN: standin.url,
      LARK_EVENT_MODE: 'webhook',
      LARK_VERIFICATION_TOKEN: TOKEN,
      LARK_ENCRYPT_KEY: KEY,
      BOT_ADMINS: `lark:${ADMIN}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${output}`)), 60_000);
    const check = () => {
      const m = /127\.0\.0\.1:(\d+)\/healthz/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`the bot exited with ${code}:\n${output}`)));
  });
  url = `http://127.0.0.1:${port}/lark/events`;
  await mongoose.connect(dbUri(dbName));
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await mongoose.connection.dropDatabase().catch(() => {});
  await mongoose.disconnect();
  await standin?.close();
});

async function post(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Plaintext JSON encrypted and signed as Lark does, at request time `timestamp` (seconds). */
function signed(plain: string, timestamp = String(Math.floor(Date.now() / 1000))) {
  const body = JSON.stringify({ encrypt: encryptText(plain, KEY) });
  return { body, headers: { 'content-type': 'application/json', ...signBody(body, KEY, timestamp) } };
}

const p2p = (openId: string) => `oc_p2p_${openId}`;

async function say(openId: string, text: string): Promise<string> {
  const before = standin.texts(p2p(openId)).length;
  const event = messageEvent({ token: TOKEN, openId, text });
  const { body, headers } = larkRequest(event, KEY);
  expect((await post(body, headers)).status).toBe(200);
  const texts = await standin.waitFor(
    () => (standin.texts(p2p(openId)).length > before ? standin.texts(p2p(openId)) : undefined),
    `an answer to ${text}`,
    15_000,
  );
  return texts.at(-1)!;
}

describe('the running bot under abuse (Lark webhook mode)', () => {
  it('refuses forged, unsigned, wrong-token and replayed requests, and records none of them', async () => {
    const event = () => messageEvent({ token: TOKEN, openId: ADMIN, text: '帮助' });
    const forged = larkRequest(event(), KEY);
    forged.headers['x-lark-signature'] = 'f'.repeat(64);
    expect((await post(forged.body, forged.headers)).status).toBe(401);
    const unsigned = larkRequest(event(), KEY, { sign: false });
    expect((await post(unsigned.body, unsigned.headers)).status).toBe(401);
    const wrongToken = larkRequest(messageEvent({ token: 'vt_forged', openId: ADMIN, text: '帮助' }), KEY);
    expect((await post(wrongToken.body, wrongToken.headers)).status).toBe(401);
    const old = signed(JSON.stringify(event()), String(Math.floor(Date.now() / 1000) - 30 * 86400));
    expect((await post(old.body, old.headers)).status).toBe(401);
    expect(await InboundEvent.countDocuments()).toBe(0);
    expect(output).not.toContain(KEY);
  });

  it('a captured request replayed inside the window has one effect', async () => {
    const before = standin.texts(p2p(ADMIN)).length;
    const captured = signed(JSON.stringify(messageEvent({ token: TOKEN, openId: ADMIN, text: '我是谁' })));
    expect((await post(captured.body, captured.headers)).status).toBe(200);
    await standin.waitFor(() => standin.texts(p2p(ADMIN)).length > before, 'the answer');
    expect((await post(captured.body, captured.headers)).status).toBe(200);
    expect(await InboundEvent.countDocuments()).toBe(1);
    // the positive signal (the answer) came first; the replay was refused at the inbox
    expect(standin.texts(p2p(ADMIN)).slice(before)).toHaveLength(1);
  });

  it('refuses forged card callbacks: a stranger clicking an admin button, $ keys and 100,000-deep values', async () => {
    const zhang = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'] });
    const click = (openId: string, value: Record<string, unknown>) =>
      signed(
        JSON.stringify(cardActionEvent({ token: TOKEN, openId, value, messageId: 'om_forged', chatId: p2p(openId) })),
      );
    const stranger = click('ou_stranger', { action: 'staff.setActive', staffId: String(zhang._id), active: 'false' });
    const res = await post(stranger.body, stranger.headers);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('绑定');
    const dollar = click(ADMIN, { action: 'staff.setActive', staffId: { $ne: '' }, active: 'false' });
    expect((await post(dollar.body, dollar.headers)).status).toBe(400);
    const plain = JSON.stringify(
      cardActionEvent({
        token: TOKEN,
        openId: ADMIN,
        value: { action: 'staff.setActive', x: '@@' },
        messageId: 'om_deep',
        chatId: p2p(ADMIN),
      }),
    );
    const deep = signed(plain.replace('"@@"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect((await post(deep.body, deep.headers)).status).toBe(400);
    expect((await Staff.findById(zhang._id).lean())?.active).toBe(true);
    expect(standin.patches()).toHaveLength(0);
  });

  it('answers bind-code guessing 5 times, then says when to retry; nobody gets bound', async () => {
    const replies: string[] = [];
    for (let i = 0; i < 8; i++) replies.push(await say('ou_guesser', `绑定 ${String(i).padStart(8, 'K')}`));
    expect(replies.slice(0, 5).every((r) => r.includes('绑定码不正确'))).toBe(true);
    expect(replies.slice(5).every((r) => r.includes('试错次数太多') && /\d\d:\d\d 以后再试/.test(r))).toBe(true);
    expect(await mongoose.connection.collection('identities').countDocuments()).toBe(0);
    expect(child.exitCode).toBeNull();
  });
});
