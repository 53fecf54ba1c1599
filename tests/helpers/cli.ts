import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository's root, where `npm run` runs the command-line tools. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

/**
 * A tool of src/cli run as its npm script runs it, against the calling test file's database (`db`,
 * from useDatabase), in a temporary home (`tmp`, also for the files a test writes).
 */
export function cliRunner(
  script: string,
  db: { uri: string },
): { run: (args: string[], env?: Record<string, string>) => Promise<CliRun>; tmp: string } {
  const tmp = mkdtempSync(path.join(tmpdir(), `cli-${path.basename(script, '.ts')}-`));
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<CliRun>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
        cwd: ROOT,
        // a clean environment: only what the tool needs, so a developer's shell cannot change the result
        env: { PATH: process.env.PATH ?? '', HOME: tmp, DATA_DIR: path.join(tmp, 'data'), MONGODB_URI: db.uri, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.on('error', reject);
      // it must exit by itself: a database left open would keep it running until the timer kills it
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, output: stdout + stderr });
      });
    });
  return { run, tmp };
}
