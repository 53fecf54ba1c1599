// first: refuse an unsupported Node before anything that needs a newer one is loaded
import './check-node.ts';
import 'dotenv/config';
import path from 'node:path';
import mongoose from 'mongoose';
import { Bot } from './bot.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { Clock } from './core/clock.ts';
import { connectDatabase } from './db/connect.ts';
import { createHttpServer, databaseProbe, listen } from './http.ts';
import { createLogger, redactUri } from './logger.ts';
import { ConsoleReceiver } from './receivers/console.ts';
import { receiversFrom } from './receivers/index.ts';
import { composition } from './workflows.ts';

function readConfig(): Config {
  try {
    return loadConfig(process.env, composition.settings);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${err.message}\nFix the variables above in .env or the environment, then start again. See docs/configuration.md.\n`,
      );
      process.exit(2);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  // in console mode the terminal is the chat, so logs go to a file instead
  const logFile = config.console ? path.resolve(config.dataDir, 'logs', 'bot.log') : undefined;
  const log = createLogger(config.logLevel, logFile);
  const say = (m: string) => process.stdout.write(`${m}\n`);

  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (kept running)'));

  const db = await connectDatabase(config, log, say);
  say(
    db.kind === 'external'
      ? `数据库：${redactUri(db.uri)}`
      : `数据库：内置 ${db.kind === 'embedded-ferretdb' ? 'FerretDB' : 'MongoDB'}，数据保存在 ${db.dataDir}`,
  );
  if (logFile) say(`日志写在 ${logFile}`);

  const receivers = receiversFrom(config, log, {
    input: process.stdin,
    output: process.stdout,
    onClose: () => requestStop('console closed'),
  });
  // a stop asked for during start-up waits until start-up is done, then runs the same path
  let ready = false;
  let pendingStop: string | undefined;
  let stopping: Promise<void> | undefined;
  const requestStop = (reason: string) => {
    if (!ready) {
      pendingStop ??= reason;
      return;
    }
    stopping ??= (async () => {
      log.info({ signal: reason }, 'shutting down');
      server.close();
      await bot.stop();
      await db.close();
      log.info('stopped');
      // the file destination writes asynchronously: exit only once the last line is on disk
      await new Promise<void>((resolve) => (log.flush ? log.flush(() => resolve()) : resolve()));
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => requestStop('SIGTERM'));
  process.on('SIGINT', () => requestStop('SIGINT'));

  // the wall clock, which only the console's `:time 22:00` moves (to try the roll call during the day)
  const clock = new Clock();
  const bot = new Bot({ config, log, receivers, workflows: composition, now: clock.now });
  for (const r of receivers) {
    if (r instanceof ConsoleReceiver) {
      r.attach({
        clock,
        timezone: config.timezone,
        runDue: async (from, to) => (await bot.scheduler.runDue(from, to)).map((j) => j.description),
      });
    }
  }
  const pingDatabase = databaseProbe(() => mongoose.connection.db!.admin().ping());
  const server = createHttpServer({
    log,
    // each receiver's own routes (a webhook), mounted as declared
    routes: receivers.flatMap((r) => r.routes ?? []),
    health: async () => {
      const dbUp = mongoose.connection.readyState === 1 && (await pingDatabase());
      return { ok: dbUp, database: { kind: db.kind, state: dbUp ? 'up' : 'down' }, channels: bot.health() };
    },
  });

  await bot.start();
  const port = await listen(server, config.http.port, config.http.host);
  log.info({ port, channels: receivers.map((r) => r.channel) }, 'bot started');
  if (!config.console)
    say(`机器人已启动：${receivers.map((r) => r.channel).join('、')}；健康检查 http://127.0.0.1:${port}/healthz`);
  await bot.pipeline.recover().catch((err) => bot.services.onError(err, { what: 'inbox recovery failed' }));
  ready = true;
  if (pendingStop) requestStop(pendingStop);
}

main().catch((err) => {
  process.stderr.write(`启动失败 / start failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
