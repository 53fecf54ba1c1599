import { Client, ClientLog, ClientPromise } from '../../handlers/clients/models.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { RollCall } from '../../handlers/dorms/models.ts';
import { backfillClaimDays } from '../../handlers/reimbursements/due.ts';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { SupplyItem, SupplyReport, SupplyRequest } from '../../handlers/supplies/models.ts';
import { backfillTripDays } from '../../handlers/vehicles/days.ts';
import { Trip } from '../../handlers/vehicles/models.ts';
import type { Channel, Role } from '../../src/core/types.ts';
import { Counter, Dorm, Identity, OnceKey, Staff } from '../../src/models/index.ts';

/*
 * The records 周报 and 月报 summarise, one small week of each workflow, stored through the models
 * (the tests compute every figure from these by hand). The week is Monday 2026-11-23 to Sunday
 * 2026-11-29 in Asia/Shanghai; the report runs on Monday 2026-11-30 at 09:00 there.
 */

export const MONDAY = new Date('2026-11-30T01:00:00Z');
/** A moment of the week in Asia/Shanghai: d('11-24 10:00'). */
export const d = (mmdd: string, hhmm = '10:00') => new Date(`2026-${mmdd.replace(' ', 'T')}T${hhmm}:00+08:00`);

export const REPORT_PEOPLE: Record<string, { name: string; phone: string; roles: Role[] }> = {
  xingzheng: { name: '钱行政', phone: '13900000201', roles: ['admin'] },
  dong: { name: '陈董', phone: '13900000202', roles: ['chairman'] },
  zonghe: { name: '赵综合', phone: '13900000203', roles: ['general_affairs'] },
  kefu: { name: '王客服', phone: '13900000204', roles: ['customer_service'] },
  duiyuan: { name: '张三', phone: '13900000205', roles: ['guard'] },
};

export async function seedReportPeople(channel: Channel): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [key, p] of Object.entries(REPORT_PEOPLE)) {
    const s = await Staff.create(p);
    ids[key] = String(s._id);
    await Identity.create({ _id: `${channel}:${key}`, staffId: s._id, channel, userId: key, boundAt: new Date() });
  }
  return ids;
}

const who = { staffId: 's1', name: '王客服' };

export async function seedComplaints(clientId: string, otherClientId: string): Promise<void> {
  const base = { reason: '岗位脱岗', demand: '加强管理', type: '脱岗', acceptedBy: who };
  await Complaint.create([
    // accepted in the week: 一般性 ×2 (one still 待人防部调查 and overdue, one closed), 扣服务费 ×1
    {
      ...base,
      _id: 'TS-20261124-001',
      clientId,
      clientName: '万达物业',
      category: 'general',
      status: 'registered',
      acceptedAt: d('11-24'),
      dueAt: d('11-27'),
      overdueAt: d('11-27', '11:00'),
    },
    {
      ...base,
      _id: 'TS-20261125-001',
      clientId,
      clientName: '万达物业',
      category: 'general',
      status: 'closed',
      acceptedAt: d('11-25'),
      dueAt: d('11-28'),
      closedAt: d('11-26'),
      result: { content: '已更换队员', by: who, at: d('11-26') },
    },
    {
      ...base,
      _id: 'TS-20261127-001',
      clientId: otherClientId,
      clientName: '城南小区',
      category: 'fee_deduction',
      status: 'investigated',
      acceptedAt: d('11-27'),
      dueAt: d('11-28'),
    },
    // the week before: not this week's
    {
      ...base,
      _id: 'TS-20261120-001',
      clientId: otherClientId,
      clientName: '城南小区',
      category: 'general',
      status: 'registered',
      acceptedAt: d('11-20'),
      dueAt: d('12-20'),
    },
    // registered before complaints kept the client id: the client's by name; October: not November's
    {
      ...base,
      _id: 'TS-20261105-001',
      clientId: '',
      clientName: '万达物业',
      category: 'unjustified',
      status: 'closed',
      acceptedAt: d('11-05'),
      dueAt: d('11-10'),
      closedAt: d('11-06'),
    },
    {
      ...base,
      _id: 'TS-20261015-001',
      clientId,
      clientName: '万达物业',
      category: 'general',
      status: 'closed',
      acceptedAt: d('10-15'),
      dueAt: d('10-18'),
      closedAt: d('10-16'),
    },
  ]);
}

const item = (category: string, amount: number) => ({
  date: '2026-11-20',
  category,
  amount,
  matter: '送排班表',
  contact: '李经理',
});
const step = (
  key: string,
  role: Role,
  label: string,
  status: 'approved' | 'pending' | 'cancelled',
  at: Date | null,
) => ({
  key,
  role,
  label,
  status,
  at,
  by: at ? 'x' : null,
});
const hours = (from: Date, h: number) => new Date(from.getTime() + h * 3600_000);

export async function seedClaims(): Promise<void> {
  const r1 = d('11-23', '10:00');
  const r2 = d('11-24', '09:00');
  const r3 = d('11-16', '09:00');
  const claim = (
    id: string,
    submittedAt: Date,
    items: ReturnType<typeof item>[],
    steps: ReturnType<typeof step>[],
    status: 'pending' | 'withdrawn' = 'pending',
  ) => ({
    _id: id,
    claimantId: 'g1',
    claimantName: '张三',
    items,
    total: items.reduce((s, i) => s + i.amount, 0),
    steps,
    stepIndex: steps.findIndex((s) => s.status === 'pending'),
    status,
    currentRole: status === 'pending' ? ('chairman' as const) : null,
    stepSince: submittedAt,
    submittedAt,
  });
  await ReimbursementClaim.create([
    // 综合部 after 4 h, 财务部 6 h after that
    claim(
      'BX-20261123-001',
      r1,
      [item('taxi', 5000), item('meal', 3000)],
      [
        step('ga_review', 'general_affairs', '综合部审核', 'approved', hours(r1, 4)),
        step('finance_check', 'finance', '财务部审查', 'approved', hours(r1, 10)),
        step('chairman_approve', 'chairman', '董事长批准', 'pending', null),
      ],
    ),
    // 综合部 after 2 h, 财务部 3 h after that
    claim(
      'BX-20261124-001',
      r2,
      [item('taxi', 2000)],
      [
        step('ga_review', 'general_affairs', '综合部审核', 'approved', hours(r2, 2)),
        step('finance_check', 'finance', '财务部审查', 'approved', hours(r2, 5)),
        step('chairman_approve', 'chairman', '董事长批准', 'pending', null),
      ],
    ),
    // submitted the week before; 综合部 decided then (not counted), 财务部 in the week after 144 h
    claim(
      'BX-20261116-001',
      r3,
      [item('meal', 9999)],
      [
        step('ga_review', 'general_affairs', '综合部审核', 'approved', hours(r3, 24)),
        step('finance_check', 'finance', '财务部审查', 'approved', hours(r3, 168)),
        step('chairman_approve', 'chairman', '董事长批准', 'pending', null),
      ],
    ),
    // withdrawn: not counted among the week's claims
    claim(
      'BX-20261125-001',
      d('11-25'),
      [item('office', 100000)],
      [step('ga_review', 'general_affairs', '综合部审核', 'cancelled', null)],
      'withdrawn',
    ),
  ]);
  await keyAsWritten('claims');
}

const resident = (staffId: string, name: string, status: 'present' | 'absent' | 'leave' | 'night_duty') => ({
  staffId,
  name,
  status,
});
const rollCall = (
  date: string,
  dorm: string,
  report: { late?: boolean; entries: ReturnType<typeof resident>[] } | null,
) => ({
  _id: `${date}:${dorm}`,
  date,
  dorm,
  askedAt: new Date(`${date}T21:45:00+08:00`),
  report: report
    ? { at: new Date(`${date}T22:05:00+08:00`), by: who, late: !!report.late, entries: report.entries }
    : null,
});

export async function seedRollCalls(): Promise<void> {
  // the roll calls are read by id, for each dorm the bot knows
  await Dorm.create([{ name: '1号宿舍' }, { name: '2号宿舍' }]);
  const zhang = (s: Parameters<typeof resident>[2]) => resident('g1', '张三', s);
  const li = (s: Parameters<typeof resident>[2]) => resident('g2', '李四', s);
  await RollCall.create([
    // 1号宿舍: 3 evenings asked, 2 on time, 1 late: 67 %; 张三 out on two evenings
    rollCall('2026-11-23', '1号宿舍', { entries: [zhang('absent')] }),
    rollCall('2026-11-24', '1号宿舍', { entries: [zhang('absent')] }),
    rollCall('2026-11-25', '1号宿舍', { late: true, entries: [zhang('present')] }),
    // 2号宿舍: 2 asked, 1 never reported: 50 %; 李四 out once, on leave once (not an absence)
    rollCall('2026-11-23', '2号宿舍', null),
    rollCall('2026-11-24', '2号宿舍', { entries: [li('absent')] }),
    rollCall('2026-11-22', '2号宿舍', { entries: [li('absent')] }),
    rollCall('2026-11-30', '1号宿舍', { entries: [zhang('absent')] }),
  ]);
}

export async function seedTrips(): Promise<void> {
  const trip = (id: string, plate: string, km: number, costs: Record<string, number>, endedAt: Date | null) => ({
    _id: id,
    plate,
    driver: { staffId: 'dr', name: '孙司机' },
    permit: 'ZJ-1',
    status: endedAt ? ('ended' as const) : ('open' as const),
    startedAt: endedAt ? hours(endedAt, -2) : d('11-26'),
    startOdometer: 1000,
    endOdometer: endedAt ? 1000 + km : null,
    endedAt,
    purpose: '巡查',
    costs,
  });
  await Trip.create([
    trip('CL-1', '粤B11111', 100, { fuel: 5000, toll: 1000 }, d('11-24')),
    trip('CL-2', '粤B11111', 50, { parking: 1500 }, d('11-25')),
    trip('CL-3', '粤B22222', 40, { fuel: 4000 }, d('11-26')),
    trip('CL-4', '粤B22222', 10, { fuel: 9000 }, d('11-30')),
    trip('CL-5', '粤B33333', 0, { fuel: 100 }, null),
  ]);
  await keyAsWritten('trips');
}

export async function seedSupplies(): Promise<void> {
  const report = (
    post: string,
    month: string,
    lines: { item: string; stock: number; configured: number | null }[],
  ) => ({
    _id: `${post}|${month}`,
    post,
    month,
    leaderId: 'l1',
    leaderName: '陈队长',
    lines,
    submittedAt: d('11-02'),
  });
  // each post's 配置清单, from which its reports took their `configured` quantities when filed
  await SupplyItem.create([
    { post: '万达广场', item: '对讲机', quantity: 6 },
    { post: '万达广场', item: '手电筒', quantity: 8 },
    { post: '城南小区', item: '灭火器', quantity: 3 },
    { post: '城南小区', item: '对讲机', quantity: 2 },
    { post: '城北小区', item: '对讲机', quantity: 9 },
  ]);
  await SupplyReport.create([
    report('万达广场', '2026-11', [
      { item: '对讲机', stock: 4, configured: 6 },
      { item: '手电筒', stock: 8, configured: 8 },
    ]),
    report('城南小区', '2026-10', [
      { item: '灭火器', stock: 1, configured: 3 },
      { item: '对讲机', stock: 0, configured: 2 },
      { item: '雨衣', stock: 5, configured: null },
    ]),
    report('城北小区', '2026-09', [{ item: '对讲机', stock: 0, configured: 9 }]),
  ]);
  const request = (id: string, status: 'pending' | 'approved' | 'refused', requestedAt: Date) => ({
    _id: id,
    post: '万达广场',
    month: '2026-11',
    reportId: '万达广场|2026-11',
    item: '对讲机',
    quantity: 2,
    requesterId: 'l1',
    requesterName: '陈队长',
    status,
    requestedAt,
  });
  await SupplyRequest.create([
    request('WZ-1', 'approved', d('11-23')),
    request('WZ-2', 'approved', d('11-24')),
    request('WZ-3', 'pending', d('11-29', '23:00')),
    request('WZ-4', 'refused', d('11-20')),
  ]);
}

/** Two current clients and a lost one; returns their ids. */
export async function seedClients(): Promise<{ wanda: string; chengnan: string }> {
  const [wanda, chengnan] = await Client.create([
    // calls every 7 days: the last contact (a visit on 11-20) makes 11-27 due, overdue at the week's end
    {
      name: '万达物业',
      status: 'current' as const,
      callDays: 7,
      visitDays: 30,
      lastCallAt: d('11-10'),
      lastVisitAt: d('11-20'),
    },
    // visits every 30 days: last 10-01, overdue since 10-31; called 11-25, next call 12-02
    {
      name: '城南小区',
      status: 'current' as const,
      callDays: 7,
      visitDays: 30,
      lastCallAt: d('11-25'),
      lastVisitAt: d('10-01'),
    },
    {
      name: '旧客户',
      status: 'lost' as const,
      callDays: 7,
      visitDays: 30,
      lastCallAt: d('01-01'),
      lastVisitAt: d('01-01'),
    },
  ]);
  const log = (
    client: { _id: unknown; name: string },
    kind: 'call' | 'visit',
    at: Date,
    extra: Record<string, string> = {},
  ) => ({
    clientId: String(client._id),
    clientName: client.name,
    kind,
    day: at.toISOString().slice(0, 10),
    at,
    by: who,
    ...extra,
  });
  await ClientLog.create([
    log(wanda!, 'visit', d('11-20'), { reached: '李经理', purpose: '了解服务意见' }),
    log(wanda!, 'call', d('11-24'), { reached: '李经理', content: '回访投诉处理' }),
    log(chengnan!, 'call', d('11-25'), { reached: '周主任', content: '例行回访' }),
    log(chengnan!, 'visit', d('11-26'), { reached: '周主任', purpose: '巡查岗位' }),
    log(chengnan!, 'call', d('12-01'), { reached: '周主任', content: '下周的' }),
  ]);
  const promise = (
    id: string,
    client: { _id: unknown; name: string },
    dueDay: string,
    status: 'open' | 'done' | 'refused',
    text: string,
  ) => ({
    _id: id,
    clientId: String(client._id),
    clientName: client.name,
    text,
    dueDay,
    owner: who,
    createdBy: who,
    status,
  });
  await ClientPromise.create([
    promise('CN-1', wanda!, '2026-11-26', 'done', '更换岗位队员'),
    promise('CN-2', wanda!, '2026-11-28', 'open', '增加夜间巡逻'),
    promise('CN-3', chengnan!, '2026-11-26', 'refused', '减免服务费'),
    promise('CN-4', chengnan!, '2026-12-01', 'open', '培训新队员'),
  ]);
  return { wanda: String(wanda!._id), chengnan: String(chengnan!._id) };
}

/**
 * The keys the write paths leave beside these records (src/core/period-keys.ts), which the report
 * sections read them by: the daily numbers' counters, and what the workflows' start writes for
 * records from before the keys (claims by decision and payment day and those pending, trips by end day).
 */
async function keyAsWritten(what: 'claims' | 'trips'): Promise<void> {
  if (what === 'claims') {
    for (const { _id } of await ReimbursementClaim.find({}, { _id: 1 }).lean()) {
      const m = /^([A-Z]+-\d{8})-(\d{3})$/.exec(_id);
      if (m) await Counter.updateOne({ _id: m[1] }, { $max: { seq: Number(m[2]) } }, { upsert: true });
    }
    await OnceKey.deleteOne({ _id: 'reimbursements:daykeys' });
    await backfillClaimDays('Asia/Shanghai');
  } else {
    await OnceKey.deleteOne({ _id: 'vehicles:daykeys' });
    await backfillTripDays('Asia/Shanghai');
  }
}
