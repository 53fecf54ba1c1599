import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureIndexes } from '../../src/models/index.ts';
import { composition } from '../../src/workflows.ts';

/** A database of its own for the calling test file, dropped afterwards. */
export function dbUri(name: string): string {
  const base = inject('mongoUri');
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function uniqueDbName(label: string): string {
  return `t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(3).toString('hex')}`;
}

/** Connects mongoose for this file and drops the database at the end. */
export function useDatabase(label: string): { uri: string; name: string } {
  const name = uniqueDbName(label);
  const info = { uri: dbUri(name), name };
  beforeAll(async () => {
    await mongoose.connect(info.uri);
    await ensureIndexes(composition.models);
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
  });
  return info;
}

export async function clearCollections(): Promise<void> {
  for (const c of Object.values(mongoose.connection.collections)) await c.deleteMany({});
}
