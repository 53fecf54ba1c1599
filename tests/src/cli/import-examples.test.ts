import { describe, expect, it } from 'vitest';
import { Client } from '../../../handlers/clients/models.ts';
import { SupplyItem } from '../../../handlers/supplies/models.ts';
import { Staff } from '../../../src/models/index.ts';
import { cliRunner } from '../../helpers/cli.ts';
import { useDatabase } from '../../helpers/db.ts';

/*
 * The example files the manual and docs/operations.md point to work together (#21): on an empty
 * database the roster goes in first, and the client list and equipment lists then find every owner
 * and post in it — with `npm run import`, as someone trying the bot would run it.
 */

const db = useDatabase('cli_examples');
const { run: runImport } = cliRunner('src/cli/import.ts', db);

describe('the example files', { timeout: 90_000 }, () => {
  it('import together on an empty database: the roster first, then the client list finds every owner and post in it, then the equipment list', async () => {
    const roster = await runImport(['roster', 'examples/roster-example.csv']);
    expect(roster.code, roster.output).toBe(0);
    const clients = await runImport(['clients', 'examples/clients-example.csv', '--by', '王芳']);
    expect(clients.code, clients.output).toBe(0);
    expect(clients.output).toContain('新增 3 个');
    const supplies = await runImport(['supplies', 'examples/supplies-example.csv']);
    expect(supplies.code, supplies.output).toBe(0);

    // each client's owner is a 客服部 member or the 队长 of its post, as the roster says
    const owners = new Map((await Client.find().lean()).map((c) => [c.name, c.owner?.name]));
    expect(Object.fromEntries(owners)).toEqual({ 万达物业: '王芳', 城北商场: '赵磊', 滨江新苑: '王芳' });
    expect(await Staff.findOne({ name: '赵磊' }).lean()).toMatchObject({ roles: ['team_leader'], post: '城北商场' });
    expect(await SupplyItem.countDocuments({ post: '万达广场' })).toBeGreaterThan(0);
  });
});
