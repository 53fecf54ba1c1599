import type { Logger } from '../logger.ts';
import type { BotEvent } from './types.ts';

/**
 * Recorded events waiting to be processed, oldest first, with bounded work: at most
 * `concurrency` run at once (so the database keeps headroom for the inbox inserts that
 * acknowledgements wait on), at most `maxHeld` are kept with their payload in memory, and beyond
 * that only their inbox key is kept and the payload is read back in batches when their turn
 * comes. Past `maxWaiting` keys the event is not kept at all: it stays `received` in the inbox
 * and the recovery job takes it once it is older than the takeover bound.
 */

export interface WorkItem<R> {
  key: string;
  event?: BotEvent;
  /** When this instance recorded the event (Date.now()); absent for events it did not record. */
  recordedAt?: number;
  /** Called with the outcome when processing ends (card callbacks wait for it). */
  done?: (outcome: R | undefined) => void;
}

export interface WorkQueueOptions {
  concurrency: number;
  maxHeld: number;
  maxWaiting: number;
}

export class WorkQueue<R> {
  private items: (WorkItem<R> | undefined)[] = [];
  private head = 0;
  private held = 0;
  private running = 0;
  private loading = false;
  private readonly keys = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: WorkQueueOptions,
    private readonly run: (key: string, event: BotEvent, recordedAt?: number) => Promise<R | undefined>,
    /** Reads back the payloads of events still unfinished; missing keys were finished elsewhere. */
    private readonly load: (keys: string[]) => Promise<Map<string, BotEvent>>,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Waiting or running here: the recovery job leaves these alone. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /**
   * Queues a recorded event; `urgent` ones (card callbacks, which must answer within 3 s) go to
   * the front. Returns false when the queue is full and the event is left to the recovery job.
   */
  push(item: WorkItem<R>, urgent = false): boolean {
    if (!urgent && this.size >= this.opts.maxWaiting) {
      this.log.warn(
        { eventKey: item.key, waiting: this.size },
        'work queue full; the event is left to the recovery job',
      );
      return false;
    }
    if (item.event && !urgent && this.held >= this.opts.maxHeld)
      item = { key: item.key, recordedAt: item.recordedAt, done: item.done };
    if (item.event) this.held++;
    this.keys.add(item.key);
    if (urgent) {
      if (this.head > 0) this.items[--this.head] = item;
      else this.items.unshift(item);
    } else this.items.push(item);
    this.pump();
    return true;
  }

  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void> {
    if (!this.size && !this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.size) {
      const item = this.items[this.head]!;
      if (!item.event) {
        void this.loadAhead();
        return;
      }
      this.items[this.head++] = undefined;
      this.compact();
      this.held--;
      this.running++;
      void this.run(item.key, item.event, item.recordedAt)
        .catch((err: unknown) => {
          this.log.error({ err, eventKey: item.key }, 'event processing failed');
          return undefined;
        })
        .then((outcome) => {
          item.done?.(outcome);
          this.keys.delete(item.key);
          this.running--;
          this.pump();
          if (!this.size && !this.running) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  /** Reads back the payloads of the next keys kept without one, in one query. */
  private async loadAhead(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    const batch: WorkItem<R>[] = [];
    for (let i = this.head; i < this.items.length && batch.length < this.opts.concurrency * 4; i++) {
      const it = this.items[i]!;
      if (!it.event) batch.push(it);
    }
    try {
      const found = await this.load(batch.map((b) => b.key));
      for (const it of batch) {
        const event = found.get(it.key);
        if (event) {
          it.event = event;
          this.held++;
        } else it.event = FINISHED;
      }
    } catch (err) {
      // the database is away: try again shortly; the events are safe in the inbox meanwhile
      this.log.warn({ err }, 'could not read back queued events');
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      this.loading = false;
    }
    this.dropFinished();
    this.pump();
  }

  /** Keys whose events were finished elsewhere (by a takeover) are dropped. */
  private dropFinished(): void {
    const kept = this.items.slice(this.head).filter((it) => {
      if (it!.event !== FINISHED) return true;
      this.held--;
      this.keys.delete(it!.key);
      it!.done?.(undefined);
      return false;
    });
    this.items = kept;
    this.head = 0;
    if (!this.size && !this.running) for (const w of this.idleWaiters.splice(0)) w();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** Marks a key whose event turned out to be finished already. */
const FINISHED: BotEvent = {
  id: '',
  channel: '',
  chat: { id: '', isGroup: false },
  userId: '',
  kind: 'message',
  receivedAt: new Date(0),
};

/** Work run one after another per key (a conversation) and in parallel across keys. */
export class Lanes {
  private tails = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }
}
