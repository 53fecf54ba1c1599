/*
 * npm run bench — the real bot process (webhook mode, FerretDB, the Lark Open API stand-in behind
 * Lark's send limits) driven with signed, encrypted im.message.receive_v1 events at fixed rates,
 * beside a minimal pipeline on the same database and SDK crypto. Prints a table and writes
 * bench-results/throughput.json.
 *
 * BENCH_SECONDS (default 12; 60 for the full minute), BENCH_RATES (default 10,25,50,100,200),
 * BENCH_OUT (the JSON file).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { BotProcess, type FaultWorld, startFaultWorld } from '../helpers/bot-process.ts';
import { cardActionEvent, larkRequest, messageEvent } from '../helpers/lark-standin.ts';
import { type ClickResult, type RateResult, runClicks, runRate, seedClaims, seedPeople } from './drive.ts';
import { MinimalPipeline } from './minimal.ts';
import { RateLimitProxy } from './rate-limit-proxy.ts';
import { WireCounter } from './wire-count.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);
/** Card clicks per second sent alongside the bot's messages (0 turns them off). */
const CLICKS = Number(process.env.BENCH_CLICKS ?? 5);
const RATES = (process.env.BENCH_RATES ?? '10,25,50,100,200').split(',').map(Number);
const OUT = path.resolve(
  process.env.BENCH_OUT ?? path.join(import.meta.dirname, '../../bench-results/throughput.json'),
);

function cpuTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

let world: FaultWorld;

async function main(): Promise<void> {
  process.on('unhandledRejection', (err) => process.stderr.write(`unhandled rejection: ${String(err)}\n`));
  world = await startFaultWorld({ LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error' });
  const botApi = await RateLimitProxy.start(world.standin.url);
  const minApi = await RateLimitProxy.start(world.standin.url);
  const botWire = await WireCounter.start('127.0.0.1', world.ferret.port);
  const minWire = await WireCounter.start('127.0.0.1', world.ferret.port);
  const dbName = new URL(world.uri).pathname.slice(1);
  const bot = await BotProcess.start({
    ...world.env,
    LARK_DOMAIN: botApi.url,
    MONGODB_URI: `mongodb://127.0.0.1:${botWire.port}/${dbName}`,
  });
  const minDb = await mongoose.createConnection(`mongodb://127.0.0.1:${minWire.port}/${dbName}`).asPromise();
  const minimal = await MinimalPipeline.start({
    db: minDb,
    encryptKey: world.encryptKey,
    appId: world.env.LARK_APP_ID!,
    appSecret: world.env.LARK_APP_SECRET!,
    domain: minApi.url,
  });
  const results: { rate: number; bot: RateResult; minimal: RateResult; clicks?: ClickResult }[] = [];
  const post = (url: string) => (payload: unknown) => {
    const { body, headers } = larkRequest(payload, world.encryptKey);
    return fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) }).then(async (r) => {
      await r.text();
      return r.status;
    });
  };
  try {
    for (const rate of RATES) {
      const seeded = await seedPeople(`r${rate}`, rate * SECONDS + 1);
      // 综合部 reviewers, each approving one claim by its card's 批准 button
      const clickers = CLICKS ? await seedPeople(`c${rate}`, Math.ceil(CLICKS * SECONDS), ['general_affairs']) : [];
      const claims = CLICKS ? await seedClaims(String(rate), Math.ceil(CLICKS * SECONDS)) : [];
      // seeding moved the people stamp: one event first, so the bot's directory reload (about 0.1 s
      // per 10,000 people, once after a roster change) is not charged to the measured events
      const people = seeded.slice(0, -1);
      await warmUp(`${seeded.at(-1)!}_bot`, bot.webhook);
      let clicks: Promise<ClickResult> | undefined;
      for (const [label, url, api, wire, pids] of [
        ['bot', bot.webhook, botApi, botWire, [bot.child.pid!]],
        ['minimal', minimal.webhook, minApi, minWire, [process.pid]],
      ] as const) {
        world.standin.reset();
        api.reset();
        wire.reset();
        const before = pids.map(cpuTicks);
        const ferretBefore = cpuTicks(world.ferret.pid);
        if (label === 'bot' && CLICKS) {
          clicks = runClicks({
            rate: CLICKS,
            seconds: SECONDS,
            people: clickers.map((p) => `${p}_bot`),
            click: (openId, i) =>
              cardActionEvent({
                token: world.token,
                openId,
                value: { action: 'reimburse.approve', no: claims[i]!, v: '0' },
                messageId: `om_bench_card_${i}`,
                chatId: `oc_p2p_${openId}`,
              }),
            post: (payload) => {
              const { body, headers } = larkRequest(payload, world.encryptKey);
              return fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) }).then(
                async (res) => ({ status: res.status, body: await res.text() }),
              );
            },
          });
        }
        const r = await runRate({
          label,
          rate,
          seconds: SECONDS,
          people: people.map((p) => `${p}_${label}`),
          event: (openId, text) => messageEvent({ token: world.token, openId, text }),
          post: post(url),
          standin: world.standin,
          unfinished:
            label === 'bot' ? () => mongoose.connection.db!.collection('inboxpending').countDocuments() : async () => 0,
        });
        // /proc stat counts in clock ticks of 1/100 s
        const ticks = 100;
        r.cpu = {
          process: (cpuTicks(pids[0]) - before[0]!) / ticks,
          ferretdb: (cpuTicks(world.ferret.pid) - ferretBefore) / ticks,
        };
        r.rateLimited = { ...api.refused };
        r.roundTrips = wire.snapshot();
        r.dbWaitMs = wire.waited();
        // per inbound event: the clicks sent alongside count as events too
        const events = r.sent + (label === 'bot' && CLICKS ? Math.round(CLICKS * SECONDS) : 0);
        r.roundTripsPerEvent = Object.values(r.roundTrips).reduce((a, b) => a + b, 0) / events;
        if (label === 'bot') results.push({ rate, bot: r, minimal: undefined as never, clicks: await clicks });
        else results[results.length - 1]!.minimal = r;
        print(label, r);
        save(results);
      }
    }
  } finally {
    await minimal.close();
    await minDb.close();
    await bot.kill('SIGTERM');
    await botWire.close();
    await minWire.close();
    await botApi.close();
    await minApi.close();
    await world.close();
  }
  table(results);
  save(results);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), OUT)}\n`);
}

async function warmUp(openId: string, url: string): Promise<void> {
  const { body, headers } = larkRequest(messageEvent({ token: world.token, openId, text: '帮助' }), world.encryptKey);
  const before = world.standin.sent().length;
  await fetch(url, { method: 'POST', body, headers });
  for (let i = 0; i < 100 && world.standin.sent().length === before; i++) await new Promise((r) => setTimeout(r, 100));
}

/** Written after every run, so a long run that is stopped still leaves its figures. */
function save(results: unknown[]): void {
  mkdirSync(path.dirname(OUT), { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadavg: os.loadavg(),
  };
  writeFileSync(
    OUT,
    `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, machine, mix: MIX_NOTE, results }, null, 2)}\n`,
  );
}

const MIX_NOTE =
  'bound staff, one event per person in their own p2p chat, cycling 帮助 / 我的报销 (lookup) / 报销 (reimbursement item form) / 登记投诉 万达物业 (complaint form) / 我是谁';

const ms = (v: number | undefined) =>
  v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;

function print(label: string, r: RateResult): void {
  process.stdout.write(
    `${String(r.rate).padStart(4)}/s ${label.padEnd(8)} ack ${ms(r.ack.p50)}/${ms(r.ack.p99)} reply ${ms(r.reply.p50)}/${ms(r.reply.p99)} ` +
      `${r.repliesPerSecond.toFixed(1)} replies/s, timeouts ${r.timeouts}, lost ${r.lost}, dup ${r.duplicated}, 429s ${r.rateLimited.app + r.rateLimited.chat}, ` +
      `round trips/event ${r.roundTripsPerEvent.toFixed(1)}, cpu ${r.cpu.process.toFixed(1)} s + ferretdb ${r.cpu.ferretdb.toFixed(1)} s\n`,
  );
}

function table(results: { rate: number; bot: RateResult; minimal: RateResult; clicks?: ClickResult }[]): void {
  const rows = [
    '| offered | bot ack p50 / p99 | bot reply p50 / p99 | bot replies/s | timeouts / lost / dup | minimal reply p50 / p99 | reply ratio p50 / p99 | round trips/event bot / minimal |',
    '|---|---|---|---|---|---|---|---|',
    ...results
      .map(({ rate, bot: b, minimal: m }) =>
        [
          `${rate}/s`,
          `${ms(b.ack.p50)} / ${ms(b.ack.p99)}`,
          `${ms(b.reply.p50)} / ${ms(b.reply.p99)}`,
          b.repliesPerSecond.toFixed(1),
          `${b.timeouts} / ${b.lost} / ${b.duplicated}`,
          `${ms(m.reply.p50)} / ${ms(m.reply.p99)}`,
          `${(b.reply.p50! / m.reply.p50!).toFixed(1)}× / ${(b.reply.p99! / m.reply.p99!).toFixed(1)}×`,
          `${b.roundTripsPerEvent.toFixed(1)} / ${m.roundTripsPerEvent.toFixed(1)}`,
        ].join(' | '),
      )
      .map((r) => `| ${r} |`),
  ];
  process.stdout.write(`\n${rows.join('\n')}\n`);
  const clicks = results.filter((r) => r.clicks);
  if (!clicks.length) return;
  const c = [
    '| messages offered | clicks/s | click answer p50 / p99 / max | answered | over 1 s / over 3 s |',
    '|---|---|---|---|---|',
    ...clicks.map(
      ({ rate, clicks: k }) =>
        `| ${rate}/s | ${k!.rate} | ${ms(k!.answer.p50)} / ${ms(k!.answer.p99)} / ${ms(k!.answer.max)} | ${k!.answered}/${k!.sent} | ${k!.over1s} / ${k!.over3s} |`,
    ),
  ];
  process.stdout.write(`\n${c.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
