import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import type { Logger } from '../logger.ts';
import { InboxAttempt, InboxOutcome, InboxPending, SentReply } from '../models/inbox.ts';
import { InboundEvent, OnceKey } from '../models/index.ts';
import { isDuplicateKey, takeOnce } from './once.ts';
import type { SendLedger } from './outbox.ts';
import type { BotEvent, Channel, SentRef } from './types.ts';

/**
 * Attempts and replies of inbox events, safe against a crash at any point on FerretDB 1.24,
 * where only a unique `_id` insert is atomic.
 */

/** The recovery job (`inbox.recover`) runs this often; the takeover bound includes one such wait. */
export const RECOVER_EVERY_SECONDS = 5;

export type Taken =
  /** This caller owns attempt `n` and processes the event. */
  | { kind: 'attempt'; n: number }
  /** Every attempt died without finishing: this caller owns the give-up attempt (error reply, `failed`). */
  | { kind: 'give-up'; n: number }
  /** Another live processor holds the current attempt. */
  | { kind: 'busy' }
  /** Even the give-up attempt died: nothing is left but to mark the event failed. */
  | { kind: 'abandoned' };

/**
 * Takes the next attempt of an event. The insert of `${key}#${n}` is the claim, made before any
 * other write, so there is no moment at which an attempt is owned but invisible: an owner that
 * dies leaves a claim whose heartbeat stops, and once that is older than `staleBefore` the next
 * caller claims `#${n + 1}`. Attempts `0 … maxAttempts-1` process the event; `#maxAttempts` gives up.
 */
export async function takeAttempt(
  key: string,
  owner: string,
  staleBefore: Date,
  maxAttempts: number,
  from = 0,
): Promise<Taken> {
  for (let n = from; n <= maxAttempts; n++) {
    const now = new Date();
    try {
      await InboxAttempt.create({ _id: `${key}#${n}`, event: key, n, by: owner, at: now, beatAt: now });
      return n < maxAttempts ? { kind: 'attempt', n } : { kind: 'give-up', n };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const held = await InboxAttempt.findById(`${key}#${n}`, { beatAt: 1 }).lean();
    if (held && held.beatAt > staleBefore) return { kind: 'busy' };
  }
  return { kind: 'abandoned' };
}

/**
 * Refreshes an attempt's heartbeat until the returned function is called. (Attempt 0 of an event
 * an instance recorded is its InboxPending record, which that instance keeps fresh: DeliveryPipeline.beatOwn.)
 */
export function keepAlive(key: string, n: number, everyMs: number, log: Logger): () => void {
  const timer = setInterval(() => {
    InboxAttempt.updateOne({ _id: `${key}#${n}` }, { $set: { beatAt: new Date() } }).catch((err: unknown) =>
      log.warn({ err, eventKey: key }, 'attempt heartbeat failed'),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** A platform idempotency key for one reply (Lark's `uuid` takes at most 50 characters). */
export function idempotencyKey(replyKey: string): string {
  return createHash('sha256').update(replyKey).digest('hex').slice(0, 32);
}

/**
 * An attempt older than this no longer counts on the idempotency key to drop a repeat: Lark drops
 * a repeated `uuid` only within an hour of the first send, and ten minutes are left for the clocks
 * of the instances and Lark's to differ. Past it, each send first reads whether it was recorded.
 */
export const KEY_COVERS_MS = 50 * 60_000;

/**
 * Numbers the messages one processing of an event sends (`${key}:reply:${n}`, n in call order)
 * and records each after the platform accepted it; a re-run after a crash returns the recorded
 * ref instead of sending again, so it resumes after the last recorded message, however long after.
 *
 * Record-after-send, not claim-before-send: a claim taken before sending turns a crash between
 * the claim and the send into a reply that is never sent (an acknowledged event left unanswered),
 * and a crash between the send and the write leaves the same uncertainty either way. After a
 * send that was not recorded the message is sent again with the same idempotency key, which a
 * platform that honours one (Lark's `uuid`) turns into a no-op within its hour; past that, or
 * elsewhere, that narrow window — the send was accepted, the process died before the record was
 * written — is the only way left to get a reply twice.
 *
 * Sends are recorded on Lark too although it drops a repeated `uuid`: only for an hour, and an
 * event can be re-run later than that (every instance down, then recovery). Two attempts at one
 * event run together only when one was taken over as stalled; within the hour the key makes their
 * sends one, and an attempt running longer first checks the record (the precondition: a reply
 * recorded by another attempt is not sent again), so the stalled one wakes without sending twice.
 */
export class ReplyLedger implements SendLedger {
  /**
   * Sends whose record could not be written (the database went away mid-event), by event: a
   * re-run in this process — the usual one after an outage — still skips them.
   */
  private static unrecorded = new Map<string, Map<number, SentRef>>();
  private next = 0;
  private readonly openedAt = Date.now();

  private constructor(
    private readonly key: string,
    private readonly recorded: Map<number, SentRef>,
    private readonly log: Logger,
  ) {}

  /** A first attempt cannot have sent anything yet, so only a re-run reads what was recorded. */
  static async open(key: string, rerun: boolean, log: Logger): Promise<ReplyLedger> {
    const recorded = new Map<number, SentRef>();
    if (rerun) {
      for (const r of await SentReply.find({ event: key }).lean()) {
        recorded.set(r.n, { channel: r.channel as Channel, messageId: r.messageId ?? undefined });
      }
      for (const [n, ref] of ReplyLedger.unrecorded.get(key) ?? []) recorded.set(n, ref);
    }
    return new ReplyLedger(key, recorded, log);
  }

  once(channel: Channel, send: (idempotencyKey: string) => Promise<SentRef>, harmless = false): Promise<SentRef> {
    const n = this.next++;
    const done = this.recorded.get(n);
    if (done) return Promise.resolve(done);
    const replyKey = `${this.key}:reply:${n}`;
    // doing it again changes nothing (a card update with the same content): no write on the hot path
    if (harmless) return send(idempotencyKey(replyKey));
    return this.sentMeanwhile(replyKey).then((earlier) => earlier ?? this.sendAndRecord(channel, n, replyKey, send));
  }

  /** The reply as another attempt recorded it, checked once the idempotency key may no longer cover a repeat. */
  private async sentMeanwhile(replyKey: string): Promise<SentRef | undefined> {
    if (Date.now() - this.openedAt < KEY_COVERS_MS) return undefined;
    const earlier = await SentReply.findById(replyKey, { channel: 1, messageId: 1 }).lean();
    if (!earlier) return undefined;
    this.log.warn({ replyKey }, 'reply already sent by another attempt at this event; not sent again');
    return { channel: earlier.channel as Channel, messageId: earlier.messageId ?? undefined };
  }

  private sendAndRecord(
    channel: Channel,
    n: number,
    replyKey: string,
    send: (idempotencyKey: string) => Promise<SentRef>,
  ): Promise<SentRef> {
    return send(idempotencyKey(replyKey)).then(async (ref) => {
      try {
        await sentReplies().push({
          _id: replyKey,
          event: this.key,
          n,
          channel,
          messageId: ref.messageId ?? null,
          at: new Date(),
        });
      } catch (err) {
        // the message is out; a missing record only matters if this event is ever run again
        if (!isDuplicateKey(err)) {
          this.log.warn({ err, replyKey }, 'could not record a sent reply');
          ReplyLedger.remember(this.key, n, ref);
        }
      }
      return ref;
    });
  }

  private static remember(key: string, n: number, ref: SentRef): void {
    const sends = ReplyLedger.unrecorded.get(key) ?? new Map<number, SentRef>();
    sends.set(n, ref);
    ReplyLedger.unrecorded.set(key, sends);
    // bounded: an outage long enough to fill this is past what one process can bridge
    if (ReplyLedger.unrecorded.size > 10_000)
      ReplyLedger.unrecorded.delete(ReplyLedger.unrecorded.keys().next().value!);
  }
}

/** Sent-reply records of every event in this process, coalesced (made on first use: the model must be registered). */
let replyRecords: Coalescer<Record<string, unknown>, boolean> | undefined;
const sentReplies = () => (replyRecords ??= batchedInserts(SentReply));

const DB_DOWN = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
]);

/**
 * The database could not be reached: the event is left to a later attempt instead of being
 * answered with an error and marked failed, since it will most likely succeed then.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e = err as { name?: string; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (e.name && DB_DOWN.has(e.name)) return true;
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
  }
  return false;
}

/** At most this many records go into one write. */
const MAX_BATCH = 200;

type Pending<T, R> = { item: T; done: (err: unknown, result?: R) => void };

/**
 * Writes that many events make at the same time, coalesced: while one write is in flight the next
 * ones wait and then go to the database together as one command. On FerretDB/SQLite concurrent
 * writes wait on each other's locks — 200 inserts 50 at a time took 6.4 s where 20 batches of 10
 * took 77 ms — so the per-event bookkeeping (inbox record, sent replies, the final status) costs a
 * fraction of a round trip each, whatever the rate. `write` returns, per item, its result or the
 * error that failed only that item.
 */
export class Coalescer<T, R> {
  private waiting: Pending<T, R>[] = [];
  private busy = false;

  constructor(private readonly write: (items: T[]) => Promise<(R | Error)[]>) {}

  push(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, done: (err, result) => (err ? reject(err) : resolve(result as R)) });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.busy || !this.waiting.length) return;
    this.busy = true;
    const batch = this.waiting.splice(0, MAX_BATCH);
    try {
      const results = await this.write(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) {
        if (results[i] instanceof Error) b.done(results[i]);
        else b.done(undefined, results[i] as R);
      }
    } catch (err) {
      for (const b of batch) b.done(err);
    } finally {
      this.busy = false;
      void this.flush();
    }
  }
}

type WriteError = { index: number; code?: number; errmsg?: string };

function writeErrors(err: unknown): Map<number, WriteError> | undefined {
  const list = (err as { writeErrors?: WriteError[] }).writeErrors;
  return list?.length ? new Map(list.map((w) => [w.index, w])) : undefined;
}

/**
 * Coalesced inserts into `model`: resolves true when the document was inserted, false when its
 * `_id` was taken (the dedupe); a duplicate fails only itself, an outage fails every document.
 */
export function batchedInserts(model: Model<any>): Coalescer<Record<string, unknown>, boolean> {
  return new Coalescer<Record<string, unknown>, boolean>(async (docs) => {
    try {
      await model.insertMany(docs, { ordered: false });
      return docs.map(() => true);
    } catch (err) {
      const failed = writeErrors(err);
      if (!failed) throw err;
      return docs.map((_, i) => {
        const w = failed.get(i);
        if (!w) return true;
        return isDuplicateKey(w) ? false : Object.assign(new Error(w.errmsg ?? 'insert failed'), { cause: err });
      });
    }
  });
}

/** Coalesced deletes by bare `_id` (one `delete` command per batch; an `$in` filter would not use the key). */
export function batchedDeletes(model: Model<any>): Coalescer<string, void> {
  return new Coalescer<string, void>(async (ids) => {
    await model.bulkWrite(
      ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
      { ordered: false },
    );
    return ids.map(() => undefined);
  });
}

export interface InboxRecord {
  _id: string;
  channel: string;
  event: BotEvent;
  receivedAt: Date;
  by: string | null;
  beatAt: Date | null;
}

export interface Finish {
  status: 'done' | 'failed';
  attempts: number;
  refId: string | null;
}

/**
 * The inbox, laid out for FerretDB 1.24, where an insert is cheap whatever the collection's size
 * but a read, update or delete — even by `_id` — scans the collection: the hot path only inserts
 * into the collections that grow (InboundEvent, InboxOutcome, SentReply) and reads, updates and
 * deletes only InboxPending, which holds just the backlog. Every write is coalesced with those of
 * other events (Coalescer).
 */
export class Inbox {
  private readonly pending = batchedInserts(InboxPending);
  private readonly archive = batchedInserts(InboundEvent);
  private readonly outcomes = batchedInserts(InboxOutcome);
  private readonly cleared = batchedDeletes(InboxPending);

  /**
   * Records an event before it is acknowledged; resolves true when it is new. The pending record
   * goes first: if the process dies before the archive insert, the event was not acknowledged and
   * the pending record is taken over by recovery. A redelivery of an event still pending fails on
   * the pending insert; one of a finished event fails on the archive insert and drops the pending
   * record it just made (a crash before that leaves one that recovery finds finished).
   */
  async record(rec: InboxRecord): Promise<boolean> {
    if (!(await this.pending.push({ ...rec }))) return false;
    if (await this.archive.push({ _id: rec._id, channel: rec.channel, event: rec.event, receivedAt: rec.receivedAt }))
      return true;
    await this.cleared.push(rec._id);
    return false;
  }

  /** Writes how the event ended, then drops it from the backlog. */
  async finish(key: string, how: Finish): Promise<void> {
    await this.outcomes.push({ _id: key, ...how, finishedAt: new Date() });
    await this.cleared.push(key);
  }

  /** A takeover's check that the attempt it replaces did not finish meanwhile (rare path: scans the outcomes). */
  async isOpen(key: string): Promise<boolean> {
    if (!(await InboxPending.exists({ _id: key }))) return false;
    if (!(await InboxOutcome.exists({ _id: key }))) return true;
    await this.cleared.push(key);
    return false;
  }
}

const LEGACY_ADOPTED = 'inbox-split:adopted';

/**
 * Records of the inbox before it was split (one collection with a status) that were not finished
 * are moved to InboxPending, once at start-up: nothing acknowledged before an upgrade is lost.
 */
export async function adoptLegacyInbox(log: Logger): Promise<number> {
  // marked after the move (not claimed before it), so a crash midway repeats it; each step is idempotent
  if (await OnceKey.exists({ _id: LEGACY_ADOPTED })) return 0;
  const open = await InboundEvent.find({ status: { $in: ['received', 'processing'] } }).lean();
  let adopted = 0;
  for (const rec of open) {
    try {
      await InboxPending.create({
        _id: rec._id,
        channel: rec.channel,
        event: rec.event,
        receivedAt: rec.receivedAt,
        by: null,
        beatAt: null,
      });
      adopted++;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await InboundEvent.updateOne({ _id: rec._id }, { $unset: { status: 1 } });
  }
  if (adopted) log.info({ adopted }, 'unfinished events of the old inbox moved to the backlog');
  await takeOnce(LEGACY_ADOPTED);
  return adopted;
}
