import { describe, expect, it } from 'vitest';
import { GrantRequest } from '../../../handlers/foundation/models.ts';
import type { Role } from '../../../src/core/types.ts';
import { AuditEntry, Staff } from '../../../src/models/index.ts';
import { importRoster } from '../../../src/roster/import.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';
import { seedConsolePeople } from '../../helpers/people.ts';

/*
 * Issue #20, hole 3 "Roles granted silently", performed as the 行政部 member would: nobody changes
 * their own roles; granting an approving role (综合部, 财务部, 董事长, 行政部) waits on a card for
 * 董事长 or another 行政部 member, never the requester nor the person it is for; one decision
 * however often it is clicked; removals apply at once, except the last 行政部 member's.
 */

const ids: Record<string, string> = {};

const PEOPLE: Record<string, { name: string; phone: string; roles: Role[] }> = {
  wang: { name: '王行政', phone: '13900000001', roles: ['admin'] },
  zhao: { name: '赵行政', phone: '13900000002', roles: ['admin'] },
  chen: { name: '陈董', phone: '13900000003', roles: ['chairman'] },
  zhang: { name: '张三', phone: '13900000004', roles: ['guard'] },
  li: { name: '李财务', phone: '13900000005', roles: ['finance'] },
};

const { chat } = useTestBot('foundation_roles', {
  config: testConfig({ BOT_ADMINS: 'console:boss' }),
  seed: async () => {
    await seedConsolePeople(PEOPLE, ids);
    chat.sent.splice(0);
  },
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const rolesOf = async (key: string) => (await Staff.findById(ids[key]).lean())!.roles;
const grantNo = (text: string) => /QX-\d{8}-\d{3}/.exec(text)?.[0];

describe('#20.3 nobody changes their own roles', () => {
  it('refuses an 行政部 member who 设置角色 himself 董事长、财务部、综合部, and his roles stay', async () => {
    const reply = await say('wang', '设置角色 王行政 行政部、董事长、财务部、综合部');
    expect(reply).toContain('不能修改自己的角色');
    expect(await rolesOf('wang')).toEqual(['admin']);
    expect(await GrantRequest.countDocuments()).toBe(0);
    expect(await AuditEntry.countDocuments()).toBe(0);
  });

  it('refuses him disabling himself too', async () => {
    expect(await say('wang', '停用 王行政')).toContain('不能停用自己');
    expect((await Staff.findById(ids.wang).lean())!.active).toBe(true);
  });
});

describe('#20.3 granting an approving role needs a second person', () => {
  it('keeps 张三 财务部 pending until another 行政部 member confirms on the card', async () => {
    const reply = await say('wang', '设置角色 张三 队员、财务部');
    const no = grantNo(reply);
    expect(no, reply).toBeDefined();
    expect(reply).toContain('须由董事长或另一位行政部成员确认');
    expect(await rolesOf('zhang')).toEqual(['guard']);
    // the card went to 董事长 and the other 行政部 member, not to the requester or the subject
    expect(chat.privately('chen').join('\n')).toContain(`角色授权待确认 ${no}`);
    expect(chat.privately('zhao').join('\n')).toContain(`角色授权待确认 ${no}`);
    expect(chat.privately('zhang').join('\n')).not.toContain(no);
    expect(chat.privately('wang').join('\n')).not.toContain('角色授权待确认');

    const confirmed = (await chat.click('zhao', 'staff.grant', { no: no!, d: 'confirm' })).join('\n');
    expect(confirmed).toContain(`已确认授权 ${no}`);
    expect(await rolesOf('zhang')).toEqual(['guard', 'finance']);
    const trail = await AuditEntry.find({ 'subject.staffId': ids.zhang }).sort({ at: 1 }).lean();
    expect(trail.map((e) => e.what)).toEqual(['申请授予角色', '角色']);
    expect(trail[1]).toMatchObject({
      kind: 'roles',
      from: '队员',
      to: '队员、财务部',
      by: { name: '赵行政' },
      channel: 'console',
    });
    expect(trail[1]!.note).toContain('王行政 申请');
  });

  it('refuses the requester clicking 确认授权 on his own grant, and nothing changes', async () => {
    const no = grantNo(await say('wang', '设置角色 张三 财务部'))!;
    const reply = (await chat.click('wang', 'staff.grant', { no, d: 'confirm' })).join('\n');
    expect(reply).toContain('是你发起的');
    expect(await say('wang', `确认授权 ${no}`)).toContain('是你发起的');
    expect(await rolesOf('zhang')).toEqual(['guard']);
    expect((await GrantRequest.findById(no).lean())!.status).toBe('pending');
  });

  it('refuses the person it is for, even when they are 行政部', async () => {
    const no = grantNo(await say('wang', '设置角色 赵行政 行政部、董事长'))!;
    expect(await say('zhao', `确认授权 ${no}`)).toContain('不能确认给自己的授权');
    expect(await rolesOf('zhao')).toEqual(['admin']);
    expect(await say('chen', `确认授权 ${no}`)).toContain('已确认授权');
    expect(await rolesOf('zhao')).toEqual(['chairman', 'admin']);
  });

  it('refuses a confirmer without 董事长 or 行政部', async () => {
    const no = grantNo(await say('wang', '设置角色 张三 财务部'))!;
    const reply = (await chat.click('li', 'staff.grant', { no, d: 'confirm' })).join('\n');
    expect(reply).not.toContain('已确认');
    expect(await rolesOf('zhang')).toEqual(['guard']);
  });

  it('confirms once on a double click, and a second confirmer at the same moment is told who did', async () => {
    const no = grantNo(await say('wang', '设置角色 张三 综合部'))!;
    const from = chat.sent.length;
    await Promise.all([
      chat.click('zhao', 'staff.grant', { no, d: 'confirm' }),
      chat.click('zhao', 'staff.grant', { no, d: 'confirm' }),
      chat.click('chen', 'staff.grant', { no, d: 'confirm' }),
    ]);
    const answers = chat.sent
      .slice(from)
      .filter((m) => ['zhao', 'chen'].includes('userId' in m.target ? m.target.userId : m.target.chatId))
      .map((m) => m.text);
    expect(answers.filter((t) => t.startsWith(`已确认授权 ${no}`))).toHaveLength(1);
    expect(answers.filter((t) => /无需重复操作|不用再处理/.test(t))).toHaveLength(2);
    expect(await rolesOf('zhang')).toEqual(['general_affairs']);
    expect(await AuditEntry.countDocuments({ 'subject.staffId': ids.zhang, what: '角色' })).toBe(1);
    expect(await say('zhao', `确认授权 ${no}`)).toContain('已确认生效');
  });

  it('ends 确认 and 拒绝 clicked at once in one decision', async () => {
    const no = grantNo(await say('wang', '设置角色 张三 财务部'))!;
    await Promise.all([
      chat.click('zhao', 'staff.grant', { no, d: 'confirm' }),
      chat.click('chen', 'staff.grant', { no, d: 'refuse' }),
    ]);
    const req = (await GrantRequest.findById(no).lean())!;
    expect(['confirmed', 'refused']).toContain(req.status);
    expect(await rolesOf('zhang')).toEqual(req.status === 'confirmed' ? ['finance'] : ['guard']);
  });

  it("voids a grant when the person's roles changed after it was asked", async () => {
    const no = grantNo(await say('wang', '设置角色 张三 财务部'))!;
    expect(await say('zhao', '设置角色 张三 队长')).toContain('已把 张三 的角色设为：队长');
    expect(await say('chen', `确认授权 ${no}`)).toContain('已作废');
    expect(await rolesOf('zhang')).toEqual(['team_leader']);
    expect((await GrantRequest.findById(no).lean())!.status).toBe('void');
  });

  it("voids a grant when a roster import changed the person's roles after it was asked", async () => {
    const no = grantNo(await say('wang', '设置角色 张三 财务部'))!;
    await importRoster(
      [{ name: '张三', phone: '13900000004', roles: ['team_leader'], post: '', dorm: '', active: true, note: '' }],
      { columns: ['name', 'phone', 'roles'] },
    );
    expect(await say('chen', `确认授权 ${no}`)).toContain('已作废');
    expect(await rolesOf('zhang')).toEqual(['team_leader']);
  });

  it('tells the requester and the person when it is refused, with the reason', async () => {
    const no = grantNo(await say('wang', '设置角色 张三 财务部'))!;
    expect(await say('chen', `拒绝授权 ${no} 不需要财务权限`)).toContain('已拒绝');
    expect(chat.privately('wang').join('\n')).toContain('不需要财务权限');
    expect(await rolesOf('zhang')).toEqual(['guard']);
    expect(await AuditEntry.exists({ what: '拒绝授权', note: { $regex: '不需要财务权限' } })).toBeTruthy();
  });

  it('adds a person typed with 财务部 without it, and asks for the confirmation', async () => {
    const reply = await say(
      'wang',
      '添加人员\n姓名: 钱七\n电话: 13900000009\n角色: 队员、财务部\n驻点: 万达广场\n宿舍: 城南宿舍',
    );
    expect(reply).toContain('员工档案：钱七');
    const no = grantNo(reply)!;
    expect(no).toBeDefined();
    const s = (await Staff.findOne({ phone: '13900000009' }).lean())!;
    expect(s.roles).toEqual(['guard']);
    await say('chen', `确认授权 ${no}`);
    expect((await Staff.findById(s._id).lean())!.roles).toEqual(['guard', 'finance']);
  });

  it('holds 启用 of a disabled 财务部 member for confirmation: it gives the role back', async () => {
    expect(await say('wang', '停用 李财务')).toContain('已停用 李财务');
    const reply = await say('wang', '启用 李财务');
    expect(reply).toContain('须由董事长或另一位行政部成员确认');
    expect((await Staff.findById(ids.li).lean())!.active).toBe(false);
    await say('zhao', `确认授权 ${grantNo(reply)}`);
    expect((await Staff.findById(ids.li).lean())!.active).toBe(true);
  });
});

describe('#20.3 removals apply at once', () => {
  it('takes 财务部 away at once and tells 董事长 and the other 行政部 member', async () => {
    expect(await say('wang', '设置角色 李财务 队员')).toContain('已把 李财务 的角色设为：队员');
    expect(await rolesOf('li')).toEqual(['guard']);
    expect(chat.privately('chen').join('\n')).toContain('已去掉 李财务 的财务部角色');
    expect(chat.privately('zhao').join('\n')).toContain('已去掉 李财务 的财务部角色');
  });

  it('keeps the last 行政部 member: neither 行政部 taken away nor disabled (by the BOT_ADMINS account)', async () => {
    await say('wang', '停用 赵行政');
    expect(await say('boss', '设置角色 王行政 队员')).toContain('最后一位在职的行政部成员');
    expect(await say('boss', '停用 王行政')).toContain('最后一位在职的行政部成员');
    expect(await rolesOf('wang')).toEqual(['admin']);
    expect((await Staff.findById(ids.wang).lean())!.active).toBe(true);
  });
});
