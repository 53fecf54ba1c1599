/*
 * npm run bench:fanout — what scheduled jobs do at scale, in-process on FerretDB with the real
 * LarkReceiver against the Open API stand-in enforcing Lark's send limits (50/s per app, 5/s per
 * chat, 429 + x-ogw-ratelimit-reset):
 *  1. one message to each of 1,000 bound team leaders through the outbox, all at once;
 *  2. the complaint escalation sweep over 1,000 and 100,000 stored complaints, a fixed few due.
 * Prints a table and writes bench-results/fanout.json.
 *
 * FANOUT_LEADERS (default 1000; 0 skips the fan-out), SWEEP_SIZES (default 1000,100000), SWEEP_DUE (default 50),
 * SWEEP_INSERT_BUDGET_S (default 300: past it the large set stops at 20,000 and says so),
 * BENCH_OUT (the JSON file), BENCH_DEADLINE_S (default 1500: the whole run gives up after it).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { Bot } from '../../src/bot.ts';
import { type RunningFerret, startFerret } from '../../src/db/ferretdb.ts';
import { Identity, Staff } from '../../src/models/index.ts';
import { LarkReceiver } from '../../src/receivers/lark/index.ts';
import { composition } from '../../src/workflows.ts';
import { silentLog, testConfig } from '../helpers/harness.ts';
import { LarkStandin } from '../helpers/lark-standin.ts';
import { type SweepResult, sweepOnce } from './fanout-sweep.ts';

const LEADERS = Number(process.env.FANOUT_LEADERS ?? 1000);
const SIZES = (process.env.SWEEP_SIZES ?? '1000,100000').split(',').map(Number);
const DUE = Number(process.env.SWEEP_DUE ?? 50);
const INSERT_BUDGET_MS = Number(process.env.SWEEP_INSERT_BUDGET_S ?? 300) * 1000;
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_S ?? 1500) * 1000;
const OUT = path.resolve(process.env.BENCH_OUT ?? path.join(import.meta.dirname, '../../bench-results/fanout.json'));
const PER_APP = 50;
const PER_CHAT = 5;

export interface FanoutResult {
  leaders: number;
  totalMs: number;
  /** The least time Lark's app limit allows for this many messages. */
  floorMs: number;
  ratio: number;
  /** Sends the stand-in refused with 429 because a limit was exceeded. */
  rateLimited: number;
  attempts: number;
  /** Leaders who received nothing / more than one message. */
  lost: number;
  duplicated: number;
  /** Sends whose promise rejected (the outbox gave up). */
  failed: number;
  peakPerSecond: number;
}

interface World {
  dir: string;
  ferret: RunningFerret;
  standin: LarkStandin;
  bot: Bot;
}

let phoneSeq = 0;
const phone = () => `15${String(++phoneSeq).padStart(9, '0')}`;

async function startWorld(): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guard-desk-fanout-'));
  const ferret = await startFerret(path.join(dir, 'db'));
  const appId = 'cli_0123456789abcdef';
  const appSecret = `secret_${randomBytes(8).toString('hex')}`;
  const standin = await LarkStandin.start({ appId, appSecret });
  standin.enforceLimits(PER_APP, PER_CHAT);
  await mongoose.connect(`${ferret.uri}fanout`);
  const config = testConfig({
    LARK_APP_ID: appId,
    LARK_APP_SECRET: appSecret,
    LARK_DOMAIN: standin.url,
    LARK_EVENT_MODE: 'webhook',
    LARK_VERIFICATION_TOKEN: `vt_${randomBytes(8).toString('hex')}`,
    LARK_ENCRYPT_KEY: `ek_${randomBytes(8).toString('hex')}`,
  });
  const receiver = new LarkReceiver(config.lark!, silentLog);
  // no jobs: the bench calls what the scheduler would, when it chooses
  const bot = new Bot({ config, log: silentLog, receivers: [receiver], workflows: composition, jobs: [] });
  await bot.start();
  return { dir, ferret, standin, bot };
}

/** Staff with `roles`, each bound to a Lark identity `ou_${prefix}_${i}`; returns the open ids. */
async function seedBound(prefix: string, n: number, roles: string[]): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `ou_${prefix}_${i}`);
  for (let from = 0; from < n; from += 500) {
    const slice = ids.slice(from, from + 500);
    const staff = await Staff.insertMany(
      slice.map((_, i) => ({ name: `队长${from + i}`, phone: phone(), roles, post: '万达广场' })),
    );
    await Identity.insertMany(
      slice.map((id, i) => ({
        _id: `lark:${id}`,
        staffId: staff[i]!._id,
        channel: 'lark',
        userId: id,
        boundAt: new Date(),
      })),
    );
  }
  return ids;
}

async function fanout(w: World): Promise<FanoutResult> {
  const leaders = await seedBound('leader', LEADERS, ['team_leader']);
  w.standin.requests.length = 0;
  w.standin.limitRefusals = 0;
  const text = '请在今天 18:00 前提交本周岗位巡查记录。';
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    leaders.map((userId) => w.bot.services.outbox.send({ channel: 'lark', userId }, text)),
  );
  const totalMs = performance.now() - started;
  const received = new Map<string, number>();
  const perSecond = new Map<number, number>();
  for (const r of w.standin.sent()) {
    const to = String(r.body.receive_id);
    received.set(to, (received.get(to) ?? 0) + 1);
    const s = Math.floor(r.at / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  }
  const floorMs = (LEADERS / PER_APP) * 1000;
  return {
    leaders: LEADERS,
    totalMs,
    floorMs,
    ratio: totalMs / floorMs,
    rateLimited: w.standin.limitRefusals,
    attempts: w.standin.sendAttempts().length,
    lost: leaders.filter((id) => !received.get(id)).length,
    duplicated: leaders.filter((id) => (received.get(id) ?? 0) > 1).length,
    failed: outcomes.filter((o) => o.status === 'rejected').length,
    peakPerSecond: Math.max(0, ...perSecond.values()),
  };
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

function save(data: unknown): void {
  mkdirSync(path.dirname(OUT), { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadavg: os.loadavg(),
  };
  writeFileSync(OUT, `${JSON.stringify({ at: new Date().toISOString(), machine, ...(data as object) }, null, 2)}\n`);
}

function table(f: FanoutResult | undefined, sweeps: SweepResult[]): string {
  const rows: string[] = [];
  if (f) {
    rows.push(
      '| fan-out | total | ÷ rate floor | 429s / attempts | lost / dup / failed | peak accepted/s |',
      '|---|---|---|---|---|---|',
      `| ${f.leaders} team leaders | ${ms(f.totalMs)} | ${f.ratio.toFixed(2)}× of ${ms(f.floorMs)} | ${f.rateLimited} / ${f.attempts} | ${f.lost} / ${f.duplicated} / ${f.failed} | ${f.peakPerSecond} |`,
      '',
    );
  }
  if (sweeps.length) {
    rows.push(
      '| sweep over | insert time | key backfill | read by _id | sweep, sends included | acted on / due | cards sent / 429s | empty sweep after |',
      '|---|---|---|---|---|---|---|---|',
      ...sweeps.map(
        (s) =>
          `| ${s.stored.toLocaleString('en')}${s.capped ? ' (capped)' : ''} | ${ms(s.insertMs)} | ${ms(s.backfillMs)} | ${ms(s.dueQueryMs)} | ${ms(s.sweepMs)} | ${s.actedOn} / ${s.due} | ${s.notifications} / ${s.rateLimited} | ${ms(s.emptySweepMs)} |`,
      ),
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const w = await startWorld();
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench:fanout gave up after ${DEADLINE_MS / 1000} s\n`);
    // bounded: a cleanup stuck behind the hung work must not keep the process alive
    void Promise.race([cleanup(), new Promise((r) => setTimeout(r, 15_000))]).finally(() => process.exit(2));
  }, DEADLINE_MS);
  watchdog.unref();
  const cleanup = async () => {
    await w.bot.stop().catch(() => {});
    await mongoose.disconnect().catch(() => {});
    await w.standin.close().catch(() => {});
    await w.ferret.stop().catch(() => {});
    rmSync(w.dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  let f: FanoutResult | undefined;
  const sweeps: SweepResult[] = [];
  try {
    if (LEADERS > 0) {
      f = await fanout(w);
      process.stdout.write(
        `fan-out: ${ms(f.totalMs)} for ${f.leaders} (${f.ratio.toFixed(2)}× the floor), 429s ${f.rateLimited}, lost ${f.lost}, dup ${f.duplicated}\n`,
      );
      save({ fanout: f, sweeps });
    }
    for (const n of SIZES) {
      const s = await sweepOnce(w.bot.services, {
        stored: n,
        due: DUE,
        insertBudgetMs: INSERT_BUDGET_MS,
        capAt: 20_000,
        log: (m) => process.stdout.write(`${m}\n`),
        sends: () => ({ accepted: w.standin.sent().length, refused: w.standin.limitRefusals }),
      });
      sweeps.push(s);
      process.stdout.write(
        `sweep over ${s.stored}: ${ms(s.sweepMs)}, acted on ${s.actedOn}/${s.due}, not-due changed ${s.wronglyTouched}, empty sweep ${ms(s.emptySweepMs)}\n`,
      );
      process.stdout.write(`  plan: ${JSON.stringify(s.plan).slice(0, 600)}\n`);
      save({ fanout: f, sweeps });
    }
  } finally {
    await cleanup();
  }
  process.stdout.write(`\n${table(f, sweeps)}\n\nwrote ${path.relative(process.cwd(), OUT)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
