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
 * Two bot processes on one database, every event delivered to both (as a redelivery may land on
 * either instance); halfway through one is killed with SIGKILL and the other, without a restart,
 * takes over what the dead one acknowledged and did not finish.
 */
const FULL = process.env.FAULTS_FULL === '1';
const EVENTS = FULL ? 300 : 100;
const PER_SECOND = FULL ? 150 : 80;
const TAKEOVER_SECONDS = 10;
const SETTLE_MS = Number(process.env.FAULTS_SETTLE_SECONDS ?? TAKEOVER_SECONDS * 4 + 20) * 1000;

let world: FaultWorld;
let a: BotProcess;
let b: BotProcess;
beforeAll(async () => {
  world = await startFaultWorld({ INBOX_TAKEOVER_SECONDS: String(TAKEOVER_SECONDS) });
  [a, b] = await Promise.all([BotProcess.start(world.env), BotProcess.start(world.env)]);
});
afterAll(async () => {
  await Promise.all([a?.kill('SIGKILL'), b?.kill('SIGKILL')]);
  await world?.close();
});

describe('two instances on one database', () => {
  it('answer each doubly delivered event once, and the survivor takes over from one killed mid-burst', async () => {
    const users = Array.from({ length: EVENTS }, (_, i) => `ou_pair_${i}_${Date.now().toString(36)}`);
    const payloads = users.map((u) => privateMessage(world, u, '帮助'));
    const acked = new Set<number>();
    let killed: Promise<void> | undefined;
    const start = Date.now();
    const deliveries: Promise<void>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const due = start + (i * 1000) / PER_SECOND;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (i === EVENTS / 2) killed = a.kill('SIGKILL');
      const targets = killed ? [b] : [a, b];
      deliveries.push(
        Promise.all(targets.map((bot) => deliver(world, bot.webhook, payloads[i]))).then((statuses) => {
          if (statuses.includes(200)) acked.add(i);
        }),
      );
    }
    await Promise.all(deliveries);
    await killed;
    // whatever neither acknowledged, Lark pushes again to the survivor
    for (const i of users.keys()) {
      for (let tries = 0; !acked.has(i) && tries < 50; tries++) {
        if ((await deliver(world, b.webhook, payloads[i])) === 200) acked.add(i);
      }
    }
    expect(acked.size).toBe(EVENTS);
    await until(
      async () => users.every((u) => world.standin.sent(p2pChat(u)).length > 0) && (await unfinishedEvents()) === 0,
      SETTLE_MS,
      250,
    );
    const f = figures(world.standin, EVENTS, users);
    console.log(
      `two instances, each event to both, one killed halfway: sent ${f.sent}, acknowledged ${f.acknowledged}, answered once ${f.answeredOnce}, lost ${f.lost}, duplicated ${f.duplicated}`,
    );
    expect(f).toMatchObject({ lost: 0, duplicated: 0, answeredOnce: EVENTS });
  }, 150_000);
});
