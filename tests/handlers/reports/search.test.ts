import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../handlers/clients/store.ts';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { keyAbsences } from '../../../handlers/dorms/absence-keys.ts';
import { DormLeader, RollCall } from '../../../handlers/dorms/models.ts';
import { claimantKeys } from '../../../handlers/reimbursements/claimant-keys.ts';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import { PAGE } from '../../../handlers/reports/search.ts';
import { SupplyRequest } from '../../../handlers/supplies/models.ts';
import { driverKeys } from '../../../handlers/vehicles/driver-keys.ts';
import { Permit, Trip } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import type { Card, Role } from '../../../src/core/types.ts';
import { Identity, Post, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 查找 end to end: records are stored as the workflows store them, the words go through the bot,
 * and what comes back is what the asker may see, newest first, a page at a time.
 */

useDatabase('reports_search');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-28T04:00:00Z');

const PEOPLE: Record<string, { name: string; phone: string; roles: Role[]; post: string }> = {
  zhang: { name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' },
  zhangB: { name: '张三', phone: '13800000003', roles: ['driver'], post: '城东驻点' },
  li: { name: '李四', phone: '13800000002', roles: ['guard'], post: '万达广场' },
  boss: {
    name: '孙董事长',
    phone: '13900000006',
    roles: ['chairman', 'general_affairs', 'customer_service'],
    post: '',
  },
  leader: { name: '陈队长', phone: '13900000003', roles: ['team_leader'], post: '万达广场' },
  admin: { name: '钱行政', phone: '13900000005', roles: ['admin'], post: '' },
};
let ids: Record<string, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  ids = {};
  for (const [key, p] of Object.entries(PEOPLE)) {
    const s = await Staff.create(p);
    ids[key] = String(s._id);
    await Identity.create({ _id: `console:${key}`, staffId: s._id, channel: 'console', userId: key, boundAt: clock });
  }
});

const at = (day: number, hhmm = '10:00') => new Date(`2026-11-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`);
const person = (key: string) => ({ staffId: ids[key]!, name: PEOPLE[key]!.name });

// records stored as the workflows store them: 查找's key to the person first (claimant-keys.ts and the like)
async function claim(no: string, who: string, submittedAt: Date, fen = 1200) {
  await claimantKeys.add(ids[who]!, no);
  return ReimbursementClaim.create({
    _id: no,
    claimantId: ids[who],
    claimantName: PEOPLE[who]!.name,
    total: fen,
    steps: [{ key: 'ga_review', role: 'general_affairs', label: '综合部审核', status: 'pending' }],
    currentRole: 'general_affairs',
    stepSince: submittedAt,
    submittedAt,
  });
}

function complaint(no: string, responsible: string, acceptedAt: Date, clientName = '万达物业', clientId = '') {
  return Complaint.create({
    _id: no,
    clientName,
    clientId,
    reason: '夜班岗位无人',
    demand: '加强巡查',
    category: 'general',
    type: '服务态度',
    acceptedBy: person('boss'),
    acceptedAt,
    dueAt: new Date(acceptedAt.getTime() + 72 * 3600_000),
    responsible: [{ ...person(responsible), as: 'guard', toldAt: acceptedAt }],
  });
}

async function absence(date: string, who: string, returnedAt: Date | null = null, dorm = '城南宿舍') {
  await keyAbsences(`${date}:${dorm}`, null, [{ staffId: ids[who]!, status: 'absent' }]);
  return RollCall.create({
    _id: `${date}:${dorm}`,
    date,
    dorm,
    residents: [person(who)],
    report: {
      at: new Date(`${date}T22:05:00+08:00`),
      by: person('boss'),
      entries: [{ ...person(who), status: 'absent', returnedAt }],
    },
  });
}

async function trip(no: string, who: string, startedAt: Date) {
  await driverKeys.add(ids[who]!, no);
  return Trip.create({
    _id: no,
    plate: '粤B12345',
    driver: person(who),
    permit: 'ZJ-2026-001',
    startedAt,
    startOdometer: 10000,
    purpose: '接送夜班队员',
  });
}

async function supplyRequest(no: string, post: string, requestedAt: Date) {
  await Post.updateOne({ name: post }, { $setOnInsert: { name: post } }, { upsert: true });
  return SupplyRequest.create({
    _id: no,
    post,
    month: '2026-11',
    reportId: `${post}|2026-11`,
    item: '对讲机',
    quantity: 2,
    unit: '台',
    requesterId: ids.li,
    requesterName: '李四',
    requestedAt,
  });
}

const say = async (who: string, text: string, opts: { isGroup?: boolean } = {}) =>
  (await chat.say(who, text, opts.isGroup ? { chatId: 'group-1', isGroup: true } : {})).join('\n');

/** The 下一页 button of the last card sent, as its value. */
function nextButton(): Record<string, string> | undefined {
  const card = chat.sent.at(-1)!.message as Card;
  return card.buttons?.find((b) => b.label === '下一页')?.value;
}

describe('查找', () => {
  it('gives a guard only their own records, never another guard’s', async () => {
    await claim('BX-20261120-001', 'zhang', at(20));
    await claim('BX-20261121-001', 'li', at(21));
    await absence('2026-11-22', 'zhang');
    await absence('2026-11-23', 'li');
    await complaint('TS-20261124-001', 'zhang', at(24));
    const mine = await say('zhang', '查找 张三');
    expect(mine).toContain('BX-20261120-001');
    expect(mine).toContain('未归 张三 城南宿舍');
    // complaints are for those who read complaint lists, even when the guard is named in one
    expect(mine).not.toContain('TS-20261124-001');
    // the other 张三 is someone else: a guard does not see that person's record
    expect(mine).not.toContain('城东驻点');
    const theirs = await say('zhang', '查找 李四');
    expect(theirs).toContain('没有找到「李四」');
    expect(theirs).not.toContain('BX-20261121-001');
    expect(await say('zhang', '查找 BX-20261121-001')).toContain('没有找到');
  });

  it('gives a manager one person’s records across workflows, most recent first', async () => {
    await complaint('TS-20261120-001', 'li', at(20));
    await claim('BX-20261122-001', 'li', at(22));
    await absence('2026-11-24', 'li', at(25, '00:30'));
    await trip('CL-20261126-001', 'li', at(26));
    await claim('BX-20261123-001', 'zhang', at(23));
    const text = await say('boss', '查找 李四');
    const order = ['CL-20261126-001', '晚归 李四 城南宿舍，00:30 归宿', 'BX-20261122-001', 'TS-20261120-001'].map((s) =>
      text.indexOf(s),
    );
    expect(
      order.every((i) => i >= 0),
      text,
    ).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toContain('人员 李四 队员 @万达广场');
    expect(text).toContain('发「投诉 TS-20261120-001」查看');
    expect(text).not.toContain('BX-20261123-001');
  });

  it('pages with 下一页, every record once, even when records share one instant at the page’s end', async () => {
    const nos: string[] = [];
    for (let i = 1; i <= 2 * PAGE + 3; i++) {
      // numbered on the day they are submitted, as dailyNumber does: 查找 orders a person's claims by it
      const no = `BX-20261101-${String(i).padStart(3, '0')}`;
      nos.push(no);
      // the 8th to 11th newest share one instant: a page may not cut through them
      const minute = i >= PAGE + 3 && i <= PAGE + 6 ? 0 : i;
      await claim(no, 'li', new Date(at(1).getTime() + (minute ? i : PAGE + 6) * 60_000));
    }
    const seen: string[] = [];
    const collect = (text: string) => seen.push(...(text.match(/BX-\d{8}-\d{3}(?=\s)/g) ?? []));
    collect(await say('boss', '查找 李四'));
    let pages = 1;
    for (let value = nextButton(); value; value = nextButton()) {
      collect((await chat.click('boss', 'reports.search.more', value)).join('\n'));
      if (++pages > 5) break;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...nos].sort());
    expect(chat.sent.at(-1)!.text).toContain('没有更多了');
  });

  it('finds a record by its number, however typed, with the command that opens it', async () => {
    await complaint('TS-20261127-003', 'li', at(27));
    await claim('BX-20261125-002', 'li', at(25));
    const found = await say('boss', '查找 ts20261127-3');
    expect(found).toContain('发「投诉 TS-20261127-003」查看');
    expect(found).not.toContain('BX-20261125-002');
    expect(await say('boss', '投诉 TS-20261127-003')).toContain('万达物业');
    expect(await say('boss', '查找 BX-20261125-002')).toContain('发「报销单 BX-20261125-002」查看');
  });

  it('finds a driving permit by its number for 综合部 and its holder, and for no one else', async () => {
    await Permit.create({
      _id: 'ZJ-2026-007',
      holder: person('zhangB'),
      vehicles: ['粤B12345'],
      assessedOn: '2026-11-01',
      expiresOn: '2027-10-31',
      assessor: '王教练',
      issuedBy: person('boss'),
      issuedAt: at(2),
    });
    expect(await say('boss', '查找 zj-2026-007')).toContain('ZJ-2026-007 张三：粤B12345，有效期至 2027-10-31');
    expect(await say('zhangB', '查找 ZJ-2026-007')).toContain('ZJ-2026-007 张三');
    expect(await say('li', '查找 ZJ-2026-007')).not.toContain('粤B12345');
  });

  it('finds a client’s complaints, a plate’s trips and a post’s supply requests', async () => {
    const c = await createClient({ name: '万达物业' }, person('boss'), '新建', at(1));
    await complaint('TS-20261126-001', 'li', at(26), '万达物业', String(c!._id));
    await complaint('TS-20261126-002', 'li', at(26, '11:00'), '星河物业');
    await trip('CL-20261125-001', 'li', at(25));
    const client = await say('boss', '查找 万达 物业');
    expect(client).toContain('客户 万达物业（现有）');
    expect(client).toContain('TS-20261126-001');
    expect(client).not.toContain('TS-20261126-002');
    expect(await say('boss', '查找 粤b·12345')).toContain('CL-20261125-001 粤B12345 李四');
    await supplyRequest('WZ-20261127-001', '万达广场', at(27));
    await supplyRequest('WZ-20261127-002', '城东驻点', at(27, '11:00'));
    const post = await say('boss', '查找 万达 广场');
    expect(post).toContain('WZ-20261127-001 万达广场 对讲机 2台（李四）｜待批');
    expect(post).toContain('发「查看月报 万达广场 2026-11」查看');
    expect(post).not.toContain('WZ-20261127-002');
  });

  it('says plainly when nothing is found, and what can be searched', async () => {
    const text = await say('boss', '查找 火星人');
    expect(text).toContain('没有找到「火星人」');
    expect(text).toContain('姓名或手机号、客户名称、驻点、车牌、编号');
    expect(await say('boss', '查找')).toContain('例如：查找 张三');
  });

  it('names both people when two staff share a name, and narrows to one by post or phone', async () => {
    await claim('BX-20261120-001', 'zhang', at(20));
    await trip('CL-20261121-001', 'zhangB', at(21));
    const both = await say('boss', '查找 张三');
    expect(both).toContain('有 2 位「张三」');
    expect(both).toContain('@万达广场');
    expect(both).toContain('@城东驻点');
    expect(both).toContain('BX-20261120-001');
    expect(both).toContain('CL-20261121-001');
    const one = await say('boss', '查找 张三 城东驻点');
    expect(one).not.toContain('有 2 位');
    expect(one).toContain('CL-20261121-001');
    expect(one).not.toContain('BX-20261120-001');
    expect(await say('boss', '查找 138 0000 0001')).toContain('BX-20261120-001');
  });

  it('masks phones in a group; 行政部 sees the full number only in private', async () => {
    await claim('BX-20261120-001', 'li', at(20));
    const group = await say('admin', '查找 13800000002', { isGroup: true });
    expect(group).toContain('138****0002');
    expect(group).not.toContain('13800000002');
    expect(await say('admin', '查找 李四')).toContain('13800000002');
    const manager = await say('boss', '查找 李四');
    expect(manager).toContain('138****0002');
    expect(manager).not.toContain('13800000002');
  });

  it('reads every record through an index: an equality on its first key, sorted by the next, never a regex', async () => {
    const c = await createClient({ name: '万达物业' }, person('boss'), '新建', at(1));
    await complaint('TS-20261126-001', 'li', at(26), '万达物业', String(c!._id));
    await claim('BX-20261122-001', 'li', at(22));
    await absence('2026-11-24', 'li');
    await trip('CL-20261126-001', 'li', at(26));
    await supplyRequest('WZ-20261127-001', '万达广场', at(27));
    const reads: { collection: string; filter: Record<string, unknown>; sort: Record<string, unknown> }[] = [];
    mongoose.set('debug', (collection: string, method: string, filter: unknown, options: unknown) => {
      if (method === 'find' || method === 'findOne')
        reads.push({
          collection,
          filter: (filter ?? {}) as Record<string, unknown>,
          sort: ((options as { sort?: Record<string, unknown> } | undefined)?.sort ?? {}) as Record<string, unknown>,
        });
    });
    try {
      for (const words of [
        '李四',
        '13800000002',
        '张三 城东驻点',
        '万达物业',
        '粤B12345',
        'TS-20261126-001',
        'BX-20261122-001',
        '万达广场',
      ])
        await say('boss', `查找 ${words}`);
      // a later page: every source with its `before`
      for (const q of ['李四', '万达物业', '粤B12345', '万达广场'])
        await chat.click('boss', 'reports.search.more', { q, before: at(28).toISOString() });
    } finally {
      mongoose.set('debug', false);
    }
    // what the search reads; the bot's own bookkeeping (inbox, identities, forms) is not its to answer for
    const models = mongoose.modelNames().map((n) => mongoose.model(n));
    const searched = new Map(
      models
        .filter((m) =>
          [
            'complaints',
            'reimbursementclaims',
            'rollcalls',
            'trips',
            'accidents',
            'permits',
            'inspections',
            'supplyrequests',
            'clientlogs',
            'clientpromises',
            'clientnames',
            'clients',
            'staffs',
            'dormleaders',
          ].includes(m.collection.collectionName),
        )
        .map((m) => [m.collection.collectionName, [{ _id: 1 }, ...m.schema.indexes().map(([keys]) => keys)]]),
    );
    // the sender directory reloads every staff record after a write (src/core/senders.ts): not the search's
    const checked = reads.filter(
      (r) => searched.has(r.collection) && !(r.collection === 'staffs' && !Object.keys(r.filter).length),
    );
    expect(new Set(checked.map((r) => r.collection)).size).toBeGreaterThanOrEqual(8);
    for (const r of checked) {
      const what = `${r.collection} ${JSON.stringify(r.filter)} sort ${JSON.stringify(r.sort)}`;
      expect(JSON.stringify(r.filter), what).not.toContain('$regex');
      // a value (an id, a string) or $in: an operator like $gt or $regex is no equality
      const equal = (v: unknown) =>
        v !== undefined &&
        (typeof v !== 'object' || v === null || '$in' in v || !Object.keys(v).some((k) => k.startsWith('$')));
      const sortKey = Object.keys(r.sort)[0];
      const served = searched.get(r.collection)!.some((index) => {
        const keys = Object.keys(index as object);
        return equal(r.filter[keys[0]!]) && (!sortKey || keys[0] === '_id' || keys.slice(1).includes(sortKey));
      });
      expect(served, what).toBe(true);
    }
  });

  it('gives a team leader the absences of the dorms they lead and the requests of their own post only', async () => {
    await DormLeader.create({
      _id: `城南宿舍:${ids.leader}`,
      dorm: '城南宿舍',
      staffId: ids.leader,
      name: '陈队长',
      assignedBy: person('admin'),
      assignedAt: at(1),
    });
    await absence('2026-11-20', 'li');
    await absence('2026-11-21', 'li', null, '城北宿舍');
    await supplyRequest('WZ-20261127-002', '城东驻点', at(27));
    const text = await say('leader', '查找 李四');
    expect(text).toContain('未归 李四 城南宿舍（发「查房记录 城南宿舍 2026-11」查看）');
    expect(text).not.toContain('城北宿舍');
    expect(await say('leader', '查找 城东驻点')).toContain('没有找到「城东驻点」');
  });
});
