import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePromiseNumber } from '../../../handlers/clients/rules.ts';
import { parseComplaintNumber } from '../../../handlers/complaints/rules.ts';
import { parseClaimNo } from '../../../handlers/reimbursements/approval.ts';
import { parseRequestNo } from '../../../handlers/supplies/rules.ts';
import { dailyNumber, formatDateTime, parseRecordNumber } from '../../../src/core/numbering.ts';
import { useDatabase } from '../../helpers/db.ts';

useDatabase('numbering');

describe('daily numbers', () => {
  it('gives twenty simultaneous registrations twenty different numbers', async () => {
    const at = new Date('2026-11-27T03:00:00Z');
    const numbers = await Promise.all(Array.from({ length: 20 }, () => dailyNumber('TS', at, 'Asia/Shanghai')));
    expect(new Set(numbers).size).toBe(20);
    expect(numbers.sort()[0]).toBe('TS-20261127-001');
  });

  it("counts the day in the bot's time zone, not UTC", async () => {
    // 2026-11-27 17:00 UTC is already the 28th in Shanghai
    expect(await dailyNumber('BX', new Date('2026-11-27T17:00:00Z'), 'Asia/Shanghai')).toBe('BX-20261128-001');
    expect(formatDateTime(new Date('2026-11-27T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-28 01:00');
  });
});

/*
 * Every numbered record is read back by one parser: a number is typed the same way whether it is a
 * complaint's, a claim's or a trip's. The prefixes are taken from the source (every dailyNumber
 * call), so a new kind of record is in this table from its first line.
 */
const root = path.resolve(import.meta.dirname, '../../..');
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}
const prefixes = [
  ...new Set(
    ['handlers', 'schedules', 'src']
      .flatMap(sourceFiles)
      .flatMap((f) =>
        [...readFileSync(path.join(root, f), 'utf8').matchAll(/dailyNumber\('([A-Z]+)'/g)].map((m) => m[1]!),
      ),
  ),
].sort();

/** The workflows' own names for the parser, each of which must read exactly as parseRecordNumber does. */
const named: Record<string, (text: string) => string | undefined> = {
  TS: parseComplaintNumber,
  CN: parsePromiseNumber,
  BX: parseClaimNo,
  WZ: parseRequestNo,
};

function table(P: string): [string, string | undefined, string?][] {
  const p = P.toLowerCase();
  const other = P === 'TS' ? 'BX' : 'TS';
  return [
    [`${P}-20261127-003`, `${P}-20261127-003`, ''],
    [`${p}-20261127-003`, `${P}-20261127-003`, ''],
    [`${P}20261127003`, `${P}-20261127-003`, ''],
    [`${p}20261127-3`, `${P}-20261127-003`, ''],
    [' 20261127-3 ', `${P}-20261127-003`, ''],
    [`${P}-20261127-1234`, `${P}-20261127-1234`, ''],
    [`驳回 ${P}-20261127-001 金额不对`, `${P}-20261127-001`, '驳回 金额不对'],
    [`${p}20261127001 张三`, `${P}-20261127-001`, '张三'],
    [`${P}-20261127-001\n第二行`, `${P}-20261127-001`, '第二行'],
    ['电话 13800000001', undefined],
    ['20261127-3 金额不对', undefined],
    [`${other}-20261127-003`, undefined],
    [`A${P}-20261127-003`, undefined],
    [`${P}-2026112-003`, undefined],
    ['万达', undefined],
  ];
}

describe('record numbers (PREFIX-YYYYMMDD-NNN) read back', () => {
  it('knows every kind of numbered record', () => {
    expect(prefixes).toEqual(['BX', 'CL', 'CN', 'QX', 'SG', 'TS', 'WZ']);
  });

  it.each(prefixes.flatMap((P) => table(P).map(([text, number, rest]) => [P, text, number, rest] as const)))(
    '%s: %j → %s',
    (P, text, number, rest) => {
      const read = parseRecordNumber(P, text);
      expect(read?.number).toBe(number);
      if (number) expect(read?.rest).toBe(rest);
      if (named[P]) expect(named[P](text)).toBe(number);
    },
  );

  it.each(prefixes)('reads back the numbers dailyNumber makes: %s', async (P) => {
    const made = await dailyNumber(P, new Date('2026-11-27T03:00:00Z'), 'Asia/Shanghai');
    expect(parseRecordNumber(P, made)).toEqual({ number: made, rest: '' });
    expect(parseRecordNumber(P, made.toLowerCase().replaceAll('-', ''))?.number).toBe(made);
  });
});
