import mongoose from 'mongoose';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { createLogger, type Logger, redactUri } from '../logger.ts';
import { composition } from '../workflows.ts';

/*
 * What the database commands (backup, restore) share: the bot's own settings, the same database
 * the bot uses (MONGODB_URI, or the embedded one under DATA_DIR, joined while the bot runs), logs
 * on stderr, and exit codes 0 done, 1 refused, 2 usage or configuration, 3 database error.
 */

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);

export function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env, composition.settings);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    err('Fix the variables above in .env or the environment, then run again. See docs/configuration.md.');
    return undefined;
  }
}

export interface OpenDatabase {
  db: mongoose.mongo.Db;
  client: mongoose.mongo.MongoClient;
  /** For the summary line, the password masked. */
  label: string;
  log: Logger;
  close(): Promise<void>;
}

/** Connects as the bot does, without building indexes or collections on the way (the command decides). */
export async function openDatabase(config: Config): Promise<OpenDatabase> {
  // the models are compiled by the time we connect; left on, mongoose would create collections and indexes
  mongoose.set('autoIndex', false);
  mongoose.set('autoCreate', false);
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  const database: Database = await connectDatabase(config, log, (m) => err(m));
  const label =
    database.kind === 'external'
      ? redactUri(database.uri)
      : `内置 ${database.kind === 'embedded-ferretdb' ? 'FerretDB' : 'MongoDB'}（${database.dataDir}）`;
  return {
    db: mongoose.connection.db!,
    client: mongoose.connection.getClient() as unknown as mongoose.mongo.MongoClient,
    label,
    log,
    close: () => database.close(),
  };
}

/** The process around a command: exit code, and no hang on a handle left open. */
export function runCli(run: () => Promise<number>, failed: string): void {
  void run()
    .catch((e: unknown) => {
      err(`${failed}：${(e as Error).stack ?? String(e)}`);
      return 3;
    })
    .then((code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 5000).unref();
    });
}
