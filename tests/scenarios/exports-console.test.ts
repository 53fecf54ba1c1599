import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { startConsoleBot } from '../helpers/console-bot.ts';
import { useDatabase } from '../helpers/db.ts';
import { readWorkbook } from '../helpers/exports.ts';

/*
 * 导出 on the console: the spreadsheet is kept under DATA_DIR/exports and the transcript says where;
 * the temporary file it was written to is gone.
 */

useDatabase('exports_console');

const dataDir = mkdtempSync(path.join(tmpdir(), 'exports-console-'));
let con: Awaited<ReturnType<typeof startConsoleBot>>;

beforeAll(async () => {
  con = await startConsoleBot(new Date('2026-11-27T02:00:00Z'), { DATA_DIR: dataDir });
  const people: { name: string; phone: string; roles: Role[] }[] = [
    { name: '王客服', phone: '13900000001', roles: ['customer_service'] },
  ];
  for (const p of people) await Staff.create(p);
});
afterAll(async () => {
  await con?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('导出 on the console', () => {
  it('keeps the file under DATA_DIR/exports and prints its path', async () => {
    await con.type(':as 王客服');
    const registered = await con.type(
      '登记投诉 \\',
      '投诉客户名称: 万达物业 \\',
      '客户地址: 城南路 1 号 \\',
      '电话: 13712345678 \\',
      '投诉缘由: 夜班队员在岗睡觉 \\',
      '客户要求: 更换队员 \\',
      '分类: 一般性 \\',
      '投诉类型: 脱岗睡岗 \\',
      '备注: 无',
    );
    expect(registered).toMatch(/TS-20261127-001/);
    const out = await con.type('导出 投诉列表');
    const kept = /\[文件\] (投诉列表-20261127-1000\.xlsx)：(.+\.xlsx)/.exec(out);
    expect(kept, out).not.toBeNull();
    const file = kept![2]!;
    expect(path.dirname(file)).toBe(path.resolve(dataDir, 'exports'));
    expect(existsSync(file)).toBe(true);
    expect((await readWorkbook(readFileSync(file)))['投诉']![1]![1]).toBe('万达物业');
    // nothing left in the temporary folder
    expect(readdirSync(path.join(dataDir, 'exports', 'tmp'))).toEqual([]);
  });
});
