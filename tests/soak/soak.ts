import { writeFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { HOW_TO_BIND } from '../../src/core/app.ts';
import { Identity, Staff } from '../../src/models/index.ts';
import {
  BotProcess,
  deliver,
  type FaultWorld,
  p2pChat,
  privateMessage,
  startFaultWorld,
  unfinishedEvents,
  until,
} from '../helpers/bot-process.ts';

/*
 * npm run test:soak (not part of npm test or CI): two bot processes on one database (FerretDB, as
 * the fault suite runs it), a mixed load of Lark webhook events for SOAK_MINUTES (default 10), one
 * instance killed with SIGKILL every 30–90 s and started again, the database paused (SIGSTOP) once.
 * Lark's behaviour is imitated: an event not answered 200 is pushed again (after 1–3 s here, instead
 * of Lark's 15 s) to whichever instance is up, and one event in ten is delivered to both. At the end
 * every acknowledged event must have been answered exactly once, with the answer its sender should
 * get. Everything listens on 127.0.0.1.
 *
 * Settings: SOAK_MINUTES (10), SOAK_RATE events per second (5), SOAK_PAUSE_SECONDS (10),
 * SOAK_SETTLE_SECONDS (180), SOAK_SEED, SOAK_REPORT (a JSON file for the figures).
 */

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RATE = Number(process.env.SOAK_RATE ?? 5);
const PAUSE_SECONDS = Number(process.env.SOAK_PAUSE_SECONDS ?? 10);
const SETTLE_SECONDS = Number(process.env.SOAK_SETTLE_SECONDS ?? 180);
const TAKEOVER_SECONDS = 10;
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);

/** mulberry32: the same seed gives the same run (kill times, targets, mix). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The mix: who writes what, and what the single answer must contain. */
const KINDS = [
  { kind: 'stranger 帮助', weight: 3, bound: undefined, text: '帮助', expect: HOW_TO_BIND.slice(0, 12) },
  { kind: 'guard 我是谁', weight: 3, bound: 'guard', text: '我是谁', expect: '你是 ' },
  { kind: 'guard 帮助', weight: 2, bound: 'guard', text: '帮助', expect: '我是谁' },
  { kind: 'admin 人员列表', weight: 1, bound: 'admin', text: '人员列表', expect: '' },
  { kind: 'admin 添加人员 (a form starts)', weight: 1, bound: 'admin', text: '添加人员', expect: '' },
] as const;
const TOTAL_WEIGHT = KINDS.reduce((n, k) => n + k.weight, 0);
function pickKind(): (typeof KINDS)[number] {
  let r = random() * TOTAL_WEIGHT;
  for (const k of KINDS) {
    r -= k.weight;
    if (r < 0) return k;
  }
  return KINDS[0];
}

interface SoakEvent {
  i: number;
  openId: string;
  kind: (typeof KINDS)[number];
  payload: unknown;
  firstSentAt: number;
  ackedAt?: number;
  posts: number;
}

const log = (m: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function main(): Promise<number> {
  log(`${MINUTES} min at ${RATE}/s, seed ${SEED}, takeover ${TAKEOVER_SECONDS} s`);
  const world: FaultWorld = await startFaultWorld({ INBOX_TAKEOVER_SECONDS: String(TAKEOVER_SECONDS) });
  const slots: (BotProcess | undefined)[] = [undefined, undefined];
  const stats = {
    kills: 0,
    restarts: 0,
    restartMs: [] as number[],
    pauseMs: 0,
    posts: 0,
    refusedPosts: 0,
    bothDelivered: 0,
  };
  let dbPaused = false;
  let stopping = false;
  try {
    [slots[0], slots[1]] = await Promise.all([BotProcess.start(world.env), BotProcess.start(world.env)]);

    // the people the bound senders are: one staff record and Lark identity per event, so every
    // event has a chat of its own and "answered once" is counted per event
    const events: SoakEvent[] = [];
    const total = Math.round(MINUTES * 60 * RATE);
    const staff: Record<string, unknown>[] = [];
    const identities: Record<string, unknown>[] = [];
    const run = Date.now().toString(36);
    for (let i = 0; i < total; i++) {
      const kind = pickKind();
      const openId = `ou_soak_${run}_${i}`;
      if (kind.bound) {
        const _id = new mongoose.Types.ObjectId();
        staff.push({
          _id,
          name: `员工${i}`,
          phone: `13${String(i).padStart(9, '0')}`,
          roles: [kind.bound],
          post: '万达广场',
        });
        identities.push({ _id: `lark:${openId}`, staffId: _id, channel: 'lark', userId: openId, boundAt: new Date() });
      }
      events.push({ i, openId, kind, payload: privateMessage(world, openId, kind.text), firstSentAt: 0, posts: 0 });
    }
    for (let k = 0; k < staff.length; k += 1000) {
      await Staff.insertMany(staff.slice(k, k + 1000));
      await Identity.insertMany(identities.slice(k, k + 1000));
    }
    log(`seeded ${staff.length} bound senders; ${total} events to send`);

    const live = () =>
      slots.filter((b): b is BotProcess => b !== undefined && b.child.exitCode === null && b.child.signalCode === null);

    /** Lark's side: push until some instance answers 200; one in ten goes to both instances at once. */
    async function push(e: SoakEvent): Promise<void> {
      e.firstSentAt = Date.now();
      const both = random() < 0.1;
      if (both) stats.bothDelivered++;
      // Lark gives up after a few redeliveries over hours; here a few minutes of trying is plenty
      for (let attempt = 0; attempt < 150; attempt++) {
        const up = live();
        const targets = up.length === 0 ? [] : both && up.length > 1 ? up : [up[Math.floor(random() * up.length)]!];
        const statuses = await Promise.all(targets.map((b) => deliver(world, b.webhook, e.payload, 10_000)));
        e.posts += targets.length;
        stats.posts += targets.length;
        stats.refusedPosts += statuses.filter((s) => s !== 200).length;
        if (statuses.includes(200)) {
          e.ackedAt = Date.now();
          return;
        }
        await sleep(between(1000, 3000));
      }
    }

    const deadline = Date.now() + MINUTES * 60_000;
    // kill -9 one instance every 30–90 s and start it again; never while the database is paused
    const killer = (async () => {
      while (Date.now() < deadline) {
        const next = Date.now() + between(30_000, 90_000);
        await sleep(Math.max(0, Math.min(next, deadline) - Date.now()));
        if (Date.now() >= deadline) break;
        while (dbPaused) await sleep(500);
        const n = random() < 0.5 ? 0 : 1;
        const victim = slots[n];
        if (!victim) continue;
        slots[n] = undefined;
        await victim.kill('SIGKILL');
        stats.kills++;
        const t0 = Date.now();
        log(`killed instance ${n} (kill ${stats.kills}), starting it again`);
        for (;;) {
          try {
            slots[n] = await BotProcess.start(world.env);
            break;
          } catch (err) {
            log(`restart failed, trying again: ${(err as Error).message.split('\n')[0]}`);
            await sleep(2000);
          }
        }
        stats.restarts++;
        stats.restartMs.push(Date.now() - t0);
      }
    })();
    // the database paused once, at 40 % of the run
    const pauser = (async () => {
      await sleep(MINUTES * 60_000 * 0.4);
      while (slots.some((s) => !s)) await sleep(500); // not during a restart
      dbPaused = true;
      log(`database paused for ${PAUSE_SECONDS} s`);
      const t0 = Date.now();
      process.kill(world.ferret.pid, 'SIGSTOP');
      try {
        await sleep(PAUSE_SECONDS * 1000);
      } finally {
        process.kill(world.ferret.pid, 'SIGCONT');
        stats.pauseMs = Date.now() - t0;
        dbPaused = false;
        log('database resumed');
      }
    })();

    const start = Date.now();
    const pushes: Promise<void>[] = [];
    for (const e of events) {
      const due = start + (e.i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      pushes.push(push(e));
      if (e.i % (RATE * 60) === 0 && e.i > 0) log(`${e.i} events sent`);
    }
    await Promise.all([killer, pauser]);
    log('load finished; waiting for every event to be pushed and answered');
    await Promise.all(pushes);
    stopping = true;
    const answered = () => events.every((e) => world.standin.sent(p2pChat(e.openId)).length > 0);
    const settled = await until(async () => answered() && (await unfinishedEvents()) === 0, SETTLE_SECONDS * 1000, 500);

    // the figures
    const sentTo = new Map<string, { at: number; text: string }[]>();
    for (const r of world.standin.sent()) {
      const to = String(r.body.receive_id);
      const text = r.body.msg_type === 'text' ? String(r.content?.text ?? '') : JSON.stringify(r.content ?? {});
      sentTo.set(to, [...(sentTo.get(to) ?? []), { at: r.at, text }]);
    }
    const acked = events.filter((e) => e.ackedAt !== undefined);
    const replies = (e: SoakEvent) => sentTo.get(p2pChat(e.openId)) ?? [];
    const lost = acked.filter((e) => replies(e).length === 0);
    const duplicated = acked.filter((e) => replies(e).length > 1);
    const wrong = acked.filter(
      (e) => replies(e).length === 1 && e.kind.expect && !replies(e)[0]!.text.includes(e.kind.expect),
    );
    const latencies = acked
      .filter((e) => replies(e).length)
      .map((e) => replies(e)[0]!.at - e.firstSentAt)
      .sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    const report = {
      minutes: MINUTES,
      ratePerSecond: RATE,
      seed: SEED,
      events: events.length,
      byKind: Object.fromEntries(KINDS.map((k) => [k.kind, events.filter((e) => e.kind === k).length])),
      acknowledged: acked.length,
      answeredOnce: acked.length - lost.length - duplicated.length,
      lost: lost.length,
      duplicated: duplicated.length,
      wrongAnswer: wrong.length,
      settled,
      unfinishedRecords: await unfinishedEvents(),
      posts: stats.posts,
      refusedPosts: stats.refusedPosts,
      deliveredToBoth: stats.bothDelivered,
      kills: stats.kills,
      restartSeconds: stats.restartMs.map((ms) => Math.round(ms / 100) / 10),
      databasePausedSeconds: Math.round(stats.pauseMs / 100) / 10,
      replyLatencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: latencies.at(-1) ?? 0 },
    };
    log(
      `soak ${MINUTES} min: ${report.events} events (${RATE}/s), acknowledged ${report.acknowledged}, answered once ${report.answeredOnce}, ` +
        `lost ${report.lost}, duplicated ${report.duplicated}, wrong answer ${report.wrongAnswer}; ${report.kills} kills, ` +
        `database paused ${report.databasePausedSeconds} s; ${report.posts} webhook posts (${report.refusedPosts} not answered 200); ` +
        `reply latency p50 ${report.replyLatencyMs.p50} ms, p95 ${report.replyLatencyMs.p95} ms, max ${report.replyLatencyMs.max} ms`,
    );
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, `${JSON.stringify(report, null, 2)}\n`);
    if (lost.length)
      log(
        `lost, e.g.: ${lost
          .slice(0, 5)
          .map((e) => `#${e.i} ${e.kind.kind}`)
          .join(', ')}`,
      );
    if (duplicated.length)
      log(
        `duplicated, e.g.: ${duplicated
          .slice(0, 5)
          .map((e) => `#${e.i} ${e.kind.kind} ×${replies(e).length}`)
          .join(', ')}`,
      );
    if (wrong.length)
      log(
        `wrong answer, e.g.: ${wrong
          .slice(0, 3)
          .map((e) => `#${e.i} ${e.kind.kind}: ${replies(e)[0]!.text.slice(0, 60)}`)
          .join(' | ')}`,
      );
    const ok =
      acked.length === events.length &&
      !lost.length &&
      !duplicated.length &&
      !wrong.length &&
      report.unfinishedRecords === 0;
    log(ok ? 'PASS: every event answered exactly once' : 'FAIL');
    return ok ? 0 : 1;
  } finally {
    stopping = true;
    await Promise.all(slots.map((b) => b?.kill('SIGKILL')));
    await world.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak test failed to run: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
