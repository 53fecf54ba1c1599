import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_MINIMUM, nodeTooOld, tooOldMessage } from '../../src/check-node.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts src/main.ts the way npm start does, on a Node that reports `version`. */
function startOn(version: string): Promise<{ code: number | null; err: string }> {
  const pretend = `data:text/javascript,Object.defineProperty(process,'versions',{value:{...process.versions,node:'${version}'}})`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', pretend, '--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BOT_CONSOLE: 'off', HTTP_PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, err }));
  });
}

describe('first use: the real minimum Node', () => {
  it('states the minimum mongoose and the mongodb driver declare', () => {
    const engines = (p: string) =>
      (
        JSON.parse(readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')) as {
          engines: { node: string };
        }
      ).engines.node;
    expect(engines('mongoose')).toBe(`>=${NODE_MINIMUM}`);
    expect(engines('mongodb')).toBe(`>=${NODE_MINIMUM}`);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.19');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('Node.js ≥ 20.19');
  });

  it('compares versions', () => {
    expect(nodeTooOld('20.10.0')).toBe(true);
    expect(nodeTooOld('v20.18.3')).toBe(true);
    expect(nodeTooOld('20.19.0')).toBe(false);
    expect(nodeTooOld('22.1.0')).toBe(false);
    expect(tooOldMessage('v20.18.3')).toContain('this is Node.js 20.18.3');
  });

  it('npm start refuses an older Node with a clear message, before loading anything else', async () => {
    const { code, err } = await startOn('20.18.0');
    expect(code).toBe(1);
    expect(err).toContain(`needs Node.js ${NODE_MINIMUM} or newer`);
  });
});
