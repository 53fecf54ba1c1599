import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { InboxInstance, InboxPending } from '../models/inbox.ts';
import { ERROR_REPLY, type OnError } from './errors.ts';
import {
  Inbox,
  isDatabaseUnavailable,
  keepAlive,
  RECOVER_EVERY_SECONDS,
  ReplyLedger,
  type Taken,
  takeAttempt,
} from './inbox.ts';
import type { BotEvent, EventSink, IntakeResult } from './types.ts';
import { Lanes, WorkQueue } from './work-queue.ts';

/** Processing attempts per event; an event whose attempts all died gets the error reply and `failed`. */
export const MAX_ATTEMPTS = 3;
const RECOVER_PAGE = 100;
/**
 * Events processed at once: enough to overlap the database's answers, few enough that it keeps
 * headroom for the inbox inserts acknowledgements wait on: on FerretDB/SQLite concurrent writes
 * wait on one lock. 2 at once cost less FerretDB CPU per event but capped throughput at 2 ÷ the
 * per-event latency, which on a loaded machine was ≈ 20/s; 4 did better over the whole bench.
 */
export const PROCESS_CONCURRENCY = 4;
/** Queued events kept with their payload in memory; past it only the key, the payload is read back. */
const MAX_HELD = 2000;
/** Queued keys; past it an event is left to the recovery job (older than the takeover bound). */
const MAX_WAITING = 100_000;

/** How one attempt at an event ended. */
export interface Processed {
  /** The answer to a click, for a channel that shows it next to the button. */
  toast?: string;
  /** The event failed and the person was told this reference id; it is kept with its outcome. */
  refId?: string;
}

/** What one attempt at an event is given. */
export interface Attempt {
  /** 0 for the first; a takeover's is higher. */
  n: number;
  /**
   * Numbers and records the messages this attempt sends: a later attempt at the same event
   * skips the ones already sent, so each reply goes out once however often the event is run.
   */
  ledger: ReplyLedger;
}

export interface PipelineDeps {
  log: Logger;
  /** An acknowledged event whose processor stopped (crash, stall) is taken over within this many seconds. */
  takeoverSeconds: number;
  /**
   * Runs one attempt at a recorded event, sending through `attempt.ledger`. A database-unavailable
   * error (isDatabaseUnavailable) leaves the event to a later attempt; any other error fails it
   * without a reply (the processor answers its own failures and says so with `refId`).
   */
  process(event: BotEvent, attempt: Attempt): Promise<Processed>;
  /** Sends `text` to the event's chat through `ledger` (the give-up reply). */
  reply(event: BotEvent, text: string, ledger: ReplyLedger): Promise<unknown>;
  onError: OnError;
}

/**
 * Delivery of inbound events, exactly once: every event is recorded in the inbox (its unique id
 * is the dedupe) before the transport acknowledges it, then queued and processed from that record
 * under an attempt claim with a heartbeat. An event whose processor died is taken over by
 * `recover` once the takeover bound has passed, and the new attempt resumes after the replies
 * already sent (ReplyLedger). What processing means is the caller's (`deps.process`): the
 * pipeline knows no routes, contexts or handlers.
 */
export class DeliveryPipeline implements EventSink {
  private readonly work: WorkQueue<Processed>;
  private readonly inbox = new Inbox();
  private readonly lanes = new Lanes();
  /** Events queued in this instance's lanes: recovery leaves them to their lane. */
  private queued = new Set<string>();
  private stopping = false;
  private readonly owner = randomBytes(6).toString('hex');
  private beat?: NodeJS.Timeout;
  /** When beatOwn last wrote this instance's heartbeat (0: never; its records' insert time counts then). */
  private beatenAt = 0;

  constructor(private readonly deps: PipelineDeps) {
    this.work = new WorkQueue<Processed>(
      { concurrency: PROCESS_CONCURRENCY, maxHeld: MAX_HELD, maxWaiting: MAX_WAITING },
      (key, event, recordedAt) => this.enqueue(key, event, false, recordedAt),
      (keys) => this.readBack(keys),
      deps.log,
    );
  }

  private get log(): Logger {
    return this.deps.log;
  }

  get onError(): OnError {
    return this.deps.onError;
  }

  /**
   * Writes this instance's heartbeat, which holds all the pending records it made: waiting in its
   * queue is as alive as running. (Rewriting each record instead cost FerretDB a full update of the
   * backlog every few seconds: at 12,000 waiting it was busy with nothing else.)
   */
  private async beatOwn(): Promise<void> {
    const at = new Date();
    try {
      await InboxInstance.updateOne({ _id: this.owner }, { $set: { beatAt: at } }, { upsert: true });
      this.beatenAt = at.getTime();
    } catch (err) {
      this.log.warn({ err }, 'could not refresh the heartbeat of pending events');
    }
  }

  private startBeating(): void {
    if (this.beat) return;
    this.beat = setInterval(() => void this.beatOwn(), Math.max(1000, this.staleAfterMs / 3));
    this.beat.unref();
  }

  async intake(event: BotEvent): Promise<IntakeResult> {
    const recorded = await this.record(event);
    if (recorded !== 'accepted') return recorded;
    // the acknowledgement waits for the insert only; processing takes its turn in the work queue
    this.work.push({ key: `${event.channel}:${event.id}`, event, recordedAt: Date.now() });
    return 'accepted';
  }

  async intakeAndWait(event: BotEvent): Promise<{ result: IntakeResult; toast?: string; later?: boolean }> {
    const recorded = await this.record(event);
    if (recorded !== 'accepted') return { result: recorded };
    // a click jumps the queue: its answer is due within 3 s
    const outcome = await new Promise<Processed | undefined>((done) =>
      this.work.push({ key: `${event.channel}:${event.id}`, event, recordedAt: Date.now(), done }, true),
    );
    return outcome ? { result: 'accepted', toast: outcome.toast } : { result: 'accepted', later: true };
  }

  /** Stops intake and waits for work in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.work.idle();
    clearInterval(this.beat);
  }

  /**
   * An acknowledged event whose processor stopped is taken over within the takeover bound: its
   * attempt counts as dead when its heartbeat is older than the bound less one recovery interval.
   */
  private get staleAfterMs(): number {
    return (this.deps.takeoverSeconds - RECOVER_EVERY_SECONDS) * 1000;
  }

  /**
   * Takes over events that a crashed, stalled or stopped instance recorded but did not finish.
   * Pages through every candidate (oldest first), so records held by a live processor or stuck
   * for any reason never block the ones behind them. Returns how many it processed. Skipped while
   * this instance has a backlog: on FerretDB every page is a scan of the whole inbox, and paging
   * past our own queued events every 5 s would starve the work that drains them (the rest wait).
   */
  async recover(now = new Date()): Promise<number> {
    if (this.work.size > PROCESS_CONCURRENCY) return 0;
    const filter = { receivedAt: { $lt: new Date(now.getTime() - this.staleAfterMs) } };
    let after: { receivedAt: Date; _id: string } | undefined;
    let processed = 0;
    for (;;) {
      const page = await InboxPending.find(
        after
          ? {
              ...filter,
              $or: [
                { receivedAt: { $gt: after.receivedAt } },
                { receivedAt: after.receivedAt, _id: { $gt: after._id } },
              ],
            }
          : filter,
      )
        .sort({ receivedAt: 1, _id: 1 })
        .limit(RECOVER_PAGE)
        .lean();
      // attempt 0 of a record with an owner is held while that instance beats, or it is fresh
      // (wall clock, like the heartbeat — `now` may be a test clock)
      const staleBefore = Date.now() - this.staleAfterMs;
      const beats = new Map((await InboxInstance.find().lean()).map((i) => [i._id, i.beatAt.getTime()]));
      // this instance's own records are held only while queued here (filtered below): one whose
      // intake failed after its pending insert (the database died between the two inserts) is not
      // in the queue, and a redelivery of it is refused as a duplicate, so recovery must take it
      const held = (rec: { by?: string | null; beatAt?: Date | null }) =>
        !!rec.by && rec.by !== this.owner && Math.max(rec.beatAt?.getTime() ?? 0, beats.get(rec.by) ?? 0) > staleBefore;
      const mine = page.filter((rec) => !this.queued.has(rec._id) && !this.work.has(rec._id) && !held(rec));
      // through the lanes, so recovered events keep their order within a conversation
      const outcomes = await Promise.all(
        mine.map((rec) =>
          this.enqueue(
            rec._id,
            { ...(rec.event as BotEvent), receivedAt: rec.receivedAt },
            true,
            undefined,
            rec.by ? 1 : 0,
          ).catch(() => undefined),
        ),
      );
      processed += outcomes.filter(Boolean).length;
      if (page.length < RECOVER_PAGE) return processed;
      const last = page[page.length - 1]!;
      after = { receivedAt: last.receivedAt, _id: last._id };
    }
  }

  private enqueue(
    key: string,
    event: BotEvent,
    recovering: boolean,
    recordedAt?: number,
    firstAttempt = 1,
  ): Promise<Processed | undefined> {
    this.queued.add(key);
    // one person's messages in one chat in arrival order (a form's answers must not overtake each other)
    return this.lanes
      .run(`${event.channel}:${event.chat.id}:${event.userId}`, () =>
        this.processRecord(key, event, recovering, recordedAt, firstAttempt),
      )
      .finally(() => this.queued.delete(key));
  }

  /** Payloads of queued events kept by key only; events finished meanwhile are left out. */
  private async readBack(keys: string[]): Promise<Map<string, BotEvent>> {
    // one read by _id each: FerretDB 1.24 filters an `$in` in Go, slower than its pushed-down `{_id}`
    const recs = await Promise.all(keys.map((_id) => InboxPending.findById(_id, { event: 1, receivedAt: 1 }).lean()));
    const open = recs.filter((r) => r !== null);
    return new Map(open.map((r) => [r._id, { ...(r.event as BotEvent), receivedAt: r.receivedAt }]));
  }

  private async record(event: BotEvent): Promise<IntakeResult> {
    if (this.stopping) return 'stopped';
    this.startBeating();
    const recorded = await this.inbox.record({
      _id: `${event.channel}:${event.id}`,
      channel: event.channel,
      event,
      receivedAt: event.receivedAt,
      by: this.owner,
      beatAt: new Date(),
    });
    if (recorded) return 'accepted';
    this.log.info({ eventKey: `${event.channel}:${event.id}` }, 'duplicate delivery ignored');
    return 'duplicate';
  }

  /**
   * Processes one recorded event under an attempt claim (see takeAttempt): whoever dies at any
   * point leaves a claim whose heartbeat stops, and the next attempt resumes after the replies
   * already sent (ReplyLedger).
   */
  private async processRecord(
    key: string,
    event: BotEvent,
    recovering: boolean,
    recordedAt: number | undefined,
    firstAttempt: number,
  ): Promise<Processed | undefined> {
    const staleBefore = new Date(Date.now() - this.staleAfterMs);
    // Attempt 0 of an event this instance recorded is claimed by its pending record (by, beatAt):
    // no write. The instance's heartbeat (beatOwn) holds its records however long they wait, so
    // only if that beat has failed for half the takeover bound does the event claim attempt 1, as
    // a takeover would, since someone else may be about to take it.
    const implicit =
      !recovering &&
      recordedAt !== undefined &&
      Date.now() - Math.max(recordedAt, this.beatenAt) < this.staleAfterMs / 2;
    const taken: Taken = implicit
      ? { kind: 'attempt', n: 0 }
      : await takeAttempt(key, this.owner, staleBefore, MAX_ATTEMPTS, firstAttempt);
    if (taken.kind === 'busy') return undefined;
    if (recovering || taken.kind !== 'attempt' || taken.n > 0) {
      // a takeover may race the end of the attempt it replaces: look once more
      if (!(await this.inbox.isOpen(key))) return undefined;
    }
    if (taken.kind !== 'attempt') return this.giveUp(key, event, taken.kind === 'give-up');
    if (taken.n > 0 || recovering)
      this.log.warn({ eventKey: key, attempt: taken.n }, 'taking over an unfinished event');

    const stopBeat = implicit ? () => {} : keepAlive(key, taken.n, Math.max(1000, this.staleAfterMs / 3), this.log);
    let outcome: Processed = {};
    try {
      // no 'processing' write: the attempt claim says it, and the record stays 'received' until done
      const ledger = await ReplyLedger.open(key, taken.n > 0, this.log);
      outcome = await this.deps.process(event, { n: taken.n, ledger });
      await this.inbox.finish(key, {
        status: outcome.refId ? 'failed' : 'done',
        attempts: taken.n + 1,
        refId: outcome.refId ?? null,
      });
    } catch (err) {
      // left as it is: the attempt's heartbeat stops and a later one takes over
      if (isDatabaseUnavailable(err)) {
        this.log.warn({ err, eventKey: key }, 'database unavailable; the event is left for a later attempt');
        return undefined;
      }
      const refId = this.deps.onError(err, { what: 'event could not be processed', event });
      await this.inbox.finish(key, { status: 'failed', attempts: taken.n + 1, refId }).catch(() => {});
    } finally {
      stopBeat();
    }
    return outcome;
  }

  /**
   * Every attempt died before finishing (the event may be what kills the process): tell the
   * person once and mark it failed. Only the owner of the give-up attempt replies; if that one
   * dies too, the event is marked failed without another reply.
   */
  private async giveUp(key: string, event: BotEvent, reply: boolean): Promise<Processed> {
    const refId = this.deps.onError(new Error(`all ${MAX_ATTEMPTS} attempts died before finishing`), {
      what: 'event given up after every attempt died',
      event,
      detail: { attempts: MAX_ATTEMPTS },
    });
    if (reply) {
      const ledger = await ReplyLedger.open(`${key}:give-up`, false, this.log);
      await this.deps
        .reply(event, ERROR_REPLY(refId), ledger)
        .catch((err: unknown) =>
          this.deps.onError(err, { what: 'could not tell the user about the failure', event, refId }),
        );
    }
    await this.inbox.finish(key, { status: 'failed', attempts: MAX_ATTEMPTS, refId });
    return { toast: ERROR_REPLY(refId), refId };
  }
}
