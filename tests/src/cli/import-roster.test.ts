import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DormLeader } from '../../../handlers/dorms/models.ts';
import { Post, Staff } from '../../../src/models/index.ts';
import { cliRunner, ROOT } from '../../helpers/cli.ts';
import { useDatabase } from '../../helpers/db.ts';

const db = useDatabase('cli_import_roster');
const { run: importRoster, tmp } = cliRunner('src/cli/import-roster.ts', db);

const GOOD_CSV = path.join(ROOT, 'tests/fixtures/roster/good.csv');
const BAD_CSV = path.join(ROOT, 'tests/fixtures/roster/bad.csv');

// each case starts a Node process (≈2 s, more on a busy 2-core CI machine)
describe('npm run import-roster', { timeout: 60_000 }, () => {
  it('checks a file with --dry-run without writing anything', async () => {
    const run = await importRoster([GOOD_CSV, '--dry-run']);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('试运行');
    expect(run.stdout).toContain('新增 4 人，更新 0 人，未变 0 人');
    expect(await Staff.countDocuments()).toBe(0);
    expect(await Post.countDocuments()).toBe(0);
  });

  it('imports a good file, prints a Chinese summary and exits 0; a second run changes nothing', async () => {
    const run = await importRoster([GOOD_CSV]);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('新增 4 人，更新 0 人，未变 0 人');
    expect(run.stdout).toContain('新建驻点：万达广场');
    expect(await Staff.countDocuments()).toBe(4);
    expect(await Staff.findOne({ phone: '13800000003' }).lean()).toMatchObject({
      name: '王芳',
      roles: ['guard', 'driver'],
    });

    const again = await importRoster([GOOD_CSV]);
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain('新增 0 人，更新 0 人，未变 4 人');
    expect(await Staff.countDocuments()).toBe(4);
  });

  it('exits 1 on a bad file, prints every row error and writes nothing', async () => {
    await Staff.deleteMany({});
    await Post.deleteMany({});
    const run = await importRoster([BAD_CSV]);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('没有导入任何人员');
    for (const line of [
      '第 3 行：电话「123」不是 11 位手机号',
      '第 4 行：角色「厨师」不认识',
      '第 5 行：姓名不能为空',
      '第 6 行：电话 13800000001 与第 2 行重复',
    ]) {
      expect(run.output).toContain(line);
    }
    expect(await Staff.countDocuments()).toBe(0);
    expect(await Post.countDocuments()).toBe(0);
  });

  it("reads the dorms workflow's column 宿舍队长 (§3.3.3): a bad cell fails the whole file, a good one assigns the leader", async () => {
    await Staff.deleteMany({});
    const head = '姓名,电话,角色,宿舍,宿舍队长\n';
    const bad = path.join(tmp, 'leader-bad.csv');
    writeFileSync(bad, `${head}陈队长,13900000103,队长,城南宿舍,是\n张三,13800000101,队员,城南宿舍,是\n`);
    const refused = await importRoster([bad]);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stderr).toContain('第 3 行：张三 不是队长');
    expect(await Staff.countDocuments()).toBe(0);
    // a dorm name is checked against the database, after it is opened and before anything is written
    const typo = path.join(tmp, 'leader-typo.csv');
    writeFileSync(typo, `${head}陈队长,13900000103,队长,城南宿舍,城西宿舍\n`);
    const unknown = await importRoster([typo]);
    expect(unknown.code, unknown.output).toBe(1);
    expect(unknown.stderr).toContain('第 2 行：宿舍队长写的「城西宿舍」没有这个宿舍');
    expect(await Staff.countDocuments()).toBe(0);

    const good = path.join(tmp, 'leader-good.csv');
    writeFileSync(good, `${head}陈队长,13900000103,队长,城南宿舍,是\n张三,13800000101,队员,城南宿舍,\n`);
    const run = await importRoster([good]);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('宿舍队长：新指定 1 人次');
    expect((await DormLeader.find({}).lean()).map((l) => `${l.dorm}:${l.name}`)).toEqual(['城南宿舍:陈队长']);
    await Staff.deleteMany({});
    await DormLeader.deleteMany({});
  });

  it('exits 1 with the header problem when a required column is missing', async () => {
    const file = path.join(tmp, 'no-phone.csv');
    writeFileSync(file, '姓名,角色\n张伟,队长\n');
    const run = await importRoster([file]);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('缺少必填列：电话');
  });

  it('exits 2 with the usage when no file is given', async () => {
    const run = await importRoster([]);
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toContain('用法：npm run import-roster');
  });

  it('exits 2 when the file does not exist', async () => {
    const run = await importRoster([path.join(tmp, 'nope.csv')]);
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toContain('找不到文件');
  });

  it('exits 2 on an extension other than .csv or .xlsx', async () => {
    const xls = path.join(tmp, 'roster.xls');
    writeFileSync(xls, 'x');
    const run = await importRoster([xls]);
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toContain('只支持 .csv 和 .xlsx');
  });

  it('exits 2 with the configuration problem when the environment is invalid', async () => {
    const run = await importRoster([GOOD_CSV], { MONGODB_URI: 'http://localhost:27017' });
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toContain('MONGODB_URI');
  });
});
