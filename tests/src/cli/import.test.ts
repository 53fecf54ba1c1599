import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../handlers/clients/models.ts';
import { SupplyItem } from '../../../handlers/supplies/models.ts';
import { Post, Staff } from '../../../src/models/index.ts';
import { cliRunner, ROOT } from '../../helpers/cli.ts';
import { useDatabase } from '../../helpers/db.ts';

const db = useDatabase('cli_import');
const { run: runImport, tmp } = cliRunner('src/cli/import.ts', db);

beforeAll(async () => {
  await Staff.create({ name: '王客服', phone: '13900000001', roles: ['customer_service'] });
  await Staff.create({ name: '陈队长', phone: '13900000003', roles: ['team_leader'] });
  await Post.create({ name: '城南小区' });
});

// each case starts a Node process (≈2 s, more on a busy 2-core CI machine)
describe('npm run import -- <kind> <file> (one command for every import a workflow declares)', {
  timeout: 60_000,
}, () => {
  it('without a kind, or with one it does not know, lists the kinds and exits 2', async () => {
    const none = await runImport([]);
    expect(none.code, none.output).toBe(2);
    for (const kind of ['roster', 'clients', 'supplies']) expect(none.stderr).toContain(`  ${kind}`);
    const unknown = await runImport(['trucks', 'x.csv']);
    expect(unknown.code, unknown.output).toBe(2);
    expect(unknown.stderr).toContain('不认识的种类「trucks」');
    expect(unknown.stderr).toContain('客户名单');
  });

  it('imports a client list the clients workflow declares, naming the importer', async () => {
    const run = await runImport(['clients', path.join(ROOT, 'tests/fixtures/clients/good.csv'), '--by', '王客服']);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('新增 3 个，更新 0 个，未变 0 个');
    expect((await Client.findOne({ name: '城北商场' }).lean())?.changes[0]).toMatchObject({
      action: '导入新建',
      by: { name: '王客服' },
    });
  });

  it('checks a supplies XLSX with --dry-run without writing', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('配置清单').addRows([
      ['驻点', '物品', '数量', '单位'],
      ['城南小区', '对讲机', 4, '台'],
    ]);
    const file = path.join(tmp, '配置清单.xlsx');
    await wb.xlsx.writeFile(file);
    const run = await runImport(['supplies', file, '--dry-run']);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('城南小区 新增 1、修改 0、移出 0');
    expect(await SupplyItem.countDocuments()).toBe(0);
  });

  it('names itself in the usage of a kind, and refuses --by where the kind has none', async () => {
    const run = await runImport(['roster', path.join(ROOT, 'tests/fixtures/roster/good.csv'), '--by', '某人']);
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toContain('用法：npm run import -- roster <花名册.csv 或 .xlsx>');
  });
});
