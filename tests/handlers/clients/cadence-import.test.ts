import { beforeEach, describe, expect, it } from 'vitest';
import { checkClientFile } from '../../../handlers/clients/import.ts';
import { createClient } from '../../../handlers/clients/store.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

/*
 * I.2.5 / I.2.7 through the client list import: a row that would leave a 现有 client without phone
 * follow-ups or visits is refused with its row number, as a bad cell is; nothing is written.
 */

useDatabase('clients_cadence_import');
beforeEach(() => clearCollections());

const csv = (...rows: string[]) => ({
  bytes: new TextEncoder().encode(['客户名称,状态,电话回访周期,拜访周期', ...rows].join('\n')),
  format: 'csv' as const,
});
const by = { staffId: '', name: '命令行导入' };

describe('I.2.5 / I.2.7 不需要 for a 现有 client in an imported list', () => {
  it('refuses the row of a 现有 client with 不需要, or with 现有 over a record that says 不需要, and passes a potential one', async () => {
    await createClient({ name: '城东小区', status: 'potential', callDays: 0 }, by, '新建', new Date());
    const check = await checkClientFile(
      csv(
        '万达物业,现有,不需要,',
        '城北商场,,,不需要',
        '滨江新苑,潜在,不需要,不需要',
        '城东小区,现有,,',
        '城西大厦,现有,30,90',
      ),
    );
    expect(check.ok).toBe(false);
    const errors = check.ok ? [] : check.errors.map((e) => e.message);
    expect(errors).toEqual([
      expect.stringMatching(/^第 2 行：现有客户要定期电话回访和拜访.*电话回访周期不能是「不需要」/),
      expect.stringMatching(/^第 3 行：.*拜访周期不能是「不需要」/),
      expect.stringMatching(/^第 5 行：.*电话回访周期不能是「不需要」/),
    ]);
  });
});
