import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../handlers/clients/models.ts';
import { Staff } from '../../../src/models/index.ts';
import { cliRunner, ROOT } from '../../helpers/cli.ts';
import { useDatabase } from '../../helpers/db.ts';

const db = useDatabase('cli_import_clients');
const { run: importClients } = cliRunner('src/cli/import-clients.ts', db);

const GOOD_CSV = path.join(ROOT, 'tests/fixtures/clients/good.csv');
const BAD_CSV = path.join(ROOT, 'tests/fixtures/clients/bad.csv');

beforeAll(async () => {
  // the owners the good file names
  await Staff.create({ name: '王客服', phone: '13900000001', roles: ['customer_service'] });
  await Staff.create({ name: '陈队长', phone: '13900000003', roles: ['team_leader'] });
});

// each case starts a Node process (≈2 s, more on a busy 2-core CI machine)
describe('npm run import-clients (I.2.8, the roster import’s rules)', { timeout: 60_000 }, () => {
  it('exits 1 on a bad file, names every bad row and writes nothing', async () => {
    const run = await importClients([BAD_CSV]);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('客户名单有 5 行有问题，没有导入任何客户');
    for (const line of [
      '第 2 行：电话「12345」不对',
      '第 3 行：客户名称不能为空',
      '第 4 行：状态「重要」不认识',
      '第 5 行：客户「万达物业」与第 2 行重复',
      '第 6 行：负责人「不存在的人」不在人员名单里',
    ]) {
      expect(run.output).toContain(line);
    }
    expect(await Client.countDocuments()).toBe(0);
  });

  it('imports a good file with who imported it; a second run changes nothing', async () => {
    const run = await importClients([GOOD_CSV, '--by', '王客服']);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('新增 3 个，更新 0 个，未变 0 个');
    const c = await Client.findOne({ name: '城北商场' }).lean();
    expect(c).toMatchObject({
      owner: { name: '陈队长' },
      callDays: 15,
      contacts: [{ name: '赵总', title: '总经理', phone: '13700002222' }],
    });
    expect(c!.changes[0]).toMatchObject({ action: '导入新建', by: { name: '王客服' } });
    const again = await importClients([GOOD_CSV]);
    expect(again.stdout).toContain('新增 0 个，更新 0 个，未变 3 个');
  });
});
