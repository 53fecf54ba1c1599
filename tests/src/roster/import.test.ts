import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Dorm, Post, Staff } from '../../../src/models/index.ts';
import { importRoster, importRosterFile } from '../../../src/roster/import.ts';
import {
  type ParsedRoster,
  parseRoster,
  RosterFileError,
  readRosterFile,
  validateRoster,
} from '../../../src/roster/parse.ts';
import { composition } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

useDatabase('roster_import');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../../fixtures/roster');
const GOOD_CSV = path.join(FIXTURES, 'good.csv');
const BAD_CSV = path.join(FIXTURES, 'bad.csv');
const EXAMPLE_CSV = path.resolve(HERE, '../../../examples/roster-example.csv');

const tmp = mkdtempSync(path.join(tmpdir(), 'roster-import-'));
let fileNo = 0;
function writeTemp(content: string | Uint8Array, ext = 'csv'): string {
  const file = path.join(tmp, `roster-${++fileNo}.${ext}`);
  writeFileSync(file, content);
  return file;
}

const csv = (text: string) => parseRoster(Buffer.from(text, 'utf8'), 'csv');

async function fileError(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RosterFileError);
  return (err as Error).message;
}

function valid(parsed: ParsedRoster) {
  const v = validateRoster(parsed.rows);
  if (!v.ok) expect.fail(v.errors.map((e) => e.message).join('\n'));
  return v.entries;
}

async function staffByPhone() {
  const all = await Staff.find({}).lean();
  return new Map(all.map((s) => [s.phone, s]));
}

beforeEach(() => clearCollections());

describe('reading a roster file (no database)', () => {
  it('maps the Chinese headers to fields and numbers rows as the spreadsheet does (header is row 1)', async () => {
    const parsed = await csv(
      '姓名,角色,驻点,宿舍,电话,备注\n张伟,队长,万达广场,一号宿舍,13800000001,组长\n\n,,,,,\n李强,队员,,,13800000002,\n',
    );
    expect(parsed.columns).toEqual(['name', 'phone', 'roles', 'post', 'dorm', 'note']);
    expect(parsed.rows).toEqual([
      {
        row: 2,
        values: { name: '张伟', roles: '队长', post: '万达广场', dorm: '一号宿舍', phone: '13800000001', note: '组长' },
      },
      { row: 5, values: { name: '李强', roles: '队员', phone: '13800000002' } },
    ]);
  });

  it('accepts every phone and role header alias, and 状态', async () => {
    for (const phoneHeader of ['电话', '手机', '手机号', '联系电话']) {
      for (const rolesHeader of ['角色', '岗位']) {
        const parsed = await csv(`姓名,${phoneHeader},${rolesHeader},状态\n张伟,13800000001,队长,离职\n`);
        expect(parsed.rows[0]!.values).toEqual({ name: '张伟', phone: '13800000001', roles: '队长', active: '离职' });
      }
    }
  });

  it('reads a CSV saved with a UTF-8 BOM exactly like one without', async () => {
    const text = readFileSync(GOOD_CSV, 'utf8');
    const withBom = await parseRoster(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
      'csv',
    );
    const without = await parseRoster(Buffer.from(text, 'utf8'), 'csv');
    expect(withBom).toEqual(without);
    expect(withBom.columns).toContain('name');
    expect(withBom.rows).toHaveLength(4);
  });

  it('tolerates full-width spaces, digits and punctuation in headers and cells', async () => {
    const parsed = await csv(
      '\u3000姓\u3000名\u3000,电话（必填）,角色*,驻点\n\u3000张伟\u3000,１３８\u3000００００\u3000０００１,队长，司机,万达广场\n',
    );
    const [entry] = valid(parsed);
    expect(entry!.input).toMatchObject({
      name: '张伟',
      phone: '13800000001',
      roles: ['team_leader', 'driver'],
      post: '万达广场',
    });
  });

  it('notes unknown headers and ignores their columns', async () => {
    const parsed = await csv('序号,姓名,电话,角色,身份证号\n1,张伟,13800000001,队长,110101199001011234\n2,,,,\n');
    expect(parsed.ignoredHeaders).toEqual(['序号', '身份证号']);
    // a row with only the 序号 filled in is a blank template row, not a person without a name
    expect(parsed.rows).toEqual([{ row: 2, values: { name: '张伟', phone: '13800000001', roles: '队长' } }]);
  });

  it('refuses a file without the required headers, naming each missing one in one Chinese message', async () => {
    const msg = await fileError(csv('姓名,驻点,宿舍\n张伟,万达广场,一号宿舍\n'));
    expect(msg).toContain('缺少必填列：电话、角色');
    const msg2 = await fileError(csv('名字,电话,角色\n张伟,13800000001,队长\n'));
    expect(msg2).toContain('缺少必填列：姓名');
  });

  it('refuses two columns that mean the same field', async () => {
    expect(await fileError(csv('姓名,电话,手机,角色\n张伟,13800000001,13800000002,队长\n'))).toContain(
      '「电话」和「手机」都表示电话',
    );
  });

  it('refuses a GBK (ANSI) CSV with a message asking to save it as CSV UTF-8', async () => {
    // "姓名,电话,角色\n张伟,13800000001,队长\n" in GBK
    const gbk = Buffer.from([
      0xd0,
      0xd5,
      0xc3,
      0xfb,
      0x2c,
      0xb5,
      0xe7,
      0xbb,
      0xb0,
      0x2c,
      0xbd,
      0xc7,
      0xc9,
      0xab,
      0x0a,
      0xd5,
      0xc5,
      0xce,
      0xb0,
      0x2c,
      ...Buffer.from('13800000001,'),
      0xb6,
      0xd3,
      0xb3,
      0xa4,
      0x0a,
    ]);
    expect(new TextDecoder('gbk').decode(gbk)).toBe('姓名,电话,角色\n张伟,13800000001,队长\n');
    expect(await fileError(parseRoster(gbk, 'csv'))).toContain('CSV UTF-8');
  });

  it('refuses an empty file and a file that has only the header', async () => {
    expect(await fileError(csv(''))).toContain('表头');
    const headerOnly = await csv('姓名,电话,角色\n\n');
    const v = validateRoster(headerOnly.rows);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.errors[0]!.message).toContain('没有人员');
  });

  it('only reads .csv and .xlsx files', async () => {
    expect(await fileError(readRosterFile(writeTemp('姓名,电话,角色\n', 'txt')))).toContain('.csv 和 .xlsx');
  });

  it('explains a phone that Excel turned into scientific notation', async () => {
    const v = validateRoster((await csv('姓名,电话,角色\n张伟,1.38E+10,队长\n')).rows);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.errors[0]!.message).toMatch(/^第 2 行：电话「1\.38E\+10」.*科学计数法/);
  });
});

describe('reading an XLSX roster', () => {
  async function workbook(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    wb.addWorksheet('说明').addRow(['这张表不会被读取']);
    ws.addRow(['姓名', '电话', '角色', '驻点', '宿舍', '状态', '备注']);
    ws.addRow(['张伟', 13800000001, '队长', '万达广场', '一号宿舍', '在职', '']);
    ws.addRow(['李强', '13800000002', '队员', null, '一号宿舍', null, '电话是文本']);
    ws.addRow([
      { richText: [{ text: '王' }, { text: '芳', font: { bold: true } }] },
      8613800000003,
      '司机',
      null,
      null,
      '离职',
      null,
    ]);
    ws.addRow([]);
    ws.addRow([
      '赵敏',
      { formula: '"1380000"&"0004"', result: '13800000004' },
      '综合部',
      { formula: '"滨江"&"花园"', result: '滨江花园' },
      null,
      null,
      null,
    ]);
    // the phone cell shows 1.38E+10 in Excel; its value is still the whole number
    ws.getCell('B2').numFmt = '0.00E+00';
    // one 驻点 spanning a team: every merged cell gets the master's value
    ws.mergeCells('D2:D4');
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('reads the first worksheet, cells as text: numeric phones in full, rich text, formula results, merged cells', async () => {
    const parsed = await parseRoster(await workbook(), 'xlsx');
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 3, 4, 6]);
    const entries = valid(parsed);
    expect(entries.map((e) => [e.row, e.input.name, e.input.phone, e.input.post, e.input.active])).toEqual([
      [2, '张伟', '13800000001', '万达广场', true],
      [3, '李强', '13800000002', '万达广场', true],
      [4, '王芳', '13800000003', '万达广场', false],
      [6, '赵敏', '13800000004', '滨江花园', true],
    ]);
  });

  it('imports a good XLSX file', async () => {
    const res = await importRosterFile(writeTemp(await workbook(), 'xlsx'));
    expect(res).toMatchObject({ ok: true, rows: 4, result: { created: 4, updated: 0, unchanged: 0 } });
    const staff = await staffByPhone();
    expect(staff.get('13800000001')).toMatchObject({
      name: '张伟',
      roles: ['team_leader'],
      post: '万达广场',
      dorm: '一号宿舍',
      active: true,
    });
    expect(staff.get('13800000003')).toMatchObject({ name: '王芳', roles: ['driver'], active: false });
    expect((await Post.find().lean()).map((p) => p.name).sort()).toEqual(['万达广场', '滨江花园'].sort());
  });

  it('refuses a file that is not really an XLSX workbook', async () => {
    const msg = await fileError(parseRoster(Buffer.from('姓名,电话,角色\n', 'utf8'), 'xlsx'));
    expect(msg).toContain('.xlsx');
  });
});

describe('importing a roster', () => {
  it('imports a good CSV file: people by phone, roles, posts and dorms', async () => {
    const res = await importRosterFile(GOOD_CSV);
    expect(res).toEqual({
      ok: true,
      rows: 4,
      ignoredHeaders: [],
      result: {
        dryRun: false,
        created: 4,
        updated: 0,
        unchanged: 0,
        newPosts: ['万达广场'],
        newDorms: ['万达一号宿舍'],
        notes: [],
      },
    });
    const staff = await staffByPhone();
    expect([...staff.keys()].sort()).toEqual(['13800000001', '13800000002', '13800000003', '13800000004']);
    expect(staff.get('13800000003')).toMatchObject({
      name: '王芳',
      roles: ['guard', 'driver'],
      post: '万达广场',
      note: '持准驾证',
      active: true,
    });
    expect(staff.get('13800000004')).toMatchObject({ name: '赵敏', roles: ['general_affairs'], post: '', dorm: '' });
    expect(await Post.countDocuments({ name: '万达广场' })).toBe(1);
    expect(await Dorm.findOne({ name: '万达一号宿舍' }).lean()).toMatchObject({ post: '万达广场' });
  });

  it("imports the example roster docs/operations.md points to, with the installed workflows' columns (宿舍队长)", async () => {
    const res = await importRosterFile(EXAMPLE_CSV, { extra: composition.rosterColumns });
    expect(res).toMatchObject({
      ok: true,
      rows: 10,
      ignoredHeaders: [],
      result: { created: 10, notes: ['宿舍队长：新指定 2 人次，取消 0 人次（名单见「宿舍列表」）。'] },
    });
    expect(await Staff.countDocuments({ active: false })).toBe(1);
  });

  it('updates people by phone on re-import (changed role and post) and never duplicates them', async () => {
    await importRosterFile(GOOD_CSV);
    const before = await staffByPhone();
    const changed = readFileSync(GOOD_CSV, 'utf8')
      .replace('李强,队员,万达广场', '李强,队长,滨江花园')
      .replace('赵敏,综合部,,', '赵敏,"综合部,财务部",,');
    const res = await importRosterFile(writeTemp(changed));
    expect(res).toMatchObject({ ok: true, result: { created: 0, updated: 2, unchanged: 2, newPosts: ['滨江花园'] } });
    expect(await Staff.countDocuments()).toBe(4);
    const after = await staffByPhone();
    expect(after.get('13800000002')).toMatchObject({ roles: ['team_leader'], post: '滨江花园' });
    expect(after.get('13800000004')).toMatchObject({ roles: ['general_affairs', 'finance'] });
    expect(String(after.get('13800000002')!._id)).toBe(String(before.get('13800000002')!._id));
    // unchanged people keep their updatedAt
    expect(after.get('13800000001')!.updatedAt).toEqual(before.get('13800000001')!.updatedAt);

    const again = await importRosterFile(writeTemp(changed));
    expect(again).toMatchObject({ ok: true, result: { created: 0, updated: 0, unchanged: 4, newPosts: [] } });
    expect(await Staff.countDocuments()).toBe(4);
    expect(await Post.countDocuments()).toBe(2);
  });

  it('converges when an interrupted import is run again', async () => {
    const entries = valid(await readRosterFile(GOOD_CSV)).map((e) => e.input);
    await importRoster(entries.slice(0, 2));
    const res = await importRoster(entries);
    expect(res).toMatchObject({ created: 2, updated: 0, unchanged: 2 });
    expect(await Staff.countDocuments()).toBe(4);
  });

  it('leaves fields without a column alone: a roster without 状态 does not re-enable someone disabled in chat', async () => {
    await importRosterFile(GOOD_CSV);
    await Staff.updateOne({ phone: '13800000001' }, { $set: { active: false } });
    const noDorm = writeTemp('姓名,电话,角色\n张伟,13800000001,队长\n新人,13800000009,队员\n');
    const res = await importRosterFile(noDorm);
    expect(res).toMatchObject({ ok: true, result: { created: 1, updated: 0, unchanged: 1 } });
    const staff = await staffByPhone();
    expect(staff.get('13800000001')).toMatchObject({
      active: false,
      dorm: '万达一号宿舍',
      post: '万达广场',
      note: '2023 年入职',
    });
    expect(staff.get('13800000009')).toMatchObject({ active: true, post: '', dorm: '', note: '' });

    const withStatus = writeTemp('姓名,电话,角色,状态\n张伟,13800000001,队长,在职\n');
    expect(await importRosterFile(withStatus)).toMatchObject({ ok: true, result: { updated: 1 } });
    expect((await Staff.findOne({ phone: '13800000001' }).lean())!.active).toBe(true);
  });

  it('imports nothing from a file with bad rows and reports every bad row with its number and reason', async () => {
    const res = await importRosterFile(BAD_CSV);
    expect(res.ok).toBe(false);
    const messages = res.ok ? [] : res.errors.map((e) => e.message);
    expect(res.ok ? [] : res.errors.map((e) => e.row)).toEqual([3, 4, 5, 6]);
    expect(messages[0]).toBe('第 3 行：电话「123」不是 11 位手机号');
    expect(messages[1]).toMatch(/^第 4 行：角色「厨师」不认识/);
    expect(messages[2]).toBe('第 5 行：姓名不能为空');
    expect(messages[3]).toBe('第 6 行：电话 13800000001 与第 2 行重复，同一个人只能出现一次');
    expect(await Staff.countDocuments()).toBe(0);
    expect(await Post.countDocuments()).toBe(0);
    expect(await Dorm.countDocuments()).toBe(0);
  });

  it('does not touch existing people when a re-import has a bad row', async () => {
    await importRosterFile(GOOD_CSV);
    const bad =
      readFileSync(GOOD_CSV, 'utf8').replace('李强,队员,万达广场', '李强,队长,滨江花园') + '孙丽,队员,,,1380000000,\n';
    const res = await importRosterFile(writeTemp(bad));
    expect(res.ok).toBe(false);
    expect(!res.ok && res.errors.map((e) => e.message)).toEqual(['第 6 行：电话「1380000000」不是 11 位手机号']);
    expect(await Staff.findOne({ phone: '13800000002' }).lean()).toMatchObject({ roles: ['guard'], post: '万达广场' });
    expect(await Post.countDocuments({ name: '滨江花园' })).toBe(0);
  });

  it('reports a missing header as the whole-file error and imports nothing', async () => {
    const res = await importRosterFile(writeTemp('姓名,驻点\n张伟,万达广场\n'));
    expect(res).toEqual({
      ok: false,
      ignoredHeaders: [],
      errors: [{ message: expect.stringContaining('缺少必填列：电话、角色') }],
    });
    expect(await Staff.countDocuments()).toBe(0);
  });

  it('writes nothing on a dry run but reports what it would do', async () => {
    await importRosterFile(GOOD_CSV);
    await Staff.deleteOne({ phone: '13800000004' });
    const changed = readFileSync(GOOD_CSV, 'utf8').replace('李强,队员,万达广场', '李强,队长,滨江花园');
    const res = await importRosterFile(writeTemp(changed), { dryRun: true });
    expect(res).toMatchObject({
      ok: true,
      result: { dryRun: true, created: 1, updated: 1, unchanged: 2, newPosts: ['滨江花园'] },
    });
    expect(await Staff.countDocuments()).toBe(3);
    expect(await Staff.findOne({ phone: '13800000002' }).lean()).toMatchObject({ roles: ['guard'], post: '万达广场' });
    expect(await Post.countDocuments({ name: '滨江花园' })).toBe(0);
  });

  it('a roster naming 「城南 宿舍」 joins the dorm 城南宿舍 on record; spellings of one new post in one file make one post, as first written', async () => {
    await Dorm.create({ name: '城南宿舍' });
    const text = [
      '姓名,电话,角色,驻点,宿舍,宿舍队长',
      '张伟,13800000011,队长,万达广场,城南 宿舍,是',
      '李强,13800000012,队员,万达 广场,城南宿舍,',
      '王芳,13800000013,队员,万达-广场,城南·宿舍,',
    ].join('\n');
    const res = await importRosterFile(writeTemp(text), { extra: composition.rosterColumns });
    expect(res).toMatchObject({ ok: true, result: { created: 3, newPosts: ['万达广场'], newDorms: [] } });
    expect((await Post.find().lean()).map((p) => p.name)).toEqual(['万达广场']);
    expect((await Dorm.find().lean()).map((d) => d.name)).toEqual(['城南宿舍']);
    expect(new Set((await Staff.find().lean()).map((s) => `${s.post}/${s.dorm}`))).toEqual(
      new Set(['万达广场/城南宿舍']),
    );
    const { DormLeader } = await import('../../../handlers/dorms/models.ts');
    expect((await DormLeader.find().lean()).map((l) => l.dorm)).toEqual(['城南宿舍']);
  });

  it('imports a BOM CSV with full-width characters', async () => {
    const text =
      '\ufeff姓名,电话,角色,驻点\n\u3000张伟\u3000,＋８６\u3000１３８００００００１１,队长，司机,万达广场（东门）\n';
    const res = await importRosterFile(writeTemp(text));
    expect(res).toMatchObject({ ok: true, result: { created: 1 } });
    // NFKC, as every chat message is normalised, so 设置驻点 and the roster name the same post
    expect(await Staff.findOne({ phone: '13800000011' }).lean()).toMatchObject({
      name: '张伟',
      roles: ['team_leader', 'driver'],
      post: '万达广场(东门)',
    });
  });
});
