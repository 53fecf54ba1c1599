import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Bot } from '../../src/bot.ts';
import { Clock } from '../../src/core/clock.ts';
import { Scheduler } from '../../src/core/scheduler.ts';
import { ConsoleReceiver } from '../../src/receivers/console.ts';
import { composition } from '../../src/workflows.ts';
import { silentLog, testConfig } from './harness.ts';

/**
 * The real console receiver on in-memory stdin/stdout, with the bot wired as main.ts wires it: the
 * console stands in for everyone, the administrator is `console:admin`, and `:time` moves the bot's
 * clock and runs the due jobs. The clock starts at `start` (a fixed day, so numbers like
 * BX-20261127-001 are known). The scheduler is not started: jobs run only when `:time` says, so
 * nothing fires at a wall-clock minute in the middle of a test.
 */
export async function startConsoleBot(start: Date, env: Record<string, string> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let transcript = '';
  output.on('data', (d: Buffer) => (transcript += d.toString('utf8')));
  const config = testConfig({ BOT_CONSOLE: 'on', BOT_ADMINS: 'console:admin', ...env });
  const receiver = new ConsoleReceiver(input, output, () => {}, {
    everyone: true,
    filesDir: path.join(config.dataDir, 'exports'),
  });
  const clock = new Clock();
  clock.setTo(start);
  const bot = new Bot({
    config,
    log: silentLog,
    receivers: [receiver],
    workflows: composition,
    jobs: [],
    now: clock.now,
  });
  const scheduler = new Scheduler(
    composition.jobs,
    { ...bot.services, recoverInbox: () => bot.pipeline.recover(bot.services.now()) },
    'console-test',
  );
  receiver.attach({
    clock,
    timezone: config.timezone,
    runDue: async (from, to) => (await scheduler.runDue(from, to)).map((j) => j.description),
  });
  await bot.start();

  /** Types `line` (several lines: one after another) and resolves with what the console printed meanwhile. */
  async function type(...lines: string[]): Promise<string> {
    const before = transcript.length;
    for (const line of lines) input.write(`${line}\n`);
    // readline emits the lines on a later tick; each is answered before the next
    await new Promise((r) => setImmediate(r));
    await receiver.idle();
    return transcript.slice(before);
  }

  async function close(): Promise<void> {
    input.end();
    await receiver.idle();
    await bot.stop();
  }

  return { bot, receiver, clock, type, close, transcript: () => transcript };
}
