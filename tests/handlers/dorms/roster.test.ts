import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DormLeader } from '../../../handlers/dorms/models.ts';
import { Dorm, Staff } from '../../../src/models/index.ts';
import { importRosterFile } from '../../../src/roster/import.ts';
import { composition } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

/*
 * The roster column 宿舍队长, found by the roster import through the composition (the import never
 * imports the dorm workflow), with the import's all-or-nothing rule: one bad cell, nothing written.
 */

useDatabase('dorms_roster');

const tmp = mkdtempSync(path.join(tmpdir(), 'dorms-roster-'));
let n = 0;
function file(text: string): string {
  const f = path.join(tmp, `roster-${++n}.csv`);
  writeFileSync(f, text);
  return f;
}
const run = (text: string, dryRun = false) =>
  importRosterFile(file(text), { dryRun, extra: composition.rosterColumns });

async function leaders(): Promise<string[]> {
  return (await DormLeader.find({}).lean()).map((l) => `${l.dorm}:${l.name}`).sort();
}

const HEAD = '姓名,电话,角色,宿舍,状态,宿舍队长\n';
const GOOD = `${HEAD}陈队长,13900000103,队长,城南宿舍,在职,是\n刘队长,13900000107,队长,城北宿舍,,城东宿舍、城北宿舍\n张三,13800000101,队员,城南宿舍,,\n王五,13800000103,队员,城东宿舍,,否\n`;

beforeEach(() => clearCollections());

describe('§3.3.3 the roster column 宿舍队长', () => {
  it('是 makes the person leader of the dorm in the same row; dorm names make a leader of dorms they do not live in', async () => {
    const res = await run(GOOD);
    expect(res.ok && res.result.notes).toEqual(['宿舍队长：新指定 3 人次，取消 0 人次（名单见「宿舍列表」）。']);
    expect(await leaders()).toEqual(['城东宿舍:刘队长', '城北宿舍:刘队长', '城南宿舍:陈队长']);
    const chen = await Staff.findOne({ phone: '13900000103' }).lean();
    expect(await DormLeader.findById(`城南宿舍:${String(chen!._id)}`).lean()).toMatchObject({
      assignedBy: { name: '花名册导入' },
    });
  });

  it('a re-import makes each listed person lead exactly what the cell says (blank = none); people not in the file keep theirs; a dry run writes nothing', async () => {
    await run(GOOD);
    const other = await Staff.create({
      name: '孙队长',
      phone: '13900000200',
      roles: ['team_leader'],
      dorm: '城南宿舍',
    });
    await DormLeader.create({
      _id: `城南宿舍:${String(other._id)}`,
      dorm: '城南宿舍',
      staffId: String(other._id),
      name: '孙队长',
      assignedBy: { staffId: '', name: '钱行政' },
      assignedAt: new Date(),
    });
    const moved = `${HEAD}陈队长,13900000103,队长,城北宿舍,,是\n刘队长,13900000107,队长,城北宿舍,,\n`;

    const dry = await run(moved, true);
    expect(dry.ok && dry.result.notes).toEqual(['宿舍队长：将新指定 1 人次，将取消 3 人次（名单见「宿舍列表」）。']);
    expect(await leaders()).toEqual(['城东宿舍:刘队长', '城北宿舍:刘队长', '城南宿舍:孙队长', '城南宿舍:陈队长']);

    expect((await run(moved)).ok).toBe(true);
    expect(await leaders()).toEqual(['城北宿舍:陈队长', '城南宿舍:孙队长']);
    const again = await run(moved);
    expect(again.ok && again.result.notes).toEqual([]);
  });

  it.each([
    ['是 without a 宿舍', `${HEAD}陈队长,13900000103,队长,,,是\n`, '第 2 行：宿舍队长填了「是」，但没有填宿舍'],
    [
      'a person who is not 队长',
      `${HEAD}陈队长,13900000103,队长,城南宿舍,,是\n张三,13800000101,队员,城南宿舍,,是\n`,
      '第 3 行：张三 不是队长，不能当宿舍队长',
    ],
    [
      'a person who has left',
      `${HEAD}陈队长,13900000103,队长,城南宿舍,离职,是\n`,
      '第 2 行：陈队长 已离职/停用，不能当宿舍队长',
    ],
    [
      'a dorm nobody lives in',
      `${HEAD}陈队长,13900000103,队长,城南宿舍,,城西宿舍\n`,
      '第 2 行：宿舍队长写的「城西宿舍」没有这个宿舍',
    ],
  ])('%s fails the whole import with the row number and writes nothing', async (_, text, message) => {
    const res = await run(text);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.map((e) => e.message).join('\n')).toContain(message);
    expect(await Staff.countDocuments()).toBe(0);
    expect(await Dorm.countDocuments()).toBe(0);
    expect(await DormLeader.countDocuments()).toBe(0);
  });

  it('a roster without the column leaves every leader as assigned in chat', async () => {
    await run(GOOD);
    expect((await run('姓名,电话,角色,宿舍\n陈队长,13900000103,队长,城北宿舍\n')).ok).toBe(true);
    expect(await leaders()).toEqual(['城东宿舍:刘队长', '城北宿舍:刘队长', '城南宿舍:陈队长']);
  });
});
