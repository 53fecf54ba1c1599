import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { Client, ClientName } from '../../../handlers/clients/models.ts';
import { createClient } from '../../../handlers/clients/store.ts';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';

/*
 * handlers/clients/store.ts: the exact-name lookup as reads by _id (#12, FerretDB 1.24 indexes only a
 * bare `{_id}` filter), the name claimed once however it is written, and a rename that the client's
 * complaints follow (Ch.10 I.1.1 with III).
 */

const clock = new Date('2026-11-27T02:00:00Z');

const { chat } = useTestBot('clients_store', {
  config: testConfig(),
  now: () => clock,
  seed: () => seedPeople('console'),
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');

/** The filters every read of the clients collection used while `run` ran. */
async function clientReads(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const reads: Record<string, unknown>[] = [];
  mongoose.set('debug', (collection: string, method: string, query: unknown) => {
    if (collection === Client.collection.name && /^find/.test(method)) reads.push(query as Record<string, unknown>);
  });
  try {
    await run();
  } finally {
    mongoose.set('debug', false);
  }
  return reads;
}

const byIdOnly = (reads: Record<string, unknown>[]) => reads.filter((q) => Object.keys(q).join() !== '_id');

describe('#12 the exact-name lookup on the hot path is a read by _id', () => {
  it('登记投诉 万达物业 and 客户 万达物业 read the client record by _id only', async () => {
    await say('kefu', `登记投诉\n${registrationLines()}`);
    const register = await clientReads(() => say('kefu', '登记投诉 万达物业'));
    await say('kefu', '取消');
    const show = await clientReads(() => say('kefu', '客户 万达物业'));
    expect(register.length).toBeGreaterThan(0);
    expect(show.length).toBeGreaterThan(0);
    expect(byIdOnly([...register, ...show])).toEqual([]);
  });

  it('a record made before name keys is found by the old query once, then by its key', async () => {
    await Client.collection.insertOne({
      name: '老客户物业',
      version: 0,
      status: 'current',
      contacts: [],
      posts: [],
      changes: [],
      createdAt: clock,
      updatedAt: clock,
    });
    expect(await say('kefu', '客户 老客户物业')).toContain('客户档案：老客户物业');
    expect(await ClientName.findById('老客户物业').lean()).toMatchObject({ clientId: expect.any(String) });
    const again = await clientReads(() => say('kefu', '客户 老客户物业'));
    expect(again.length).toBeGreaterThan(0);
    expect(byIdOnly(again)).toEqual([]);
  });

  it('two clients cannot take one name at the same moment, however it is written', async () => {
    const by = { staffId: '', name: '王客服' };
    const made = await Promise.all(
      ['ABC物业', 'ａｂｃ物业', 'abc物业', 'ABC物业'].map((name) => createClient({ name }, by, '新建', clock)),
    );
    expect(made.filter(Boolean)).toHaveLength(1);
    expect(await Client.countDocuments()).toBe(1);
    expect(await say('kefu', '客户 abc物业')).toContain(`客户档案：${made.find(Boolean)!.name}`);
  });
});

describe('#18 a client name is one name however it is spaced or punctuated', () => {
  it('adding 「ABC 物业」 after 「ABC物业」 finds the existing client: one record, its first spelling kept', async () => {
    expect(await say('kefu', '添加客户\n客户名称: ABC物业\n负责人: 我')).toContain('已添加客户：ABC物业');
    for (const typed of ['ABC 物业', 'abc·物业', 'Ａ.Ｂ.Ｃ 物业']) {
      expect(await say('kefu', `添加客户\n客户名称: ${typed}\n负责人: 我`), typed).toContain('已有客户「ABC物业」');
      // the form waits for another name
      await say('kefu', '取消');
    }
    expect(await Client.countDocuments()).toBe(1);
    expect((await Client.findOne().lean())!.name).toBe('ABC物业');
    expect(await say('kefu', '客户 abc 物业')).toContain('客户档案：ABC物业');
    // a complaint about 「ABC 物业」 is filed under the same client
    await say('kefu', `登记投诉\n${registrationLines({ name: 'ABC 物业' })}`);
    expect(await Client.countDocuments()).toBe(1);
    expect((await Complaint.findOne().lean())!.clientName).toBe('ABC物业');
  });

  it('two clients cannot take one name at the same moment when one is written with a space', async () => {
    const by = { staffId: '', name: '王客服' };
    const made = await Promise.all(
      ['城北商场', '城北 商场', '城北-商场'].map((name) => createClient({ name }, by, '新建', clock)),
    );
    expect(made.filter(Boolean)).toHaveLength(1);
    expect(await Client.countDocuments()).toBe(1);
  });
});

describe('I.1.1 renaming a client: its complaints follow', () => {
  it('修改客户 名称 renames it on its complaints, old ones too; lookups by the new name find them; the old name is free', async () => {
    const first = NUMBER_RE.exec(await say('kefu', `登记投诉\n${registrationLines()}`))![0];
    const older = NUMBER_RE.exec(await say('kefu', `登记投诉\n${registrationLines({ reason: '门岗无人' })}`))![0];
    // a complaint registered before complaints kept the client's id
    await Complaint.collection.updateOne({ _id: older as never }, { $unset: { clientId: '' } });

    expect(await say('kefu', '修改客户 万达物业\n客户名称: 万达商业管理')).toContain('已修改客户档案：万达商业管理');
    const client = (await Client.findOne({ name: '万达商业管理' }).lean())!;
    for (const id of [first, older]) {
      const c = (await Complaint.findById(id).lean())!;
      expect(c).toMatchObject({ clientName: '万达商业管理', clientId: String(client._id) });
      expect(c.history.at(-1)).toMatchObject({
        action: '客户更名',
        detail: '万达物业 → 万达商业管理',
        by: { name: '王客服' },
      });
    }
    const card = await say('kefu', '客户 万达商业管理');
    expect(card).toContain(first);
    expect(card).toContain(older);
    expect(await say('kefu', '投诉 ' + first)).toContain('投诉客户名称：万达商业管理');
    expect(await say('kefu', '登记投诉 万达商业管理')).toContain('「万达商业管理」在客户档案里');
    await say('kefu', '取消');

    expect(await ClientName.findById('万达物业').lean()).toBeNull();
    expect(await say('kefu', '添加客户\n客户名称: 万达物业\n负责人: 我')).toContain('已添加客户：万达物业');
    expect(await say('kefu', '客户 万达物业')).not.toContain(first);
    expect(await say('kefu', '修改客户 万达物业\n客户名称: 万达商业管理')).toContain('名称不能重复');
  });
});
