/*
 * npm run bench:reports — a year of a 3,000-guard company (reports-seed.ts) on the embedded database,
 * then the weekly report for the last full week and a month's export of every list, each timed over
 * several runs (median and max) with the peak memory of this process and of FerretDB. Writes
 * bench-results/reports.json and prints a table. Budget (issue #23): each ≤ 3 s, memory bounded.
 *
 * REPORTS_DATA (default bench-data/reports-year: kept between runs, so the second run skips seeding),
 * REPORTS_SCALE=tiny (2 dorms, 3 days: checks the bench itself), REPORTS_RUNS (default 5),
 * REPORTS_PROBES=0 (skip the raw query probes), REPORTS_ONLY=weekly, exports or search, MONGODB_URI (run against MongoDB instead of FerretDB),
 * REPORTS_OUT (the JSON file), REPORTS_PICK (comma-separated words: only the sections, exports and the
 * whole 周报 whose names contain one of them, e.g. `REPORTS_PICK=报销台账,费用报销`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import pino from 'pino';
import { absenceKeysFilled } from '../../handlers/dorms/absence-keys.ts';
import { claimantKeysFilled } from '../../handlers/reimbursements/claimant-keys.ts';
import { ChartPictures, sendReport } from '../../handlers/reports/render.ts';
import { weeklyCards } from '../../handlers/reports/weekly.ts';
import { driverKeysFilled } from '../../handlers/vehicles/driver-keys.ts';
import { Bot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { chartLibraries } from '../../src/core/chart-image.ts';
import type { Services } from '../../src/core/context.ts';
import { narrowCopiesBuilt } from '../../src/core/narrow-copy.ts';
import { type Period, REPORTING } from '../../src/core/reporting.ts';
import { isFileMessage, TEXT_ONLY } from '../../src/core/types.ts';
import { writeXlsx } from '../../src/core/xlsx-export.ts';
import { type RunningFerret, startFerret } from '../../src/db/ferretdb.ts';
import { composition } from '../../src/workflows.ts';
import { MemoryReceiver } from '../helpers/harness.ts';
import { benchContext, type Measured, measure, processRssMb } from './reports-measure.ts';
import { probes } from './reports-probes.ts';
import { searches } from './reports-search.ts';
import { ensureSeeded, TINY, YEAR } from './reports-seed.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const TZ = 'Asia/Shanghai';
/** The day after the last seeded day; the bench runs on its morning (a Tuesday). */
const END = '2026-12-01';
const NOW = DateTime.fromISO(`${END}T10:00`, { zone: TZ });
const TINY_RUN = process.env.REPORTS_SCALE === 'tiny';
const SCALE = TINY_RUN ? TINY : YEAR;
const RUNS = Number(process.env.REPORTS_RUNS ?? 5);
const DATA = path.resolve(
  process.env.REPORTS_DATA ?? path.join(ROOT, 'bench-data', TINY_RUN ? 'reports-tiny' : 'reports-year'),
);
const OUT = path.resolve(process.env.REPORTS_OUT ?? path.join(ROOT, 'bench-results', 'reports.json'));
const BUDGET_MS = 3000;
const PICK = (process.env.REPORTS_PICK ?? '').split(',').filter(Boolean);
const picked = (name: string) => !PICK.length || PICK.some((w) => name.includes(w));

const log = (m: string) => process.stdout.write(`${m}\n`);

/** The last full week (Monday to Monday) before now, and the last full month. */
function lastWeek(now: DateTime): Period {
  const to = now.startOf('week');
  const from = to.minus({ weeks: 1 });
  return {
    from: from.toJSDate(),
    to: to.toJSDate(),
    label: `${from.toISODate()} 至 ${to.minus({ days: 1 }).toISODate()}`,
  };
}

function lastMonth(now: DateTime): { period: Period; yyyyMm: string } {
  const to = now.startOf('month');
  const from = to.minus({ months: 1 });
  return {
    period: { from: from.toJSDate(), to: to.toJSDate(), label: `${from.year}年${from.month}月` },
    yyyyMm: from.toFormat('yyyy-LL'),
  };
}

/** How `导出 <list> <month>` may be typed; the first the definition accepts is used. */
const MONTH_ARGS = (yyyyMm: string) => [
  yyyyMm,
  '上月',
  `${Number(yyyyMm.slice(0, 4))}年${Number(yyyyMm.slice(5))}月`,
  // a list without dates (客户列表): all of it
  '全部',
  '',
];

async function weekly(services: Services, week: Period, dbPid: number | undefined): Promise<Measured[]> {
  const sections = services.extensions.of(REPORTING.weekly);
  const out: Measured[] = [];
  for (const s of sections) {
    if (!picked(`周报 ${s.title}`)) continue;
    out.push(
      await measure(s.title, 'weekly section', RUNS, dbPid, async () => {
        const part = await s.build(services, week);
        return `${part.lines.length} lines, ${part.charts?.length ?? 0} charts`;
      }),
    );
  }
  if (sections.length && picked('周报 (all sections, cards, PNG charts)')) {
    // as 周报 runs for a text channel (weeklyReport): the sections at once, each one's charts drawn
    // as it is built, then the cards sent with their PNG files (written to a folder of the bench's)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reports-bench-png-'));
    try {
      const drawing = { config: { ...services.config, dataDir: dir }, now: services.now };
      out.push(
        await measure('周报 (all sections, cards, PNG charts)', 'weekly', RUNS, dbPid, async () => {
          const pictures = new ChartPictures(drawing);
          const cards = await weeklyCards(services, week, pictures);
          let files = 0;
          let bytes = 0;
          await sendReport(pictures, TEXT_ONLY, cards, async (m) => {
            if (!isFileMessage(m)) return;
            files++;
            bytes += statSync(m.path).size;
          });
          return `${cards.length} cards, ${files} charts, ${(bytes / 1024).toFixed(0)} KB PNG`;
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

async function exportsOf(services: Services, yyyyMm: string, dbPid: number | undefined): Promise<Measured[]> {
  const out: Measured[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reports-bench-'));
  try {
    for (const def of services.extensions.of(REPORTING.exports)) {
      if (!picked(`导出 ${def.words[0]}`)) continue;
      let args: string | undefined;
      let refusal = '';
      for (const a of MONTH_ARGS(yyyyMm)) {
        const sheets = await def.sheets(benchContext(services, a), a);
        if (!('error' in sheets)) {
          args = a;
          break;
        }
        refusal = sheets.error;
      }
      const name = `导出 ${def.words[0]} ${args ?? ''}`.trim();
      if (args === undefined) {
        out.push({ ...empty(name, 'export'), error: `refused every month form: ${refusal}` });
        continue;
      }
      const file = path.join(dir, `${def.title}.xlsx`);
      out.push(
        await measure(name, 'export', RUNS, dbPid, async () => {
          const sheets = await def.sheets(benchContext(services, args), args);
          if ('error' in sheets) throw new Error(sheets.error);
          const written = await writeXlsx(file, def.title, sheets, TZ);
          const rows = written.reduce((n, w) => n + w.rows, 0);
          return `${rows} rows, ${(statSync(file).size / 1024).toFixed(0)} KB`;
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const empty = (name: string, kind: string): Measured => ({
  name,
  kind,
  runs: 0,
  medianMs: Number.NaN,
  maxMs: Number.NaN,
  peakRssMb: 0,
  peakHeapMb: 0,
  rssRiseMb: 0,
  peakDbRssMb: 0,
  cpuS: Number.NaN,
  dbCpuS: Number.NaN,
});

function table(rows: Measured[]): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
  const lines = [
    '| what | kind | median ms | max ms | CPU s bot / db | peak RSS MB (rise) | peak heap MB | FerretDB RSS MB | size | ≤ 3 s |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ok = r.error ? `error: ${r.error.slice(0, 80)}` : r.maxMs <= BUDGET_MS ? 'yes' : 'NO';
    lines.push(
      `| ${r.name} | ${r.kind} | ${f(r.medianMs)} | ${f(r.maxMs)} | ${r.cpuS.toFixed(1)} / ${r.dbCpuS.toFixed(1)} | ${f(r.peakRssMb)} (+${f(r.rssRiseMb)}) | ${f(r.peakHeapMb)} | ${f(r.peakDbRssMb)} | ${r.size ?? ''} | ${r.kind === 'probe' ? '' : ok} |`,
    );
  }
  return lines.join('\n');
}

/** Documents and stored size of each large collection, as the database reports them (collStats). */
async function sizes(): Promise<Record<string, { count: number; mb: number }>> {
  const db = mongoose.connection.db!;
  const out: Record<string, { count: number; mb: number }> = {};
  for (const c of await db.listCollections().toArray()) {
    const s = await db.command({ collStats: c.name }).catch(() => null);
    if (s && s.count >= 1000) out[c.name] = { count: s.count, mb: Math.round((s.size / 2 ** 20) * 10) / 10 };
  }
  return out;
}

async function main(): Promise<void> {
  let ferret: RunningFerret | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    mkdirSync(DATA, { recursive: true });
    ferret = await startFerret(DATA, { log });
    uri = `${ferret.uri.replace(/\/[^/]*$/, '')}/reports`;
  }
  await mongoose.connect(uri);
  try {
    const seed = await ensureSeeded(SCALE, END, TZ, log);
    log(seed.seededNow ? `seeded in ${seed.seconds.toFixed(0)} s` : `seed kept from an earlier run (${DATA})`);
    // a bot with a channel that shows charts as pictures (the console here, WeChat in production)
    const config = loadConfig({ BOT_CONSOLE: 'on', HTTP_PORT: '0', BOT_TIMEZONE: TZ }, composition.settings);
    const bot = new Bot({
      config,
      log: pino({ level: 'error' }),
      receivers: [new MemoryReceiver('console')],
      workflows: composition,
      now: () => NOW.toJSDate(),
      jobs: [],
    });
    // what every workflow's start does, as Bot.start runs them: once on a database from before the
    // day keys and the narrow copies (a full read of each collection), then nothing
    for (const step of composition.starts) {
      const t0 = Date.now();
      await step.run(bot.services);
      const s = (Date.now() - t0) / 1000;
      if (s >= 1) log(`start of ${step.name}: ${s.toFixed(0)} s`);
    }
    // what the reports' start loads in the background 2 s after start for such a bot
    await chartLibraries();
    // the narrow copies are built in the background after the start: measured once they are there
    const t0 = Date.now();
    await narrowCopiesBuilt();
    await Promise.all([absenceKeysFilled(), claimantKeysFilled(), driverKeysFilled()]);
    if (Date.now() - t0 >= 1000) log(`narrow copies and 查找 keys built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const week = lastWeek(NOW);
    const month = lastMonth(NOW);
    const pid = ferret?.pid;
    const results: Measured[] = [];
    if (process.env.REPORTS_PROBES !== '0') results.push(...(await probes(week, month.period, pid)));
    const only = process.env.REPORTS_ONLY;
    if (!only || only === 'weekly') results.push(...(await weekly(bot.services, week, pid)));
    if (!only || only === 'exports') results.push(...(await exportsOf(bot.services, month.yyyyMm, pid)));
    if (!only || only === 'search') results.push(...(await searches(bot.services, RUNS, pid, picked)));
    const collections = await sizes();
    const dataMb = ferret ? Number(execFileSync('du', ['-sm', DATA], { encoding: 'utf8' }).split('\t')[0]) : null;
    const report = {
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        load: os.loadavg(),
      },
      database: ferret ? 'FerretDB 1.24 (SQLite, _id index patch)' : 'MongoDB',
      dataMb,
      seed: seed.counts,
      collections,
      seedSeconds: seed.seconds,
      week: week.label,
      month: month.yyyyMm,
      runs: RUNS,
      budgetMs: BUDGET_MS,
      ferretIdleRssMb: processRssMb(pid),
      results,
    };
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
    log(`\nweek ${week.label}, month ${month.yyyyMm}, ${RUNS} runs each; data ${dataMb ?? '?'} MB\n`);
    log(table(results));
    log(`\nwritten to ${path.relative(process.cwd(), OUT)}`);
  } finally {
    await mongoose.disconnect();
    await ferret?.stop();
  }
}

void main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
