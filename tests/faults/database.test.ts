import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BotProcess,
  deliver,
  type FaultWorld,
  figures,
  p2pChat,
  privateMessage,
  startFaultWorld,
  unfinishedEvents,
  until,
} from '../helpers/bot-process.ts';

/*
 * The database paused (SIGSTOP) and killed (SIGKILL) under the running bot. FAULTS_FULL=1 holds
 * the pause for 10 s with messages arriving, and sends more events around the kill.
 */
const FULL = process.env.FAULTS_FULL === '1';
const TAKEOVER_SECONDS = 10;
const SETTLE_MS = Number(process.env.FAULTS_SETTLE_SECONDS ?? TAKEOVER_SECONDS * 4 + 20) * 1000;

let world: FaultWorld;
let bot: BotProcess;
beforeAll(async () => {
  world = await startFaultWorld({ INBOX_TAKEOVER_SECONDS: String(TAKEOVER_SECONDS) });
  bot = await BotProcess.start(world.env);
});
afterAll(async () => {
  await bot?.kill('SIGKILL');
  await world?.close();
});

/** Delivers each payload until the bot acknowledges it, as Lark redelivers. */
async function deliverUntilAcked(payloads: unknown[]): Promise<void> {
  await Promise.all(
    payloads.map(async (p) => {
      for (let tries = 0; tries < 100 && (await deliver(world, bot.webhook, p, 30_000)) !== 200; tries++) {
        await new Promise((r) => setTimeout(r, 300));
      }
    }),
  );
}

async function settle(users: string[]): Promise<void> {
  await until(
    async () => users.every((u) => world.standin.sent(p2pChat(u)).length > 0) && (await unfinishedEvents()) === 0,
    SETTLE_MS,
    250,
  );
}

describe('a paused database', () => {
  it('shows on /healthz as down while the database does not answer, and up again after', async () => {
    expect(await bot.healthz()).toBe(200);
    const users = Array.from({ length: FULL ? 50 : 0 }, (_, i) => `ou_pause_${i}_${Date.now().toString(36)}`);
    const payloads = users.map((u) => privateMessage(world, u, '帮助'));
    process.kill(world.ferret.pid, 'SIGSTOP');
    let arrivals: Promise<void> | undefined;
    try {
      const pausedAt = Date.now();
      arrivals = deliverUntilAcked(payloads);
      const sawDown = await until(async () => (await bot.healthz()) === 503, 15_000);
      expect(sawDown, '/healthz reported the paused database as down').toBe(true);
      console.log(`database paused: /healthz answered 503 after ${Date.now() - pausedAt} ms`);
      if (FULL) await new Promise((r) => setTimeout(r, Math.max(0, pausedAt + 10_000 - Date.now())));
    } finally {
      process.kill(world.ferret.pid, 'SIGCONT');
    }
    expect(await until(async () => (await bot.healthz()) === 200, 30_000), '/healthz up again').toBe(true);
    await arrivals;
    await settle(users);
    const f = figures(world.standin, users.length, users);
    if (FULL)
      console.log(
        `database paused 10 s: sent ${f.sent}, answered once ${f.answeredOnce}, lost ${f.lost}, duplicated ${f.duplicated}`,
      );
    expect(f).toMatchObject({ lost: 0, duplicated: 0, answeredOnce: users.length });
  }, 120_000);
});

describe('a killed database', () => {
  it('answers webhooks with an error while it is down, and every event exactly once after it is back', async () => {
    const n = FULL ? 60 : 20;
    const users = Array.from({ length: n }, (_, i) => `ou_dbkill_${i}_${Date.now().toString(36)}`);
    const payloads = users.map((u) => privateMessage(world, u, '帮助'));
    const half = n / 2;
    // the first half acknowledged, and the database killed right after: some are mid-processing
    const firstHalf = await Promise.all(payloads.slice(0, half).map((p) => deliver(world, bot.webhook, p)));
    process.kill(world.ferret.pid, 'SIGKILL');
    expect(firstHalf.every((s) => s === 200)).toBe(true);

    const duringOutage = await Promise.all(payloads.slice(half).map((p) => deliver(world, bot.webhook, p, 60_000)));
    expect(await bot.healthz()).toBe(503);
    console.log(`database killed: webhooks answered ${[...new Set(duringOutage)].join(', ')}`);
    expect(duringOutage.filter((s) => s >= 200 && s < 300)).toEqual([]);
    expect(duringOutage.filter((s) => s === 0)).toEqual([]);

    await world.restartDatabase();
    expect(await until(async () => (await bot.healthz()) === 200, 30_000), '/healthz up again').toBe(true);
    await deliverUntilAcked(payloads.slice(half));
    await settle(users);
    const f = figures(world.standin, n, users);
    console.log(
      `database killed: sent ${f.sent}, answered once ${f.answeredOnce}, lost ${f.lost}, duplicated ${f.duplicated}`,
    );
    expect(f).toMatchObject({ lost: 0, duplicated: 0, answeredOnce: n });
  }, 150_000);
});
