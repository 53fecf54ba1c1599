import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { type RunningFerret, startFerret } from '../../src/db/ferretdb.ts';
import { LarkStandin, larkRequest, messageEvent } from './lark-standin.ts';

/**
 * The fault suite's world: a FerretDB of its own (so it can be paused or killed), the Lark Open
 * API stand-in, and the bot as `npm start` runs it (`node --import tsx src/main.ts`) in webhook
 * mode, as separate processes that can be killed with SIGKILL.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FaultWorld {
  ferret: RunningFerret;
  standin: LarkStandin;
  /** Database the bots share. */
  uri: string;
  token: string;
  encryptKey: string;
  env: Record<string, string>;
  /** Starts FerretDB again on the same files and port after it was killed. */
  restartDatabase(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultWorld(extraEnv: Record<string, string> = {}): Promise<FaultWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'guard-desk-faults-'));
  let ferret = await startFerret(path.join(dir, 'db'));
  const appId = 'cli_0123456789abcdef';
  const appSecret = `secret_${randomBytes(8).toString('hex')}`;
  const token = `vt_${randomBytes(8).toString('hex')}`;
  const encryptKey = `ek_${randomBytes(8).toString('hex')}`;
  const standin = await LarkStandin.start({ appId, appSecret });
  const uri = `${ferret.uri}faults`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: path.join(dir, 'data'),
    MONGODB_URI: uri,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    BOT_CONSOLE: 'off',
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'error',
    LARK_APP_ID: appId,
    LARK_APP_SECRET: appSecret,
    LARK_DOMAIN: standin.url,
    LARK_EVENT_MODE: 'webhook',
    LARK_VERIFICATION_TOKEN: token,
    LARK_ENCRYPT_KEY: encryptKey,
    ...extraEnv,
  };
  await mongoose.connect(uri);
  const world: FaultWorld = {
    get ferret() {
      return ferret;
    },
    standin,
    uri,
    token,
    encryptKey,
    env,
    async restartDatabase() {
      ferret = await startFerret(path.join(dir, 'db'), { port: ferret.port });
    },
    async close() {
      await mongoose.disconnect().catch(() => {});
      await standin.close();
      try {
        process.kill(ferret.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      await ferret.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** One bot process. */
export class BotProcess {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((r) =>
      child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code)),
    );
  }

  static async start(env: Record<string, string>): Promise<BotProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`bot did not start: ${out}\n${err}`)), 60_000);
      const check = () => {
        const m = /健康检查 http:\/\/127\.0\.0\.1:(\d+)\/healthz/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => reject(new Error(`bot exited with ${code} during start: ${err}`)));
    });
    const bot = new BotProcess(child, port);
    child.stdout!.on('data', (d) => (bot.out += d));
    child.stderr!.on('data', (d) => (bot.err += d));
    return bot;
  }

  get webhook(): string {
    return `http://127.0.0.1:${this.port}/lark/events`;
  }

  async healthz(timeoutMs = 3000): Promise<number> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.text();
      return res.status;
    } catch {
      return 0;
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

/** A private text message from `openId`, as Lark would push it (one payload, redelivered as is). */
export function privateMessage(world: FaultWorld, openId: string, text: string) {
  return messageEvent({ token: world.token, openId, text });
}

/** POSTs one payload as Lark does; the HTTP status, or 0 when the connection failed. */
export async function deliver(world: FaultWorld, url: string, payload: unknown, timeoutMs = 10_000): Promise<number> {
  const { body, headers } = larkRequest(payload, world.encryptKey);
  try {
    const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Lark's chat id of a private chat with `openId` (what the bot replies to). */
export const p2pChat = (openId: string) => `oc_p2p_${openId}`;

export interface Figures {
  sent: number;
  acknowledged: number;
  answeredOnce: number;
  lost: number;
  duplicated: number;
}

/** Counts replies per person at the stand-in for the events whose senders are `openIds`. */
export function figures(standin: LarkStandin, sent: number, ackedOpenIds: string[]): Figures {
  const counts = new Map<string, number>();
  for (const r of standin.sent())
    counts.set(String(r.body.receive_id), (counts.get(String(r.body.receive_id)) ?? 0) + 1);
  const n = (id: string) => counts.get(p2pChat(id)) ?? 0;
  return {
    sent,
    acknowledged: ackedOpenIds.length,
    answeredOnce: ackedOpenIds.filter((id) => n(id) === 1).length,
    lost: ackedOpenIds.filter((id) => n(id) === 0).length,
    duplicated: ackedOpenIds.filter((id) => n(id) > 1).length,
  };
}

/** Acknowledged events not yet done or failed. */
export async function unfinishedEvents(): Promise<number> {
  return mongoose.connection.db!.collection('inboxpending').countDocuments();
}

/** Polls until `check` is true or `timeoutMs` passes; returns whether it became true. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
