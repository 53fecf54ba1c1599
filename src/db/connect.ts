import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { redactUri } from '../logger.ts';
import { ferretBinaryPath, hasGo, startFerret } from './ferretdb.ts';

const ENDPOINT_FILE = 'endpoint.json';

/** The URI of an embedded server another live process started on this data folder, if any. */
export async function runningEmbedded(dataDir: string): Promise<string | undefined> {
  try {
    const { uri, pid } = JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as {
      uri: string;
      pid: number;
    };
    process.kill(pid, 0); // throws when that process is gone
    const { hostname, port } = new URL(uri);
    const open = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: hostname, port: Number(port) }, () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    return open ? uri : undefined;
  } catch {
    return undefined;
  }
}

export interface Database {
  /** What serves the data, for the start-up line and /healthz. */
  kind: 'external' | 'embedded-ferretdb' | 'embedded-mongod';
  uri: string;
  dataDir?: string;
  close(): Promise<void>;
}

export const DB_NAME = 'guard_desk';

/**
 * Connects mongoose to MONGODB_URI, or starts an embedded database with its data under
 * DATA_DIR: the cached FerretDB where one is built or Go can build it, else the real mongod that
 * mongodb-memory-server downloads (works where the internet is reachable).
 */
export async function connectDatabase(
  config: Config,
  log: Logger,
  onProgress: (m: string) => void = () => {},
): Promise<Database> {
  if (config.mongodbUri) {
    await mongoose.connect(config.mongodbUri, { serverSelectionTimeoutMS: 15_000 });
    log.info({ db: redactUri(config.mongodbUri) }, 'database connected');
    return { kind: 'external', uri: config.mongodbUri, close: () => mongoose.disconnect() };
  }

  const base = path.resolve(config.dataDir);
  if (existsSync(ferretBinaryPath()) || (await hasGo())) {
    const dataDir = path.join(base, 'ferretdb');
    // a second process on the same data (the roster CLI while the bot runs) joins the running server
    const running = await runningEmbedded(dataDir);
    if (running) {
      await mongoose.connect(running + DB_NAME);
      log.info({ db: 'embedded-ferretdb', dataDir, shared: true }, 'joined the running embedded database');
      return { kind: 'embedded-ferretdb', uri: running + DB_NAME, dataDir, close: () => mongoose.disconnect() };
    }
    const ferret = await startFerret(dataDir, { log: onProgress });
    try {
      await mongoose.connect(ferret.uri + DB_NAME);
    } catch (err) {
      await ferret.stop();
      throw err;
    }
    writeFileSync(path.join(dataDir, ENDPOINT_FILE), JSON.stringify({ uri: ferret.uri, pid: process.pid }));
    log.info({ db: 'embedded-ferretdb', dataDir }, 'embedded database started');
    return {
      kind: 'embedded-ferretdb',
      uri: ferret.uri + DB_NAME,
      dataDir,
      close: async () => {
        await mongoose.disconnect();
        await ferret.stop();
        rmSync(path.join(dataDir, ENDPOINT_FILE), { force: true });
      },
    };
  }

  const dataDir = path.join(base, 'mongod');
  mkdirSync(dataDir, { recursive: true });
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await MongoMemoryServer.create({
    instance: { dbPath: dataDir, storageEngine: 'wiredTiger', ip: '127.0.0.1' },
  });
  const uri = server.getUri(DB_NAME);
  await mongoose.connect(uri);
  log.info({ db: 'embedded-mongod', dataDir }, 'embedded database started');
  return {
    kind: 'embedded-mongod',
    uri,
    dataDir,
    close: async () => {
      await mongoose.disconnect();
      await server.stop({ doCleanup: false });
    },
  };
}
