import mongoose from 'mongoose';
import { Client, ClientLog, ClientName, ClientPromise } from '../../handlers/clients/models.ts';
import { nameKey } from '../../src/core/text.ts';
import type { SeedCounts, SeedWorld } from './reports-seed.ts';
import { DAY, DailyNumbers, HOUR, personName } from './seed-kit.ts';

/*
 * Clients (Ch.10 I–II) for the report bench: the records, their name keys, a year of calls and
 * visits by 客服部 and the promises made on visits, some kept, some open, a few past due.
 */

export async function seedClients(w: SeedWorld, counts: SeedCounts): Promise<number> {
  const { dice, clock, days } = w;
  const cs = w.byRole('customer_service');
  const created = clock.at(days[0]!, 9);
  const last = clock.at(days.at(-1)!, 18);
  const promiseNos = new DailyNumbers('CN', clock);
  w.numbers.push(promiseNos);
  const logs: Record<string, unknown>[] = [];
  const promises: Record<string, unknown>[] = [];
  const clients = w.clients.map((c, i) => {
    const status = c.posts.length ? 'current' : dice.weighted({ current: 3, potential: 4, lost: 1 });
    const owner = dice.pick(cs);
    const contact = {
      name: personName(9000 + i),
      title: '物业经理',
      phone: `138${String(10_000_000 + i).padStart(8, '0')}`,
    };
    let lastCallAt: Date | null = null;
    let lastVisitAt: Date | null = null;
    if (status !== 'lost') {
      // calls about every two weeks, visits about monthly, over the days seeded
      for (const day of days) {
        const kind = dice.chance(1 / 14) ? 'call' : dice.chance(1 / 30) ? 'visit' : null;
        if (!kind) continue;
        const at = clock.at(day, dice.int(9, 17), dice.int(0, 59));
        const by = { staffId: owner.staffId, name: owner.name };
        const visit = kind === 'visit';
        const logId = new mongoose.Types.ObjectId();
        const promise = visit && dice.chance(0.3) ? '下月起增派一名夜班队员' : '';
        logs.push({
          _id: logId,
          clientId: c.id,
          clientName: c.name,
          kind,
          day,
          at,
          by,
          reached: contact.name,
          reachedTitle: visit ? contact.title : '',
          content: visit ? '' : '沟通本月服务情况，客户总体满意',
          purpose: visit ? '例行拜访，了解服务需求' : '',
          needs: visit ? '希望加强夜间巡逻' : '',
          problems: visit && dice.chance(0.3) ? '个别队员仪容不整' : '',
          help: '',
          objections: '',
          competitors: '',
          prospects: '',
          promises: promise,
          photos: visit && dice.chance(0.5) ? [`img_v3_${dice.hex(24)}`] : [],
          complaintId: '',
          complaintSeq: null,
          createdAt: at,
          updatedAt: at,
          __v: 0,
        });
        if (visit) lastVisitAt = at;
        else lastCallAt = at;
        if (promise) {
          const dueDay = clock.plusDays(day, 14);
          const done = at.getTime() + 10 * DAY < last.getTime() && dice.chance(0.8);
          const money = dice.chance(0.1) ? '减免 ¥500.00' : '';
          const status = money && !done ? 'pending' : done ? 'done' : 'open';
          promises.push({
            _id: promiseNos.next(at),
            version: done ? 1 : 0,
            clientId: c.id,
            clientName: c.name,
            text: promise,
            dueDay,
            owner: by,
            status,
            money,
            decidedBy: null,
            decidedAt: null,
            decisionNote: '',
            logId: logId.toHexString(),
            createdBy: by,
            doneAt: done ? new Date(at.getTime() + 9 * DAY) : null,
            doneBy: done ? by : null,
            doneNote: done ? '已安排' : '',
            createdAt: at,
            updatedAt: at,
          });
        }
      }
    }
    const searchText = [c.name, contact.name, contact.phone, ...c.posts].join(' ').toLowerCase();
    return {
      _id: new mongoose.Types.ObjectId(c.id),
      name: c.name,
      version: 1,
      address: `${c.name}大楼`,
      phone: `0755${String(20_000_000 + i * 13).slice(0, 8)}`,
      contacts: [contact],
      posts: c.posts,
      status,
      owner: { staffId: owner.staffId, name: owner.name },
      notes: '',
      callDays: null,
      visitDays: null,
      lastCallAt,
      lastVisitAt,
      archivedAt: status === 'lost' ? new Date(created.getTime() + 30 * DAY) : null,
      searchText,
      changes: [
        {
          at: created,
          by: { staffId: owner.staffId, name: owner.name },
          action: '导入',
          fields: [{ field: '名称', from: '', to: c.name }],
        },
      ],
      createdAt: created,
      updatedAt: new Date(Math.max(created.getTime(), (lastVisitAt ?? lastCallAt ?? created).getTime()) + HOUR),
    };
  });
  await Client.collection.insertMany(clients);
  await ClientName.collection.insertMany(
    w.clients.map((c) => ({ _id: nameKey(c.name) as never, clientId: c.id, at: created })),
  );
  logs.sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
  for (let i = 0; i < logs.length; i += 1000) await ClientLog.collection.insertMany(logs.slice(i, i + 1000));
  for (let i = 0; i < promises.length; i += 1000)
    await ClientPromise.collection.insertMany(promises.slice(i, i + 1000) as never[]);
  counts.clientlogs = logs.length;
  counts.promises = promises.length;
  return clients.length;
}
