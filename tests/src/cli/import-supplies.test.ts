import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SupplyChange, SupplyItem } from '../../../handlers/supplies/models.ts';
import { Post } from '../../../src/models/index.ts';
import { cliRunner, ROOT } from '../../helpers/cli.ts';
import { useDatabase } from '../../helpers/db.ts';

const db = useDatabase('cli_import_supplies');
const { run: importSupplies, tmp } = cliRunner('src/cli/import-supplies.ts', db);

const GOOD_CSV = path.join(ROOT, 'tests/fixtures/supplies/good.csv');
const BAD_CSV = path.join(ROOT, 'tests/fixtures/supplies/bad.csv');

const list = async (post: string) =>
  (await SupplyItem.find({ post }).sort({ item: 1 }).lean()).map((i) => `${i.item}:${i.quantity}${i.unit}`);

beforeAll(async () => {
  for (const name of ['万达广场', '城南小区']) await Post.create({ name });
});
beforeEach(async () => {
  await SupplyItem.deleteMany({});
  await SupplyChange.deleteMany({});
});

// each case starts a Node process (≈2 s, more on a busy 2-core CI machine)
describe('npm run import-supplies (§4.1 驻点装备物资配置清单)', { timeout: 60_000 }, () => {
  it("imports a good file with every change recorded, replacing the named posts' lists; a second run changes nothing", async () => {
    await SupplyItem.create({ post: '万达广场', item: '雨衣', quantity: 4, unit: '件' });
    const run = await importSupplies([GOOD_CSV, '--by', '王综合']);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain(
      '已导入 2 个驻点（6 种物品）：万达广场 新增 4、修改 0、移出 1；城南小区 新增 2、修改 0、移出 0',
    );
    expect(run.stdout).toContain('已忽略：备注');
    expect(await list('万达广场')).toEqual(['保安服:12套', '对讲机:6台', '手电筒:8支', '警棍:6根']);
    expect(await SupplyChange.findOne({ item: '雨衣' }).lean()).toMatchObject({
      from: 4,
      to: null,
      byName: '王综合',
      source: 'file:good.csv',
    });
    expect(await SupplyChange.countDocuments()).toBe(7);

    const again = await importSupplies([GOOD_CSV]);
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain('万达广场 新增 0、修改 0、移出 0');
    expect(await SupplyChange.countDocuments()).toBe(7);
  });

  it('exits 1 on a bad file, prints every bad row with its number and writes nothing', async () => {
    await SupplyItem.create({ post: '万达广场', item: '对讲机', quantity: 2, unit: '台' });
    const run = await importSupplies([BAD_CSV]);
    expect(run.code, run.output).toBe(1);
    expect(run.stderr).toContain('配置清单有 4 行有问题，没有导入任何内容');
    for (const line of [
      '第 3 行：数量请写 0 或正整数',
      '第 4 行：驻点「火星基地」不存在',
      '第 5 行：物品没有填写',
      '第 6 行：万达广场 的「对讲机」与第 2 行重复',
    ]) {
      expect(run.stderr).toContain(line);
    }
    expect(await list('万达广场')).toEqual(['对讲机:2台']);
    expect(await SupplyChange.countDocuments()).toBe(0);
  });

  it('reads an XLSX and checks it with --dry-run without writing', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('配置清单');
    ws.addRows([
      ['驻点', '装备名称', '配置数量', '单位'],
      ['城南小区', '对讲机', 4, '台'],
      ['城南小区', '警棍', 4, '根'],
    ]);
    const file = path.join(tmp, '配置清单.xlsx');
    await wb.xlsx.writeFile(file);
    const run = await importSupplies([file, '--dry-run']);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('试运行，没有写入。导入后将：城南小区 新增 2、修改 0、移出 0');
    expect(await SupplyItem.countDocuments()).toBe(0);
  });

  it('exits 1 naming the missing column when the header lacks one', async () => {
    const run = await importSupplies([path.join(ROOT, 'tests/fixtures/roster/good.csv')]);
    expect(run.code, run.output).toBe(1);
    expect(run.stderr).toContain('配置清单缺少必填列：物品、数量');
  });
});
