import { performance } from 'node:perf_hooks';
import { planSteps } from '../../handlers/reimbursements/approval.ts';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { Identity, Staff } from '../../src/models/index.ts';
import type { LarkStandin } from '../helpers/lark-standin.ts';

/** What one pipeline did at one offered rate. */
export interface RateResult {
  label: string;
  rate: number;
  sent: number;
  acked: number;
  ack: Stats;
  /** Acknowledgement p99 of the events sent in each 10 s of the run (a stall shows as one window). */
  ackP99By10s: number[];
  reply: Stats;
  repliesPerSecond: number;
  /** Acknowledgements slower than Lark's 3 s, or none at all. */
  timeouts: number;
  lost: number;
  duplicated: number;
  /** From the first send until every acknowledged event was answered (or the wait gave up). */
  drainSeconds: number;
  rateLimited: { app: number; chat: number };
  roundTrips: Record<string, number>;
  roundTripsPerEvent: number;
  /** Time spent waiting on each kind of database command (the profile). */
  dbWaitMs?: Record<string, number>;
  cpu: { process: number; ferretdb: number };
}

export interface Stats {
  p50?: number;
  p99?: number;
  max?: number;
}

export const MIX = ['帮助', '我的报销', '报销', '登记投诉 万达物业', '我是谁'];

export function stats(values: number[]): Stats {
  if (!values.length) return {};
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

let phoneSeq = 0;

/** `n` bound staff per pipeline (`${id}_bot`, `${id}_minimal`), each with a role that can use the whole mix. */
export async function seedPeople(
  prefix: string,
  n: number,
  roles: string[] = ['guard', 'customer_service'],
): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `ou_${prefix}_${i}`);
  for (const suffix of ['bot', 'minimal']) {
    for (let from = 0; from < n; from += 500) {
      const slice = ids.slice(from, from + 500);
      const staff = await Staff.insertMany(
        slice.map((id, i) => ({
          name: `队员${from + i}`,
          phone: `13${String(++phoneSeq).padStart(9, '0')}`,
          roles,
          post: '万达广场',
        })),
      );
      await Identity.insertMany(
        slice.map((id, i) => ({
          _id: `lark:${id}_${suffix}`,
          staffId: staff[i]!._id,
          channel: 'lark',
          userId: `${id}_${suffix}`,
          boundAt: new Date(),
        })),
      );
    }
  }
  return ids;
}

export interface RunOptions {
  label: string;
  rate: number;
  seconds: number;
  people: string[];
  event(openId: string, text: string): unknown;
  post(payload: unknown): Promise<number>;
  standin: LarkStandin;
  /** Inbox records not yet finished (the bot's; 0 for the minimal pipeline). */
  unfinished(): Promise<number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Offers one event per person at a fixed rate, then waits until every acknowledged one is answered. */
export async function runRate(o: RunOptions): Promise<RateResult> {
  const n = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const payloads = o.people.slice(0, n).map((id, i) => ({ id, payload: o.event(id, MIX[i % MIX.length]!) }));
  const sentAt = new Map<string, number>();
  const acks: Promise<{ id: string; ms: number; status: number; window: number }>[] = [];
  const start = performance.now();
  const wallStart = Date.now();
  let i = 0;
  while (i < n) {
    const now = performance.now();
    while (i < n && start + i * interval <= now) {
      const window = Math.floor((i * interval) / 10_000);
      const { id, payload } = payloads[i++]!;
      sentAt.set(`oc_p2p_${id}`, Date.now());
      const t0 = performance.now();
      acks.push(
        o.post(payload).then(
          (status) => ({ id, ms: performance.now() - t0, status, window }),
          () => ({ id, ms: performance.now() - t0, status: 0, window }),
        ),
      );
    }
    await sleep(1);
  }
  const done = await Promise.all(acks);
  const acked = done.filter((a) => a.status === 200);
  const ackedChats = new Set(acked.map((a) => `oc_p2p_${a.id}`));
  // every acknowledged event answered and the inbox empty (so the next run starts clean), or no progress for 60 s
  let last = '';
  let lastProgress = Date.now();
  for (;;) {
    const answered = new Set(
      o.standin
        .sent()
        .map((r) => String(r.body.receive_id))
        .filter((c) => ackedChats.has(c)),
    ).size;
    // counting the backlog costs FerretDB a scan of it: only once everything looks answered
    const unfinished = answered === ackedChats.size ? await o.unfinished() : -1;
    if (answered === ackedChats.size && unfinished === 0) break;
    if (`${answered}/${unfinished}` !== last) {
      last = `${answered}/${unfinished}`;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > 60_000) break;
    await sleep(200);
  }
  const drainSeconds = (Date.now() - wallStart) / 1000;
  // a late duplicate would come within the stand-in's answer time; give it a second after all were answered
  await sleep(1000);
  const byChat = new Map<string, number[]>();
  for (const r of o.standin.sent()) {
    const chat = String(r.body.receive_id);
    if (!sentAt.has(chat)) continue;
    byChat.set(chat, [...(byChat.get(chat) ?? []), r.at]);
  }
  const replyMs: number[] = [];
  let lost = 0;
  let duplicated = 0;
  let lastReply = wallStart;
  for (const chat of ackedChats) {
    const at = byChat.get(chat);
    if (!at) {
      lost++;
      continue;
    }
    if (at.length > 1) duplicated++;
    replyMs.push(at[0]! - sentAt.get(chat)!);
    lastReply = Math.max(lastReply, at[0]!);
  }
  return {
    label: o.label,
    rate: o.rate,
    sent: n,
    acked: acked.length,
    ack: stats(done.map((a) => a.ms)),
    ackP99By10s: [...new Set(done.map((a) => a.window))]
      .sort((a, b) => a - b)
      .map((w) => Math.round(stats(done.filter((a) => a.window === w).map((a) => a.ms)).p99!)),
    reply: stats(replyMs),
    repliesPerSecond: replyMs.length / Math.max(0.001, (lastReply - wallStart) / 1000),
    timeouts: done.filter((a) => a.status !== 200 || a.ms > 3000).length,
    lost,
    duplicated,
    drainSeconds,
    rateLimited: { app: 0, chat: 0 },
    roundTrips: {},
    roundTripsPerEvent: 0,
    cpu: { process: 0, ferretdb: 0 },
  };
}

export interface ClickResult {
  rate: number;
  sent: number;
  /** Callback answers that carried a toast or card. */
  answered: number;
  answer: Stats;
  /** Answered after 1 s (the target) and after Lark's 3 s. */
  over1s: number;
  over3s: number;
  /** The 20 slowest answers and when (seconds into the run) their click was sent. */
  slowest: { atS: number; ms: number }[];
}

/**
 * Card clicks at `rate`/s for `seconds` (each a 批准 on a claim's approval card, see seedClaims);
 * measures the time to the callback's answer.
 */
export async function runClicks(o: {
  rate: number;
  seconds: number;
  people: string[];
  click(openId: string, i: number): unknown;
  post(payload: unknown): Promise<{ status: number; body: string }>;
}): Promise<ClickResult> {
  const n = Math.round(o.rate * o.seconds);
  const times: Promise<{ ms: number; ok: boolean; atS: number }>[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / o.rate;
    while (performance.now() < due) await sleep(2);
    const t0 = performance.now();
    const atS = Math.round((t0 - start) / 100) / 10;
    times.push(
      o.post(o.click(o.people[i % o.people.length]!, i)).then(
        (r) => ({ ms: performance.now() - t0, ok: r.status === 200 && /toast|card/.test(r.body), atS }),
        () => ({ ms: performance.now() - t0, ok: false, atS }),
      ),
    );
  }
  const done = await Promise.all(times);
  const ms = done.map((d) => d.ms);
  // when the slow ones were sent tells a stall (one cluster) from a queue (spread out)
  const slowest = [...done]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 20)
    .map((d) => ({ atS: d.atS, ms: Math.round(d.ms) }));
  return {
    rate: o.rate,
    sent: n,
    answered: done.filter((d) => d.ok).length,
    answer: stats(ms),
    over1s: ms.filter((m) => m > 1000).length,
    over3s: ms.filter((m) => m > 3000).length,
    slowest,
  };
}

/**
 * One reimbursement claim per click waiting for 综合部's review (§3.5.1), so each click in the
 * bench is a real card approval: a guarded transition, the next approvers told, the card updated.
 */
export async function seedClaims(prefix: string, n: number): Promise<string[]> {
  const now = new Date();
  const steps = planSteps([]).map((s) => ({ ...s, status: 'waiting' }));
  const nos = Array.from({ length: n }, (_, i) => `BX-20261127-${prefix}${String(i).padStart(4, '0')}`);
  for (let from = 0; from < n; from += 500) {
    await ReimbursementClaim.insertMany(
      nos.slice(from, from + 500).map((no) => ({
        _id: no,
        claimantId: 'bench-claimant',
        claimantName: '报销人',
        items: [{ date: '2026-11-20', category: 'bus', amount: 1200, matter: '巡查', contact: '王经理' }],
        total: 1200,
        steps,
        stepIndex: 0,
        status: 'pending',
        currentRole: steps[0]!.role,
        stepSince: now,
        submittedAt: now,
        history: [{ at: now, by: 'bench-claimant', byName: '报销人', action: 'submitted' }],
      })),
    );
  }
  return nos;
}
