import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type RunningFerret, startFerret } from '../../src/db/ferretdb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

let ferret: RunningFerret | undefined;
let dir: string | undefined;

/**
 * The suite's MongoDB: MONGODB_URI when set, otherwise a FerretDB (built once through the Go
 * module proxy and cached under ~/.cache) on SQLite files in a temp folder.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.MONGODB_URI) {
    project.provide('mongoUri', process.env.MONGODB_URI);
    return;
  }
  dir = mkdtempSync(path.join(tmpdir(), 'guard-desk-test-db-'));
  ferret = await startFerret(dir, { log: (m) => console.log(m) });
  project.provide('mongoUri', ferret.uri);
}

export async function teardown(): Promise<void> {
  await ferret?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
