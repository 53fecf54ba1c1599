import { Complaint } from '../../handlers/complaints/models.ts';
import { complaintSettings } from '../../handlers/complaints/settings.ts';
import { backfillComplaintKeys, sweepComplaints } from '../../schedules/complaints.ts';
import type { Services } from '../../src/core/context.ts';
import { DueChunk, Identity, Staff } from '../../src/models/index.ts';

export interface SweepResult {
  /** Complaints stored when the sweep ran. */
  stored: number;
  /** True when the insert budget ran out and `stored` is smaller than asked. */
  capped: boolean;
  asked: number;
  insertMs: number;
  due: number;
  /** Writing the due keys of every stored case (the one-time start-up backfill). */
  backfillMs: number;
  /** One read of a case by bare `_id`, what the sweep does per due key. */
  dueQueryMs: number;
  /** One sweepComplaints() call, notifications included. */
  sweepMs: number;
  actedOn: number;
  /** Cases the sweep changed that were not due (must be 0). */
  wronglyTouched: number;
  /** A second sweep right after, with nothing due: what the stored volume alone costs. */
  emptySweepMs: number;
  /** Notifications the sweep got accepted at the stand-in, and 429s it met on the way. */
  notifications: number;
  rateLimited: number;
  /** FerretDB's explain of an `_id` range on the keys and of a bare `_id` read: what reaches SQLite. */
  plan: Record<string, unknown>;
}

const BATCH = 1000;
const HOUR = 3600_000;

let seeded = false;

/** The customer-service head and 综合部 an escalation goes to, bound on Lark. */
async function seedRecipients(): Promise<{ id: string; name: string }> {
  const kefu = await Staff.create({ name: '王客服', phone: '13900000001', roles: ['customer_service'], post: '总部' });
  const zonghe = await Staff.create({ name: '赵综合', phone: '13900000004', roles: ['general_affairs'], post: '总部' });
  for (const [s, id] of [
    [kefu, 'ou_kefu'],
    [zonghe, 'ou_zonghe'],
  ] as const) {
    await Identity.create({
      _id: `lark:${id}`,
      staffId: s._id,
      channel: 'lark',
      userId: id,
      displayName: s.name,
      boundAt: new Date(),
    });
  }
  seeded = true;
  return { id: String(kefu._id), name: kefu.name };
}

/**
 * A registered complaint as the bot stores it. Not due: its time limit is a week away and the
 * sweep next looks at it at the reminder time. Due: the limit passed an hour ago, never escalated.
 */
function complaint(
  round: string,
  i: number,
  now: Date,
  acceptedBy: { staffId: string; name: string },
  due: boolean,
  remindBeforeHours: number,
) {
  const acceptedAt = new Date(now.getTime() - (due ? 8 * 24 : 1) * HOUR);
  const dueAt = new Date(now.getTime() + (due ? -1 : 7 * 24) * HOUR);
  return {
    // ids differ per round: transition() keys its claims by id and version, and claims outlive deleteMany
    _id: `TS-BENCH${round}-${String(i).padStart(6, '0')}`,
    status: 'registered',
    clientName: `客户${i % 500}`,
    clientAddress: '城南路 1 号',
    clientPhone: '13712345678',
    reason: '夜班队员在岗睡觉',
    demand: '更换队员',
    category: 'general',
    type: '脱岗睡岗',
    acceptedBy,
    acceptedAt,
    registeredAt: acceptedAt,
    dueAt,
    nextCheckAt: due ? dueAt : new Date(dueAt.getTime() - remindBeforeHours * HOUR),
    history: [{ at: acceptedAt, by: acceptedBy, action: '登记', detail: '客户投诉登记' }],
  };
}

/**
 * Stores `stored` complaints of which `due` are due now, then times one sweep. When inserting
 * would take longer than `insertBudgetMs`, stops at `capAt` (reported as capped).
 */
export async function sweepOnce(
  deps: Services,
  o: {
    stored: number;
    due: number;
    insertBudgetMs: number;
    capAt: number;
    log: (m: string) => void;
    sends: () => { accepted: number; refused: number };
  },
): Promise<SweepResult> {
  const kefu = seeded ? undefined : await seedRecipients();
  const acceptedBy = kefu
    ? { staffId: kefu.id, name: kefu.name }
    : { staffId: String((await Staff.findOne({ phone: '13900000001' }).lean())!._id), name: '王客服' };
  await Complaint.deleteMany({});
  const now = deps.now();
  const remindBefore = complaintSettings.of(deps.config).remindBeforeHours;
  // due cases spread through the set, so the index has to find them, not the insertion order
  const step = Math.floor(o.stored / o.due);
  const isDue = (i: number) => i % step === 0 && i / step < o.due;
  let target = o.stored;
  let capped = false;
  const started = performance.now();
  for (let from = 0; from < target; from += BATCH) {
    const n = Math.min(BATCH, target - from);
    await Complaint.insertMany(
      Array.from({ length: n }, (_, k) =>
        complaint(String(o.stored), from + k, now, acceptedBy, isDue(from + k), remindBefore),
      ),
    );
    const done = from + n;
    if (done % 10_000 === 0)
      o.log(`  inserted ${done}/${target} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const projected = ((performance.now() - started) / done) * o.stored;
    if (!capped && target > o.capAt && done >= o.capAt && projected > o.insertBudgetMs) {
      o.log(`  ${o.stored} inserts would take ~${Math.round(projected / 1000)} s: stopping at ${done}`);
      target = done;
      capped = true;
    }
  }
  const insertMs = performance.now() - started;
  // due cases beyond a capped set were never inserted
  let due = 0;
  for (let i = 0; i < target; i++) if (isDue(i)) due++;

  // what start-up does for records written before the due keys existed: one full read, once
  let t = performance.now();
  await backfillComplaintKeys(deps);
  const backfillMs = performance.now() - t;

  // whether an `_id` range on the keys reaches SQLite (it does not on FerretDB 1.24), and transition()'s bare `_id` read
  const explained = (await DueChunk.find({
    _id: { $lte: `complaints|${now.toISOString().slice(0, 16)}` },
  }).explain()) as unknown as Record<string, unknown>;
  // the last one stored: a table scan that stops at the first match would make an early one look cheap
  const last = `TS-BENCH${o.stored}-${String(target - 1).padStart(6, '0')}`;
  const byId = (await Complaint.find({ _id: last }).explain()) as unknown as Record<string, unknown>;
  const pick = (e: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(e).filter(([k]) => /pushdown|queryPlanner/i.test(k)));
  const plan = { keyRange: pick(explained), transitionRead: pick(byId) };
  t = performance.now();
  await Complaint.findById(last).lean();
  const dueQueryMs = performance.now() - t;

  const before = o.sends();
  t = performance.now();
  const report = await sweepComplaints(deps);
  const sweepMs = performance.now() - t;
  const after = o.sends();
  const acted = new Set([...report.escalated, ...report.reminded, ...report.followUps]);

  t = performance.now();
  const again = await sweepComplaints(deps);
  const emptySweepMs = performance.now() - t;

  const wronglyTouched = await Complaint.countDocuments({ version: { $gt: 0 }, dueAt: { $gt: now } });
  if (again.escalated.length + again.reminded.length + again.followUps.length)
    o.log('  the second sweep acted again: a defect');
  return {
    stored: target,
    capped,
    asked: o.stored,
    insertMs,
    due,
    backfillMs,
    dueQueryMs,
    sweepMs,
    actedOn: acted.size,
    wronglyTouched,
    emptySweepMs,
    notifications: after.accepted - before.accepted,
    rateLimited: after.refused - before.refused,
    plan,
  };
}
