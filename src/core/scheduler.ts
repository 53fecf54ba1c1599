import { CronExpressionParser } from 'cron-parser';
import cron, { type ScheduledTask } from 'node-cron';
import { ScheduleSlot } from '../models/index.ts';
import type { Services } from './context.ts';
import { isDuplicateKey } from './once.ts';

/** What a scheduled job gets: the shared services (it sends through `outbox`, never a fake context). */
export interface JobDeps extends Services {
  /** Takes over inbound events that an instance recorded but never finished. */
  recoverInbox(): Promise<number>;
}

export interface JobDefinition {
  name: string;
  /**
   * node-cron expression, read in BOT_TIMEZONE (6 fields = with seconds); a function when a
   * setting decides it (e.g. the time of a morning list).
   */
  cron: string | ((config: Services['config']) => string);
  description: string;
  /** A slot missed while the bot was down still runs at start if it is younger than this. */
  catchUpMs?: number;
  run(deps: JobDeps, slot: Date): Promise<void>;
}

export function slotKey(job: string, slot: Date): string {
  // node-cron builds its coordinator key the same way: `${name}:${slot.toISOString()}`
  return `${job}:${slot.toISOString()}`;
}

/**
 * node-cron fires the jobs; a unique insert of `job:slot` in MongoDB decides which instance runs a
 * slot, so a slot fires once however many bots share a database. (node-cron's own run-coordinator
 * hook does the same; claiming in `fire` lets tests drive slots with their own clock.)
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(
    private readonly jobs: readonly JobDefinition[],
    private readonly deps: JobDeps,
    private readonly owner: string,
  ) {}

  /** Claims a slot; true for exactly one caller per key. */
  async claim(key: string): Promise<boolean> {
    const [job, ...rest] = key.split(':');
    const slot = new Date(rest.join(':'));
    try {
      await ScheduleSlot.create({ _id: key, job, slot, owner: this.owner, startedAt: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async start(): Promise<void> {
    await this.catchUp(this.deps.now());
    for (const job of this.jobs) {
      const expr = this.cronOf(job);
      const task = cron.schedule(
        cron.validate(expr) ? expr : invalid(job, expr),
        async (ctx) => void (await this.fire(job, ctx.date)),
        {
          name: job.name,
          timezone: this.deps.config.timezone,
          noOverlap: true,
        },
      );
      this.tasks.push(task);
    }
  }

  /** Runs the most recent slot of each job that nobody ran, when it is still recent enough to matter. */
  async catchUp(now: Date): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      if (!job.catchUpMs) continue;
      const prev = CronExpressionParser.parse(this.cronOf(job), { currentDate: now, tz: this.deps.config.timezone })
        .prev()
        .toDate();
      if (now.getTime() - prev.getTime() > job.catchUpMs) continue;
      const key = slotKey(job.name, prev);
      if (await this.claim(key)) {
        this.deps.log.info({ job: job.name, slot: prev.toISOString() }, 'catching up a missed slot');
        await this.execute(job, prev, key);
        ran.push(key);
      }
    }
    return ran;
  }

  /**
   * The clock was moved on from `from` to `to` (the console's `:time 22:00`): each job whose slot fell
   * in between runs once, at its latest such slot, as if the time had passed — a job every minute
   * runs once, not for every minute skipped. A move back runs nothing. Returns the jobs that ran.
   */
  async runDue(from: Date, to: Date): Promise<JobDefinition[]> {
    const since = Math.max(from.getTime(), to.getTime() - 24 * 3600_000);
    const ran: JobDefinition[] = [];
    for (const job of this.jobs) {
      // the slot at `to` itself counts: the expression is asked for the latest slot before a moment later
      const slot = CronExpressionParser.parse(this.cronOf(job), {
        currentDate: new Date(to.getTime() + 1),
        tz: this.deps.config.timezone,
      })
        .prev()
        .toDate();
      if (slot.getTime() <= since || slot.getTime() > to.getTime()) continue;
      if (await this.fire(job, slot)) ran.push(job);
    }
    return ran;
  }

  /**
   * What node-cron calls at each slot (and what tests call with a clock of their own): the
   * instance that claims `job:slot` first runs it; every other instance skips it. True if this one ran it.
   */
  async fire(job: JobDefinition, slot: Date): Promise<boolean> {
    const key = slotKey(job.name, slot);
    if (!(await this.claim(key))) return false;
    await this.execute(job, slot, key);
    return true;
  }

  cronOf(job: JobDefinition): string {
    return typeof job.cron === 'function' ? job.cron(this.deps.config) : job.cron;
  }

  async stop(): Promise<void> {
    for (const t of this.tasks) await t.destroy();
    this.tasks = [];
    await Promise.allSettled([...this.running]);
  }

  private async execute(job: JobDefinition, slot: Date, key = slotKey(job.name, slot)): Promise<void> {
    const work = (async () => {
      try {
        await job.run(this.deps, slot);
        await ScheduleSlot.updateOne({ _id: key }, { $set: { status: 'done', finishedAt: new Date() } });
      } catch (err) {
        const refId = this.deps.onError(err, { what: 'scheduled job failed', job: { name: job.name, slot } });
        await ScheduleSlot.updateOne(
          { _id: key },
          { $set: { status: 'failed', finishedAt: new Date(), error: String(err), refId } },
        ).catch(() => {});
      }
    })();
    this.running.add(work);
    await work.finally(() => this.running.delete(work));
  }
}

function invalid(job: JobDefinition, expr: string): never {
  throw new Error(`job ${job.name} has an invalid cron expression: ${expr}`);
}
