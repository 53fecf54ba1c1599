import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillClients } from '../../../handlers/clients/backfill.ts';
import { Client, ClientName } from '../../../handlers/clients/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { seedPeople } from '../../helpers/complaints.ts';
import { useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, silentLog, startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * handlers/clients/backfill.ts, run at start: records written before the search text (and the name
 * key) existed get them, so 客户 <联系人/电话/驻点> finds them without anyone editing them first.
 */

useDatabase('clients_backfill');

let bot: Bot;
let chat: MemoryReceiver;
const at = new Date('2026-11-01T02:00:00Z');

beforeAll(async () => {
  await seedPeople('console');
  // as an older version wrote it: no searchText, no version, no name key
  await Client.collection.insertOne({
    name: '老万达物业',
    address: '城南路 1 号',
    phone: '0571-88886666',
    contacts: [{ name: '张经理', title: '物业经理', phone: '13812345678' }],
    posts: ['万达广场'],
    status: 'current',
    changes: [],
    createdAt: at,
    updatedAt: at,
  });
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig() }));
});
afterAll(() => bot.stop());

describe('older client records brought up to date at start', () => {
  it('客户 <联系人/电话/驻点> finds a record written before the search text existed', async () => {
    for (const q of ['张经理', '13812345678', '88886666', '万达广场']) {
      expect((await chat.say('kefu', `客户 ${q}`)).join('\n'), q).toContain('客户档案：老万达物业');
    }
    const c = (await Client.findOne({ name: '老万达物业' }).lean())!;
    expect(c.searchText).toContain('张经理');
    expect(await ClientName.findById('老万达物业').lean()).toMatchObject({ clientId: String(c._id) });
  });

  it('does nothing the second time (every instance runs it at every start)', async () => {
    const before = (await Client.findOne({ name: '老万达物业' }).lean())!;
    expect(await backfillClients({ log: silentLog })).toEqual({ searchText: 0, nameKeys: 0, staleKeys: 0 });
    const after = (await Client.findOne({ name: '老万达物业' }).lean())!;
    expect(after.version).toBe(before.version);
    expect(after.updatedAt).toEqual(before.updatedAt);
  });
});

describe('#18 name keys fold spaces and punctuation: records keyed the old way are keyed again', () => {
  it('a client keyed 「abc 物业」 is found as ABC物业 after the start hook, the old key dropped, once', async () => {
    const { insertedId } = await Client.collection.insertOne({
      name: 'ABC 物业',
      version: 0,
      status: 'current',
      contacts: [],
      posts: [],
      changes: [],
      searchText: 'abc 物业',
      createdAt: at,
      updatedAt: at,
    });
    // as the #12 key wrote it: spaces collapsed, not dropped
    await ClientName.collection.insertOne({ _id: 'abc 物业' as never, clientId: String(insertedId), at });
    expect(await backfillClients({ log: silentLog })).toEqual({ searchText: 0, nameKeys: 1, staleKeys: 1 });
    expect(await ClientName.findById('abc物业').lean()).toMatchObject({ clientId: String(insertedId) });
    expect(await ClientName.findById('abc 物业').lean()).toBeNull();
    expect((await chat.say('kefu', '客户 ABC物业')).join('\n')).toContain('客户档案：ABC 物业');
    expect(await backfillClients({ log: silentLog })).toEqual({ searchText: 0, nameKeys: 0, staleKeys: 0 });
  });
});
