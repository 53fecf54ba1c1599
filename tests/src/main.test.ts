import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { dbUri, uniqueDbName } from '../helpers/db.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-desk-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the bot as a newcomer would (npm start), typing `lines` into the console, then Ctrl+D. */
function runBot(
  env: Record<string, string>,
  lines: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, HTTP_PORT: '0', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end(lines.join('\n') + '\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe('npm start', () => {
  it('stops at start on a bad setting, naming the variable and the fix', async () => {
    const { code, err } = await runBot({ BOT_TIMEZONE: 'Mars/Base', HTTP_PORT: 'x' }, []);
    expect(code).toBe(2);
    expect(err).toContain('BOT_TIMEZONE');
    expect(err).toContain('HTTP_PORT');
    expect(err).toContain('Asia/Shanghai');
  });

  it('opens a console chat where a newcomer acts as any staff member and the data stays after a restart', async () => {
    const name = uniqueDbName('main');
    const env = { MONGODB_URI: dbUri(name) };
    const first = await runBot(env, [
      '帮助',
      '添加人员',
      '周八',
      '13800000008',
      '队长',
      '万达广场',
      '跳过',
      ':as 周八',
      '我是谁',
      ':photo 收据.jpg',
      ':group 一队',
      '人员列表',
      ':time 22:00',
    ]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('控制台已就绪');
    expect(first.out).toContain('添加人员 — 添加一名员工');
    expect(first.out).toContain('【员工档案：周八】');
    expect(first.out).toContain('你现在是「周八」（队长）');
    expect(first.out).toContain('你是 周八');
    expect(first.out).toContain('收到照片，但你还没有填写报销明细');
    // 周八 is not an admin: the staff list is refused, in a group as anywhere
    expect(first.out).toContain('你没有权限使用「人员列表」');
    // the roll call can be tried during the day: the console moves the bot's clock and runs what is due
    expect(first.out).toMatch(/机器人时间拨到 \d{4}-\d{2}-\d{2} 22:00/);

    const second = await runBot(env, [':group 一队', '人员列表']);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('周八 138****0008 队长 @万达广场');

    await mongoose.connect(dbUri(name));
    // #20: the person added and the console account bound to them with :as are in the audit trail, the binding once
    const trail = await mongoose.connection
      .collection('audit')
      .find({}, { sort: { at: 1 } })
      .toArray();
    expect(trail.map((e) => [e.what, e.subject?.name, e.channel])).toEqual([
      ['添加人员', '周八', 'console'],
      ['绑定', '周八', 'console'],
    ]);
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  }, 120_000);

  it('without MONGODB_URI keeps its data in an embedded database under DATA_DIR, across restarts', async () => {
    const first = await runBot({}, ['添加人员', '吴九', '13800000009', '司机', '跳过', '跳过']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`数据库：内置 FerretDB，数据保存在 ${path.join(dataDir, 'ferretdb')}`);
    const second = await runBot({}, ['人员 吴九']);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('【员工档案：吴九】');
  }, 120_000);

  it('on SIGTERM stops intake, finishes, closes the database and exits cleanly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        HTTP_PORT: '0',
        BOT_CONSOLE: 'on',
        MONGODB_URI: dbUri(uniqueDbName('sigterm')),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not ready: ${out}`)), 30_000);
      child.stdout.on('data', () => out.includes('控制台已就绪') && (clearTimeout(t), resolve()));
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(path.join(dataDir, 'logs', 'bot.log'), 'utf8');
    expect(log).toContain('"signal":"SIGTERM"');
    expect(log.trim().split('\n').at(-1)).toContain('"msg":"stopped"');
  }, 60_000);
});
