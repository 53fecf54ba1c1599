import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import { BotApp } from './core/app.ts';
import type { Services } from './core/context.ts';
import { errorHook } from './core/errors.ts';
import { Forms } from './core/forms.ts';
import { adoptLegacyInbox } from './core/inbox.ts';
import { type ChannelLimits, Outbox } from './core/outbox.ts';
import { DeliveryPipeline } from './core/pipeline.ts';
import type { RouteTable } from './core/router.ts';
import { type JobDefinition, Scheduler } from './core/scheduler.ts';
import type { Channel, Receiver } from './core/types.ts';
import type { Composition } from './core/workflow.ts';
import type { Logger } from './logger.ts';
import { ensureIndexes } from './models/index.ts';

export interface BotOptions {
  config: Config;
  log: Logger;
  receivers: Receiver[];
  /** What the bot runs: src/workflows.ts's composition in production, a smaller one in some tests. */
  workflows: Composition;
  /** Replaces the composed route table (tests of routing only). */
  routes?: RouteTable;
  jobs?: JobDefinition[];
  limits?: Record<Channel, ChannelLimits>;
  now?: () => Date;
  /** Name of this instance in slot leases; defaults to a random id. */
  instanceId?: string;
}

/**
 * One bot: the delivery pipeline, the app it runs each event through, its channels and its
 * scheduler over one (already connected) database. main.ts wires it to real receivers; tests
 * build it the same way with their own.
 */
export class Bot {
  readonly app: BotApp;
  readonly pipeline: DeliveryPipeline;
  readonly services: Services;
  readonly scheduler: Scheduler;
  private started = false;

  constructor(private readonly opts: BotOptions) {
    const forms = new Forms(opts.config.formIdleMinutes);
    for (const f of opts.workflows.forms) forms.define(f);
    const now = opts.now ?? (() => new Date());
    const routes = opts.routes ?? opts.workflows.routes;
    const outbox = new Outbox(opts.log, opts.limits, now);
    for (const r of opts.receivers) outbox.register(r.sender);
    outbox.confirmFirst(routes.actions.filter((a) => a.confirm).map((a) => a.action));
    this.services = {
      config: opts.config,
      log: opts.log,
      outbox,
      forms,
      routes,
      now,
      extensions: opts.workflows.extensions,
      onError: errorHook(opts.log),
    };
    this.app = new BotApp(this.services.routes, this.services);
    this.pipeline = new DeliveryPipeline({
      log: opts.log,
      takeoverSeconds: opts.config.inboxTakeoverSeconds,
      process: (event, attempt) => this.app.process(event, attempt),
      reply: (event, text, ledger) =>
        outbox.forEvent(ledger).send({ channel: event.channel, chatId: event.chat.id }, text),
      onError: this.services.onError,
    });
    this.scheduler = new Scheduler(
      opts.jobs ?? opts.workflows.jobs,
      { ...this.services, recoverInbox: () => this.pipeline.recover(this.services.now()) },
      opts.instanceId ?? randomUUID(),
    );
  }

  get receivers(): Receiver[] {
    return this.opts.receivers;
  }

  async start(): Promise<void> {
    await ensureIndexes(this.opts.workflows.models);
    await adoptLegacyInbox(this.opts.log);
    for (const step of this.opts.workflows.starts) {
      // a backfill that fails leaves the older records as they were: the bot still runs, and says so
      await step
        .run(this.services)
        .catch((err) => this.services.onError(err, { what: 'start step failed', detail: { workflow: step.name } }));
    }
    for (const r of this.opts.receivers) {
      await r.start(this.pipeline);
      this.opts.log.info({ channel: r.channel }, 'channel started');
    }
    await this.scheduler.start();
    this.started = true;
  }

  /** SIGTERM path: stop intake, finish work in flight, flush outgoing messages. The caller closes the database. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // the pipeline refuses new events first; receivers stay connected until replies in flight are sent
    await this.pipeline.stop();
    await this.scheduler.stop();
    await this.services.outbox.drain();
    for (const r of this.opts.receivers)
      await r.stop().catch((err) => this.opts.log.warn({ err, channel: r.channel }, 'stop failed'));
  }

  health(): Record<string, string> {
    return Object.fromEntries(this.opts.receivers.map((r) => [r.channel, r.state()]));
  }
}
