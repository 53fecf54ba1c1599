import { describe, expect, it } from 'vitest';
import { Client, ClientPromise } from '../../../handlers/clients/models.ts';
import { DormLeader } from '../../../handlers/dorms/models.ts';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import { Permit } from '../../../handlers/vehicles/models.ts';
import type { Role } from '../../../src/core/types.ts';
import { AuditEntry, Dorm, Post, Staff } from '../../../src/models/index.ts';
import { importRoster } from '../../../src/roster/import.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';
import { seedConsolePeople } from '../../helpers/people.ts';
import { PLATE, permitLines, registerLines } from '../../helpers/vehicles.ts';

/*
 * Issue #20, "a trail of every change": roles, posts, dorms, 停用/启用, bind codes, bindings and
 * rebinding, settings changed in chat, leader assignments, permits and configuration lists each
 * leave an entry (who, when, what, old → new, channel) when they happen, and none when they are
 * refused; 审计 shows the trail to 行政部 and 董事长; staff, dorm and vehicle cards show their own
 * history; 停用 lists what the person still holds.
 */

const ids: Record<string, string> = {};
const clock = new Date('2026-11-27T02:00:00Z');

const PEOPLE: Record<string, { name: string; phone: string; roles: Role[]; dorm?: string; post?: string }> = {
  wang: { name: '王行政', phone: '13900000001', roles: ['admin'] },
  zhao: { name: '赵行政', phone: '13900000002', roles: ['admin'] },
  chen: { name: '陈董', phone: '13900000003', roles: ['chairman'] },
  zong: { name: '王综合', phone: '13900000004', roles: ['general_affairs'] },
  dui: { name: '陈队长', phone: '13900000005', roles: ['team_leader'], dorm: '城南宿舍', post: '万达广场' },
  siji: { name: '张司机', phone: '13900000006', roles: ['driver'] },
};

const { chat } = useTestBot('foundation_audit', {
  config: testConfig(),
  now: () => clock,
  seed: async () => {
    await Post.create({ name: '万达广场' });
    await Dorm.create({ name: '城南宿舍' });
    await seedConsolePeople(PEOPLE, ids);
    ids.zhang = String((await Staff.create({ name: '张三', phone: '13900000009', roles: ['guard'] }))._id);
    chat.sent.splice(0);
  },
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const trail = async (filter: Record<string, unknown> = {}) => AuditEntry.find(filter).sort({ at: 1, _id: 1 }).lean();
/** Sends a command that must be refused, and checks that the trail did not grow. */
async function refused(who: string, text: string, says: string) {
  const before = await AuditEntry.countDocuments();
  expect(await say(who, text)).toContain(says);
  expect(await AuditEntry.countDocuments()).toBe(before);
}

describe('#20 staff changes leave an entry, refused ones none', () => {
  it('roles: who, when, old → new and the channel', async () => {
    expect(await say('wang', '设置角色 张三 队长')).toContain('已把 张三 的角色设为');
    const [e] = await trail({ kind: 'roles' });
    expect(e).toMatchObject({
      at: clock,
      by: { staffId: ids.wang, name: '王行政', identity: 'console:wang' },
      channel: 'console',
      subject: { staffId: ids.zhang, name: '张三' },
      what: '角色',
      from: '队员',
      to: '队长',
    });
    await refused('wang', '设置角色 王行政 董事长', '不能修改自己的角色');
    await refused('wang', '设置角色 张三 厨师', '不认识');
    await refused('wang', '设置角色 张三 队长', '没有修改');
  });

  it('post and dorm', async () => {
    await say('wang', '设置驻点 张三 万达广场');
    await say('wang', '设置宿舍 张三 城南宿舍');
    expect((await trail()).map((e) => [e.kind, e.from, e.to])).toEqual([
      ['post', '', '万达广场'],
      ['dorm', '', '城南宿舍'],
    ]);
    await refused('wang', '设置驻点 张三 万达 广场', '没有修改');
    await refused('wang', '设置驻点 张三', '用法');
  });

  it('停用 and 启用, by command and on the card', async () => {
    await say('wang', '停用 张三');
    await refused('wang', '停用 张三', '已经停用');
    await chat.click('wang', 'staff.setActive', { staffId: ids.zhang!, active: 'true' });
    expect((await trail({ kind: 'active' })).map((e) => [e.what, e.from, e.to])).toEqual([
      ['停用', '在职', '已停用'],
      ['启用', '已停用', '在职'],
    ]);
  });

  it('a person added', async () => {
    await say('wang', '添加人员\n姓名: 钱七\n电话: 13900000010\n角色: 队员\n驻点: 万达广场\n宿舍: 城南宿舍');
    expect(await trail({ kind: 'staff' })).toMatchObject([
      { what: '添加人员', to: '队员，万达广场，城南宿舍', subject: { name: '钱七' } },
    ]);
    await refused(
      'wang',
      '添加人员\n姓名: 钱八\n电话: 13900000010\n角色: 队员\n驻点: 万达广场\n宿舍: 城南宿舍',
      '已属于',
    );
  });

  it('bind codes issued (never the code itself), a binding, and a rebinding', async () => {
    const code = /绑定码：([A-Z0-9]{8})/.exec(await say('wang', '绑定码 张三'))![1]!;
    await refused('zhang', '绑定 AAAAAAAA', '不正确');
    expect(await say('zhang', `绑定 ${code}`)).toContain('绑定成功');
    // a second account: 行政部 confirms the 换绑 first
    await say('wang', '绑定码 张三');
    const again = /绑定码：([A-Z0-9]{8})/.exec(
      (await chat.click('wang', 'staff.bindCode', { staffId: ids.zhang!, rebind: '1' })).join('\n'),
    )![1]!;
    await say('zhang2', `绑定 ${again}`);
    const entries = await trail({ keys: `staff:${ids.zhang}` });
    expect(entries.map((e) => [e.kind, e.what])).toEqual([
      ['bindcode', '生成绑定码'],
      ['binding', '绑定'],
      ['bindcode', '生成绑定码'],
      ['binding', '换绑'],
    ]);
    expect(entries[1]).toMatchObject({
      by: { staffId: ids.zhang, name: '张三', identity: 'console:zhang' },
      to: '控制台账号',
    });
    expect(entries[3]!.from).toBe('控制台账号');
    expect(JSON.stringify(entries)).not.toContain(code);
  });
});

describe('#20 leader assignments, settings and configuration lists', () => {
  it('dorm leaders assigned and removed, shown on the dorm card', async () => {
    expect(await say('wang', '设置宿舍队长 城南宿舍 陈队长')).toContain('已指定');
    await refused('wang', '设置宿舍队长 城南宿舍 张三', '不是队长');
    await refused('wang', '设置宿舍队长 城南宿舍 陈队长', '已经是');
    expect(await say('wang', '取消宿舍队长 城南宿舍 陈队长')).toContain('已取消');
    await refused('wang', '取消宿舍队长 城南宿舍 陈队长', '没有改动');
    expect((await trail({ kind: 'leader' })).map((e) => [e.record.id, e.what, e.subject?.name])).toEqual([
      ['城南宿舍', '指定宿舍队长', '陈队长'],
      ['城南宿舍', '取消宿舍队长', '陈队长'],
    ]);
    expect(await say('wang', '宿舍列表 城南宿舍')).toMatch(/最近变更：[\s\S]*取消宿舍队长 陈队长/);
  });

  it('complaint types (a setting changed in chat)', async () => {
    await say('wang', '设置投诉类型 服务态度、脱岗、其他');
    expect(await trail({ kind: 'setting' })).toMatchObject([
      { what: '投诉类型', from: '队员行为不当、脱岗睡岗、服务态度、安全事件、其他', to: '服务态度、脱岗、其他' },
    ]);
    await refused('wang', '设置投诉类型 123', '用法');
  });

  it("a post's supply list: an item set, changed and taken off", async () => {
    await say('zong', '设置配置 万达广场 对讲机 6台');
    await say('zong', '设置配置 万达广场 对讲机 8台');
    await say('zong', '设置配置 万达广场 对讲机 0');
    expect((await trail({ kind: 'config' })).map((e) => [e.what, e.from, e.to])).toEqual([
      ['配置 对讲机', '', '6台'],
      ['配置 对讲机', '6台', '8台'],
      ['配置 对讲机', '8台', '移出清单'],
    ]);
    await refused('zong', '设置配置 万达广场 对讲机 0', '本来就不在');
    await refused('zong', '设置配置 万达广场 对讲机 很多', '没有修改');
  });
});

describe('#20 vehicles and permits', () => {
  it('a permit issued and revoked, on the permit, the holder and the vehicle', async () => {
    await say('zong', registerLines());
    await say('zong', permitLines());
    await refused('zong', permitLines({ number: 'ZJ-2026-001' }), '已经用过');
    await say('zong', '取消');
    expect(await say('zong', '吊销准驾证 ZJ-2026-001 违规')).toContain('已吊销');
    await refused('zong', '吊销准驾证 ZJ-2026-001 违规', '不用再吊销');
    expect((await trail({ kind: 'permit' })).map((e) => [e.what, e.subject?.name, e.keys])).toEqual([
      ['发准驾证', '张司机', ['permit:ZJ-2026-001', `staff:${ids.siji}`, `vehicle:${PLATE}`]],
      ['吊销准驾证', '张司机', ['permit:ZJ-2026-001', `staff:${ids.siji}`, `vehicle:${PLATE}`]],
    ]);
    expect(await say('zong', `车辆 ${PLATE}`)).toMatch(/最近变更：[\s\S]*吊销准驾证/);
    // a driver sees the vehicle, not who lost a permit and why
    expect(await say('siji', `车辆 ${PLATE}`)).not.toContain('最近变更');
  });

  it('a vehicle registered, its drivers set, a shuttle set and cancelled, the vehicle retired', async () => {
    await say('zong', registerLines());
    await say('zong', `指定司机 ${PLATE} 陈队长`);
    await refused('zong', `指定司机 ${PLATE} 不存在的人`, '');
    await say('zong', `设置班车 ${PLATE} 07:30 宿舍→万达广场`);
    await say('zong', '取消班车 BC1');
    await say('zong', `停用车辆 ${PLATE} 已报废`);
    await refused('zong', `停用车辆 ${PLATE} 已报废`, '已停用');
    expect((await trail({ keys: `vehicle:${PLATE}` })).map((e) => e.what)).toEqual([
      '登记车辆',
      '指定司机',
      '设置班车',
      '取消班车',
      '停用车辆',
    ]);
  });
});

describe('#20 the roster import', () => {
  const row = (name: string, phone: string, roles: Role[], extra = {}) => ({
    name,
    phone,
    roles,
    post: '',
    dorm: '',
    active: true,
    note: '',
    ...extra,
  });

  it('writes every change it makes as the command line', async () => {
    await importRoster(
      [row('张三', '13900000009', ['team_leader'], { post: '万达广场' }), row('新人', '13900000011', ['guard'])],
      { columns: ['name', 'phone', 'roles', 'post'] },
    );
    const entries = await trail();
    expect(entries.map((e) => [e.subject?.name, e.what, e.to])).toEqual([
      ['张三', '角色', '队长'],
      ['张三', '驻点', '万达广场'],
      ['新人', '添加人员', '队员'],
    ]);
    expect(entries[0]).toMatchObject({ channel: 'cli', by: { staffId: '' } });
    expect(entries[0]!.by.identity).toMatch(/^cli:/);
  });

  it('refuses a roster that gives someone an approving role while 行政部 could confirm it, and writes nothing', async () => {
    await expect(importRoster([row('张三', '13900000009', ['guard', 'finance'])], { rows: [2] })).rejects.toMatchObject(
      {
        issues: [{ row: 2, message: expect.stringContaining('第 2 行：张三 将获得财务部') }],
      },
    );
    expect((await Staff.findById(ids.zhang).lean())!.roles).toEqual(['guard']);
    expect(await AuditEntry.countDocuments()).toBe(0);
  });

  it('lets the first roster give the first 行政部 and 董事长 their roles, when nobody could confirm', async () => {
    await Staff.deleteMany({});
    await importRoster([row('首任行政', '13900000020', ['admin']), row('董事长', '13900000021', ['chairman'])]);
    expect(await Staff.countDocuments({ roles: { $in: ['admin', 'chairman'] } })).toBe(2);
    expect(await AuditEntry.countDocuments({ what: '添加人员' })).toBe(2);
  });
});

describe('#20 审计, the staff card and 停用', () => {
  it('审计 shows the trail newest first, filtered by person, kind and period, paged, to 行政部 and 董事长 only', async () => {
    await say('wang', '设置角色 张三 队长');
    await say('wang', '设置驻点 张三 万达广场');
    await say('wang', '设置宿舍队长 城南宿舍 陈队长');
    const all = (await say('chen', '审计')).split('\n');
    expect(all[0]).toContain('审计记录');
    expect(all.slice(1, 4).map((l) => /王行政 (\S+)/.exec(l)?.[1])).toEqual(['指定宿舍队长', '驻点', '角色']);
    expect(await say('chen', '审计 张三')).not.toContain('陈队长');
    expect(await say('zhao', '审计 张三 角色')).toMatch(/11-27 10:00 王行政 角色 张三：队员 → 队长 \[控制台\]/);
    expect(await say('zhao', '审计 张三 角色 2026-10')).toContain('没有找到审计记录');
    expect(await say('zhao', '审计 第2页')).toContain('没有第 2 页');
    expect(await say('siji', '审计')).not.toContain('审计记录');
  });

  it("the staff card shows the person's last changes", async () => {
    await say('wang', '设置角色 张三 队长');
    await say('wang', '设置驻点 张三 万达广场');
    expect(await say('wang', '人员 张三')).toMatch(
      /最近变更：\n• 11-27 10:00 王行政 驻点：无 → 万达广场 \[控制台\]\n• 11-27 10:00 王行政 角色：队员 → 队长/,
    );
  });

  it('停用 lists what the person still holds and how to hand it over', async () => {
    const dui = { staffId: ids.dui!, name: '陈队长' };
    await Staff.updateOne({ _id: ids.dui }, { $set: { roles: ['team_leader', 'finance'] } });
    await DormLeader.create({
      _id: `城南宿舍:${ids.dui}`,
      dorm: '城南宿舍',
      staffId: ids.dui,
      name: '陈队长',
      assignedBy: dui,
      assignedAt: clock,
    });
    await Permit.create({
      _id: 'ZJ-9',
      holder: dui,
      vehicles: [PLATE],
      assessedOn: '2026-11-01',
      expiresOn: '2027-11-01',
      assessor: '王综合',
      issuedBy: dui,
      issuedAt: clock,
    });
    const client = await Client.create({ name: '万达物业', owner: dui });
    await ClientPromise.create({
      _id: 'CN-20261127-001',
      clientId: String(client._id),
      clientName: '万达物业',
      text: '送排班表',
      dueDay: '2026-12-05',
      owner: dui,
      createdBy: dui,
    });
    await ReimbursementClaim.create({
      _id: 'BX-20261127-001',
      claimantId: ids.zhang,
      claimantName: '张三',
      total: 600,
      steps: [{ key: 'finance_check', role: 'finance', label: '财务部审查', status: 'pending' }],
      currentRole: 'finance',
      stepSince: clock,
      submittedAt: clock,
    });
    const reply = await say('wang', '停用 陈队长');
    expect(reply).toContain('已停用 陈队长');
    expect(reply).toContain('城南宿舍 的宿舍队长');
    expect(reply).toContain('设置宿舍队长 城南宿舍');
    expect(reply).toContain('准驾证 ZJ-9');
    expect(reply).toContain('吊销准驾证 ZJ-9');
    expect(reply).toContain('客户「万达物业」的跟进负责人');
    expect(reply).toContain('承诺 CN-20261127-001');
    expect(reply).toContain('1 张报销单在等财务部审批');
    expect(reply).toContain('没有其他财务部成员');
    // 董事长 and the other 行政部 member hear that someone with an approving role was disabled
    expect(chat.privately('chen').join('\n')).toContain('已停用 陈队长');
  });

  it('停用 of someone who holds nothing says so', async () => {
    expect(await say('wang', '停用 张三')).toContain('没有需要交接的事项');
  });
});
