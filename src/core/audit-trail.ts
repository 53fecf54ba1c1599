import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import mongoose, { type Model } from 'mongoose';
import type { Logger } from '../logger.ts';
import { AuditEntry, AuditQueue } from '../models/audit.ts';
import type { BotContext } from './context.ts';
import { formatDateTime } from './numbering.ts';
import { isDuplicateKey } from './once.ts';

/*
 * The audit trail (DOMAIN.md: every approval or state change records who did it and when): one
 * append-only collection, `audit`, with who, when, what, old → new and the channel of every change
 * to people, places, permits, leader assignments and settings. Workflows call one thing, a Trail;
 * the core never imports a workflow.
 *
 * "Written in the same operation as the change", on a database without multi-document
 * transactions (FerretDB 1.24): the entries ride in the changed record itself, pushed into its
 * `pendingAudit` by the very write that makes the change, so the change and its entries exist
 * together or not at all. Right after the write they are copied into `audit` (their `_id` is made
 * up front, so a second copy is a duplicate key and nothing more) and pulled from the record. A
 * queue entry written before the change remembers which record to look at, so a crash between the
 * change and the copy is finished by the `audit.flush` job. A change that does not happen (a
 * precondition not met, a lost race, an error) leaves nothing in the record, so nothing reaches
 * the trail. A removal cannot carry its entry; its entries wait in the queue and count only once
 * the record is gone.
 */

/** Kinds of change, with the word 审计 filters them by. */
export const AUDIT_KINDS = {
  staff: '人员',
  roles: '角色',
  post: '驻点',
  dorm: '宿舍',
  active: '停用启用',
  bindcode: '绑定码',
  binding: '绑定',
  leader: '队长',
  permit: '准驾证',
  vehicle: '车辆',
  config: '配置',
  setting: '设置',
} as const;
export type AuditKind = keyof typeof AUDIT_KINDS;

const KIND_WORDS: Record<string, AuditKind> = {
  ...Object.fromEntries(Object.entries(AUDIT_KINDS).map(([k, v]) => [v, k as AuditKind])),
  停用: 'active',
  启用: 'active',
  状态: 'active',
  换绑: 'binding',
  宿舍队长: 'leader',
  班车: 'vehicle',
  配置清单: 'config',
  投诉类型: 'setting',
};

/** The kind a typed word names (角色, 停用, 准驾证…), or undefined. */
export function parseAuditKind(word: string): AuditKind | undefined {
  return KIND_WORDS[word.trim()];
}

export const CHANNEL_LABELS: Record<string, string> = {
  lark: '飞书',
  wechat: '微信',
  console: '控制台',
  cli: '命令行',
};

export interface AuditRecord {
  /** staff, dorm, post, vehicle, permit, setting, supplies… */
  type: string;
  id: string;
  label?: string;
}
export interface AuditPerson {
  staffId: string;
  name: string;
}

/** One change as a workflow describes it. */
export interface ChangeNote {
  kind: AuditKind;
  record: AuditRecord;
  /** The person the change is about (whose roles, whose permit, who was made leader). */
  subject?: AuditPerson | null;
  /** What changed, in a few Chinese words (角色, 驻点, 准驾证发放). */
  what: string;
  from?: string;
  to?: string;
  note?: string;
  /** Other records whose history shows it too (a permit on its vehicles': `auditKey('vehicle', plate)`). */
  alsoKeys?: readonly string[];
}

/** Who makes changes: a staff member (or a BOT_ADMINS identity) on a channel, or the command line. */
export interface AuditActor {
  staffId: string;
  name: string;
  identity: string;
  channel: string;
}

export interface AuditEntryData {
  _id: string;
  at: Date;
  by: { staffId: string; name: string; identity: string };
  channel: string;
  kind: AuditKind;
  record: { type: string; id: string; label: string };
  subject: AuditPerson | null;
  what: string;
  from: string;
  to: string;
  note: string;
  keys: string[];
}

/** The key of a record's (or a person's: `staff:<id>`) history. */
export const auditKey = (type: string, id: string): string => `${type}:${id}`;

export function actorOf(ctx: Pick<BotContext, 'sender' | 'channel' | 'event'>): AuditActor {
  return {
    staffId: ctx.sender?.staffId ?? '',
    name: ctx.sender?.name ?? ctx.event.userName ?? '',
    identity: ctx.sender?.identity ?? `${ctx.channel}:${ctx.event.userId}`,
    channel: ctx.channel,
  };
}

/** Whoever runs an import on the server (npm run import-…): the operating-system user. */
export function commandLineActor(): AuditActor {
  let user = process.env.USER ?? '';
  try {
    user ||= userInfo().username;
  } catch {
    // no user database in a container: the name stays empty
  }
  return { staffId: '', name: `命令行${user ? `（${user}）` : ''}`, identity: `cli:${user}`, channel: 'cli' };
}

/** What a change's write carries: its entries, put into the update or the new record. */
export interface Carry {
  readonly entries: readonly AuditEntryData[];
  /** `update` with the entries pushed into the record's pendingAudit (an existing `$push` is kept). */
  update<U extends object>(update: U): U;
  /** A new record (create/insert) carrying the entries. */
  doc<D extends object>(doc: D): D & { pendingAudit: AuditEntryData[] };
}

/** A record by its `_id`, or by another unique key the change does not alter: `{ filter: { post, item } }`. */
export type AuditTarget = unknown;
const filterOf = (target: AuditTarget): Record<string, unknown> =>
  target && typeof target === 'object' && 'filter' in target
    ? (target as { filter: Record<string, unknown> }).filter
    : { _id: target };

export interface Trail {
  readonly by: AuditActor;
  /**
   * Makes one change to one record with its entries: `write` must put `carry` into the write that
   * changes the record (`carry.update({...})`, `carry.doc({...})`). Entries reach the trail only if
   * that write happened; whatever `write` returns is returned.
   */
  change<T>(
    model: Model<any>,
    target: AuditTarget,
    notes: ChangeNote | readonly ChangeNote[],
    write: (carry: Carry) => Promise<T>,
  ): Promise<T>;
  /**
   * Changes several records (by `_id`) in one write, such as a bulk update: `write` asks `carryFor(id,
   * notes)` for each record's carry. Same guarantee as `change`, record by record.
   */
  changeMany<T>(
    model: Model<any>,
    ids: readonly unknown[],
    write: (carryFor: (id: unknown, notes: readonly ChangeNote[]) => Carry) => Promise<T>,
  ): Promise<T>;
  /** Removes one record with its entries: `remove` says whether it removed it; only then are they written. */
  removal(
    model: Model<any>,
    target: AuditTarget,
    notes: ChangeNote | readonly ChangeNote[],
    remove: () => Promise<boolean>,
  ): Promise<boolean>;
}

/** The trail of the person sending this message or clicking this card. */
export function trailOf(
  ctx: Pick<BotContext, 'sender' | 'channel' | 'event' | 'services' | 'log'>,
  as?: Partial<AuditActor>,
): Trail {
  return trailAs({ ...actorOf(ctx), ...as }, () => ctx.services.now(), ctx.log);
}

/** Orders the entries one process makes in one millisecond (their `_id`s sort as they were made). */
let made = 0;
const entryId = (at: Date) =>
  `${at.toISOString()}-${String(made++ % 1e6).padStart(6, '0')}${randomBytes(3).toString('hex')}`;

export function trailAs(by: AuditActor, now: () => Date = () => new Date(), log?: Logger): Trail {
  const build = (notes: readonly ChangeNote[]): AuditEntryData[] => {
    const at = now();
    return notes.map((n) => ({
      _id: entryId(at),
      at,
      by: { staffId: by.staffId, name: by.name, identity: by.identity },
      channel: by.channel,
      kind: n.kind,
      record: { type: n.record.type, id: n.record.id, label: n.record.label ?? '' },
      subject: n.subject ? { staffId: n.subject.staffId, name: n.subject.name } : null,
      what: n.what,
      from: n.from ?? '',
      to: n.to ?? '',
      note: n.note ?? '',
      keys: [
        ...new Set([
          auditKey(n.record.type, n.record.id),
          ...(n.subject?.staffId ? [auditKey('staff', n.subject.staffId)] : []),
          ...(n.alsoKeys ?? []),
        ]),
      ],
    }));
  };
  const warn = (err: unknown, what: string) => log?.warn({ err }, `${what}: left to the audit.flush job`);
  return {
    by,
    async change(model, target, notes, write) {
      const entries = build(Array.isArray(notes) ? notes : [notes as ChangeNote]);
      if (!entries.length) return write(carrying([]));
      const coll = model.collection.name;
      const queued = `q:${entries[0]!._id}`;
      const filter = filterOf(target);
      await AuditQueue.create({ _id: queued, coll, filter, mode: 'carried', entries: [], at: entries[0]!.at });
      try {
        return await write(carrying(entries));
      } finally {
        await flushCarried(coll, [filter], queued).catch((err) => warn(err, 'audit entries not copied'));
      }
    },
    async changeMany(model, ids, write) {
      if (!ids.length) return write(() => carrying([]));
      const coll = model.collection.name;
      const queued = `q:${entryId(now())}`;
      await AuditQueue.create({ _id: queued, coll, ids: [...ids], mode: 'carried', entries: [], at: now() });
      try {
        return await write((_id, notes) => carrying(build(notes)));
      } finally {
        await flushCarried(
          coll,
          ids.map((id) => ({ _id: id })),
          queued,
        ).catch((err) => warn(err, 'audit entries not copied'));
      }
    },
    async removal(model, target, notes, remove) {
      const entries = build(Array.isArray(notes) ? notes : [notes as ChangeNote]);
      if (!entries.length) return remove();
      const queued = `q:${entries[0]!._id}`;
      await AuditQueue.create({
        _id: queued,
        coll: model.collection.name,
        filter: filterOf(target),
        mode: 'removal',
        entries,
        at: entries[0]!.at,
      });
      // an error leaves the queue entry: the job writes the entries if the record turns out gone
      const gone = await remove();
      try {
        if (gone) await appendEntries(entries);
        await AuditQueue.deleteOne({ _id: queued });
      } catch (err) {
        warn(err, 'removal entries not written');
      }
      return gone;
    },
  };
}

function carrying(entries: AuditEntryData[]): Carry {
  return {
    entries,
    update<U extends object>(update: U): U {
      if (!entries.length) return update;
      const u = update as Record<string, unknown>;
      const push = { ...((u.$push as Record<string, unknown> | undefined) ?? {}), pendingAudit: { $each: entries } };
      return { ...u, $push: push } as U;
    },
    doc<D extends object>(doc: D) {
      return { ...doc, pendingAudit: entries };
    },
  };
}

/** Copies entries into the trail; one already there (a second copy after a crash) is skipped. */
async function appendEntries(entries: readonly AuditEntryData[]): Promise<void> {
  for (const e of entries) {
    try {
      await AuditEntry.collection.insertOne({ ...e } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** Moves what the records carry into the trail, then forgets the queue entry. */
async function flushCarried(coll: string, filters: readonly Record<string, unknown>[], queued: string): Promise<void> {
  const c = mongoose.connection.collection(coll);
  for (const filter of filters) {
    const doc = await c.findOne(filter, { projection: { pendingAudit: 1 } });
    const pending = ((doc?.pendingAudit as AuditEntryData[] | undefined) ?? []).filter(Boolean);
    await appendEntries(pending);
    // the entries exactly as read: FerretDB 1.24 pulls by equality only (a condition pulls nothing)
    if (doc && pending.length) await c.updateOne({ _id: doc._id }, { $pullAll: { pendingAudit: pending } } as never);
  }
  await AuditQueue.deleteOne({ _id: queued });
}

/**
 * Finishes changes whose copy did not happen (a crash, a database error): queue entries older than
 * `olderThanMs` (younger ones are still being finished by their writer). Returns how many.
 */
export async function flushAuditQueue(now: Date, olderThanMs = 60_000): Promise<number> {
  const left = await AuditQueue.find({ at: { $lt: new Date(now.getTime() - olderThanMs) } })
    .limit(500)
    .lean();
  for (const q of left) {
    if (q.mode === 'carried') {
      const filters = q.ids ? q.ids.map((id) => ({ _id: id })) : [q.filter as Record<string, unknown>];
      await flushCarried(q.coll, filters, q._id);
      continue;
    }
    const still = await mongoose.connection
      .collection(q.coll)
      .findOne(q.filter as Record<string, unknown>, { projection: { _id: 1 } });
    if (!still) await appendEntries(q.entries as AuditEntryData[]);
    await AuditQueue.deleteOne({ _id: q._id });
  }
  return left.length;
}

// ── Reading the trail ──

/** The latest entries of a record's or a person's history (`auditKey`), newest first. */
export async function recentChanges(key: string, limit = 5): Promise<AuditEntryData[]> {
  return AuditEntry.find({ keys: key }).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditEntryData[]>();
}

/**
 * One entry as a short line for a phone: `11-27 14:05 王行政 角色 张三：队员 → 队员、财务部 [飞书]`;
 * a record other than a person's is named after a dot (`指定宿舍队长 陈队长 · 城南宿舍`). On a
 * person's own card `subject: false` leaves their name out.
 */
export function auditLine(e: AuditEntryData, tz: string, opts: { subject?: boolean } = {}): string {
  const when = formatDateTime(e.at, tz).slice(5);
  const who =
    opts.subject === false
      ? ''
      : e.subject?.name && e.subject.name !== e.record.label
        ? ` ${e.subject.name}`
        : e.record.type === 'staff'
          ? ` ${e.record.label || e.record.id}`
          : '';
  const record = e.record.type === 'staff' ? '' : ` · ${e.record.label || e.record.id}`;
  const change = e.from || e.to ? `：${e.from || '无'} → ${e.to || '无'}` : '';
  const note = e.note ? `（${e.note}）` : '';
  const via = CHANNEL_LABELS[e.channel] ?? e.channel;
  return `${when} ${e.by.name || e.by.identity} ${e.what}${who}${record}${change}${note} [${via}]`;
}
