import path from 'node:path';
import mongoose from 'mongoose';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { BackupRefused } from '../db/backup.ts';
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

/** What a folder command says when it is refused (exit 1) or the database fails (exit 3). */
export interface FolderCommandWords {
  /** Before a refusal's reason, e.g. 没有备份. */
  refused: string;
  /** The line for a database error, given its message. */
  failed: (message: string) => string;
  /** The log message for a database error (English). */
  logged: string;
}

/**
 * A database command taking one folder: usage and --help (exit 0, or 2 for a wrong call), the
 * configuration (2), the database opened and named, then `work` with the folder; a BackupRefused is
 * exit 1, any other error exit 3. The database is closed whatever happens.
 */
export async function folderCommand(
  argv: string[],
  usage: string,
  words: FolderCommandWords,
  work: (open: OpenDatabase, dir: string) => Promise<number>,
): Promise<number> {
  if (argv.length !== 1 || argv[0]!.startsWith('-')) {
    (argv[0] === '--help' || argv[0] === '-h' ? out : err)(usage);
    return argv[0] === '--help' || argv[0] === '-h' ? 0 : 2;
  }
  const dir = path.resolve(argv[0]!);
  const config = readConfig();
  if (!config) return 2;
  let open: OpenDatabase | undefined;
  try {
    open = await openDatabase(config);
    out(`数据库：${open.label}`);
    return await work(open, dir);
  } catch (e) {
    if (e instanceof BackupRefused) {
      err(`${words.refused}：${e.message}`);
      return 1;
    }
    open?.log.error({ err: e }, words.logged);
    err(words.failed((e as Error).message));
    return 3;
  } finally {
    await open?.close().catch(() => undefined);
  }
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
