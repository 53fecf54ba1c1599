import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Services, StaffContext } from '../../src/core/context.ts';
import { ROLES, type Role, TEXT_ONLY } from '../../src/core/types.ts';

/*
 * How the report bench (reports.ts) measures: wall time of several runs (median and max), the peak
 * memory of this process (sampled every 50 ms) and of the database server, and the context a
 * report or export runs in.
 */

export interface Sample {
  rssMb: number;
  heapMb: number;
  dbRssMb: number;
}

export interface Measured {
  name: string;
  kind: string;
  runs: number;
  medianMs: number;
  maxMs: number;
  /** Every run's wall time, in the order run (the first pays for what a process loads once). */
  runsMs?: number[];
  /** Peak over all runs, and the rise over what the process held just before. */
  peakRssMb: number;
  peakHeapMb: number;
  rssRiseMb: number;
  peakDbRssMb: number;
  /** CPU seconds of the median run: this process, and the database server (wall time depends on the machine's load). */
  cpuS: number;
  dbCpuS: number;
  /** Rows written (exports) or lines and charts (weekly sections). */
  size?: string;
  error?: string;
}

const MB = 1024 * 1024;

/** Resident memory of another process (the FerretDB server), 0 when it cannot be read. */
export function processRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds another process (the FerretDB server) has used, 0 when it cannot be read. */
export function processCpuS(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** Samples memory every 50 ms while `work` runs; returns the peaks and the time taken. */
export async function sampled<T>(
  dbPid: number | undefined,
  work: () => Promise<T>,
): Promise<{ ms: number; cpuS: number; dbCpuS: number; peak: Sample; before: Sample; value: T }> {
  const read = (): Sample => {
    const m = process.memoryUsage();
    return { rssMb: m.rss / MB, heapMb: m.heapUsed / MB, dbRssMb: processRssMb(dbPid) };
  };
  const before = read();
  const peak = { ...before };
  const take = () => {
    const s = read();
    peak.rssMb = Math.max(peak.rssMb, s.rssMb);
    peak.heapMb = Math.max(peak.heapMb, s.heapMb);
    peak.dbRssMb = Math.max(peak.dbRssMb, s.dbRssMb);
  };
  const timer = setInterval(take, 50);
  const cpu0 = process.cpuUsage();
  const db0 = processCpuS(dbPid);
  const t0 = performance.now();
  try {
    const value = await work();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    take();
    return { ms, cpuS: (cpu.user + cpu.system) / 1e6, dbCpuS: processCpuS(dbPid) - db0, peak, before, value };
  } finally {
    clearInterval(timer);
  }
}

/** Runs `work` `runs` times (after one unmeasured warm-up when `warm`), one after another. */
export async function measure(
  name: string,
  kind: string,
  runs: number,
  dbPid: number | undefined,
  work: () => Promise<string | undefined>,
): Promise<Measured> {
  const times: number[] = [];
  const cpus: { cpuS: number; dbCpuS: number; ms: number }[] = [];
  let peakRss = 0;
  let peakHeap = 0;
  let rise = 0;
  let peakDb = 0;
  let size: string | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      const r = await sampled(dbPid, work);
      times.push(r.ms);
      cpus.push(r);
      size = r.value;
      peakRss = Math.max(peakRss, r.peak.rssMb);
      peakHeap = Math.max(peakHeap, r.peak.heapMb);
      peakDb = Math.max(peakDb, r.peak.dbRssMb);
      rise = Math.max(rise, r.peak.rssMb - r.before.rssMb);
    }
  } catch (err) {
    return {
      ...stats(name, kind, times, cpus),
      peakRssMb: peakRss,
      peakHeapMb: peakHeap,
      rssRiseMb: rise,
      peakDbRssMb: peakDb,
      error: String((err as Error)?.stack ?? err)
        .split('\n')
        .slice(0, 3)
        .join(' '),
    };
  }
  const done = {
    ...stats(name, kind, times, cpus),
    peakRssMb: peakRss,
    peakHeapMb: peakHeap,
    rssRiseMb: rise,
    peakDbRssMb: peakDb,
    size,
  };
  process.stdout.write(
    `${kind} ${name}: median ${done.medianMs.toFixed(0)} ms, max ${done.maxMs.toFixed(0)} ms (runs ${done.runsMs?.join(', ')} ms)\n`,
  );
  return done;
}

function stats(name: string, kind: string, times: number[], cpus: { cpuS: number; dbCpuS: number; ms: number }[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN;
  const mid = cpus.find((c) => c.ms === median);
  return {
    name,
    kind,
    runs: times.length,
    medianMs: median,
    maxMs: sorted.at(-1) ?? Number.NaN,
    runsMs: times.map((t) => Math.round(t)),
    cpuS: mid?.cpuS ?? Number.NaN,
    dbCpuS: mid?.dbCpuS ?? Number.NaN,
  };
}

/**
 * A context as a staff member with every role gets it, for the export definitions' `sheets`:
 * the bench reads what an admin who is also 财务 and 董事长 may read, so nothing is left out.
 */
export function benchContext(services: Services, args: string): StaffContext & { replies: string[] } {
  const replies: string[] = [];
  const roles = new Set<Role>(ROLES);
  const ctx = {
    event: {
      id: 'bench',
      channel: 'console',
      chat: { id: 'bench', isGroup: false },
      userId: 'bench',
      kind: 'message',
      text: args,
      receivedAt: services.now(),
    },
    channel: 'console',
    can: TEXT_ONLY,
    chat: { id: 'bench', isGroup: false },
    sender: { identity: 'console:bench', staffId: '', name: '压测', roles },
    text: args,
    args,
    services,
    log: services.log,
    replies,
    reply: async (m: unknown) => {
      replies.push(typeof m === 'string' ? m : JSON.stringify(m).slice(0, 200));
      return { channel: 'console', messageId: String(replies.length) };
    },
    updateCard: async () => {},
    toast: async (t: string) => {
      replies.push(t);
    },
    send: async () => ({ channel: 'console', messageId: 'x' }),
    hasRole: (...r: Role[]) => r.some((x) => roles.has(x)),
  };
  return ctx as unknown as StaffContext & { replies: string[] };
}
