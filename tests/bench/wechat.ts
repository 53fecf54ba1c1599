/*
 * npm run bench:wechat — the real bot process with its WeChat receiver connected over gRPC
 * (wechaty-puppet-service) to a PuppetServer serving PuppetMock on 127.0.0.1, as in production,
 * on its own FerretDB. Bound people write privately at fixed rates (the throughput mix); measures
 * the time from the message to the bot's answer, losses and duplicates, and the database round
 * trips per message. Sends are not paced (WECHAT_SEND_INTERVAL_MS=0) so the figure is the bot's
 * own speed; in production the account's pacing (1 message/s by default) bounds replies.
 *
 * BENCH_SECONDS (default 10), BENCH_RATES (default 10,25,50; the table in docs/performance.md adds 100,200), BENCH_OUT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { payloads } from 'wechaty';
import { Identity, Staff } from '../../src/models/index.ts';
import { BotProcess, startFaultWorld } from '../helpers/bot-process.ts';
import { startWechatFixture } from '../helpers/wechat-fixture.ts';
import { MIX, type Stats, stats } from './drive.ts';
import { WireCounter } from './wire-count.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '10,25,50').split(',').map(Number);
const OUT = path.resolve(process.env.BENCH_OUT ?? path.join(import.meta.dirname, '../../bench-results/wechat.json'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WechatResult {
  rate: number;
  sent: number;
  answered: number;
  lost: number;
  duplicated: number;
  reply: Stats;
  repliesPerSecond: number;
  roundTripsPerEvent: number;
  roundTrips: Record<string, number>;
}

async function main(): Promise<void> {
  const world = await startFaultWorld({ LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error' });
  const wx = await startWechatFixture();
  const wire = await WireCounter.start('127.0.0.1', world.ferret.port);
  const dbName = new URL(world.uri).pathname.slice(1);
  const bot = await BotProcess.start({
    ...world.env,
    ...wx.env(),
    WECHAT_SEND_INTERVAL_MS: '0',
    MONGODB_URI: `mongodb://127.0.0.1:${wire.port}/${dbName}`,
  });
  // the bot's answers as the puppet service saw them, with the time they arrived
  const answers = new Map<string, number[]>();
  wx.puppet.on('message', ({ messageId }) => {
    const p = wx.mocker.messagePayload(messageId) as payloads.Message & { listenerId?: string };
    if (p.talkerId !== wx.botUser.id || !p.listenerId) return;
    answers.set(p.listenerId, [...(answers.get(p.listenerId) ?? []), Date.now()]);
  });
  const results: WechatResult[] = [];
  try {
    // the connection is up once the bot answers someone
    await sleep(2000);
    for (const rate of RATES) {
      const n = rate * SECONDS;
      const people = await seed(`w${rate}`, n, wx.mocker);
      wire.reset();
      const sentAt = new Map<string, number>();
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const due = start + (i * 1000) / rate;
        while (performance.now() < due) await sleep(1);
        sentAt.set(people[i]!.id, Date.now());
        wx.say(people[i]!, MIX[i % MIX.length]!);
      }
      const wallStart = Date.now() - (performance.now() - start);
      let last = -1;
      let still = Date.now();
      while (Date.now() - still < 30_000) {
        const got = people.filter((p) => answers.has(p.id)).length;
        if (got === n) break;
        if (got !== last) [last, still] = [got, Date.now()];
        await sleep(200);
      }
      await sleep(1000);
      const times = people.map((p) => answers.get(p.id));
      const reply = times.filter((t): t is number[] => !!t).map((t, i) => t[0]! - sentAt.get(people[i]!.id)!);
      const lastAt = Math.max(...times.filter((t): t is number[] => !!t).map((t) => t[0]!));
      const roundTrips = wire.snapshot();
      const r: WechatResult = {
        rate,
        sent: n,
        answered: times.filter(Boolean).length,
        lost: times.filter((t) => !t).length,
        duplicated: times.filter((t) => t && t.length > 1).length,
        reply: stats(reply),
        repliesPerSecond: reply.length / Math.max(0.001, (lastAt - wallStart) / 1000),
        roundTrips,
        roundTripsPerEvent: Object.values(roundTrips).reduce((a, b) => a + b, 0) / n,
      };
      results.push(r);
      process.stdout.write(
        `${rate}/s: answered ${r.answered}/${n}, lost ${r.lost}, dup ${r.duplicated}, reply p50 ${r.reply.p50} ms p99 ${r.reply.p99} ms, ${r.repliesPerSecond.toFixed(1)} replies/s, ${r.roundTripsPerEvent.toFixed(1)} round trips/message\n`,
      );
      save(results);
    }
  } finally {
    await bot.kill('SIGTERM');
    await wire.close();
    await wx.stop();
    await world.close();
  }
  const rows = [
    '| offered | answered | lost / dup | reply p50 / p99 | replies/s | round trips/message |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results)
    rows.push(
      `| ${r.rate}/s | ${r.answered}/${r.sent} | ${r.lost} / ${r.duplicated} | ${r.reply.p50} / ${r.reply.p99} ms | ${r.repliesPerSecond.toFixed(1)} | ${r.roundTripsPerEvent.toFixed(1)} |`,
    );
  process.stdout.write(`\n${rows.join('\n')}\n\nwrote ${path.relative(process.cwd(), OUT)}\n`);
}

/** `n` WeChat contacts, each bound to a staff member who may use the whole mix. */
async function seed(prefix: string, n: number, mocker: Awaited<ReturnType<typeof startWechatFixture>>['mocker']) {
  const contacts = Array.from({ length: n }, (_, i) =>
    mocker.createContact({ id: `wxid_${prefix}_${i}`, name: `队员${prefix}${i}` }),
  );
  const staff = await Staff.insertMany(
    contacts.map((c, i) => ({
      name: `队员${prefix}${i}`,
      phone: `15${prefix.replace(/\D/g, '').padStart(3, '0')}${String(i).padStart(6, '0')}`,
      roles: ['guard', 'customer_service'],
      post: '万达广场',
    })),
  );
  await Identity.insertMany(
    contacts.map((c, i) => ({
      _id: `wechat:${c.id}`,
      staffId: staff[i]!._id,
      channel: 'wechat',
      userId: c.id,
      boundAt: new Date(),
    })),
  );
  return contacts;
}

function save(results: WechatResult[]): void {
  mkdirSync(path.dirname(OUT), { recursive: true });
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() };
  writeFileSync(
    OUT,
    `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, machine, mix: MIX, results }, null, 2)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
