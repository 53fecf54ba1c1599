import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollCall } from '../../../handlers/dorms/models.ts';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import type { Role } from '../../../src/core/types.ts';
import { Staff } from '../../../src/models/index.ts';
import { parseConsoleTime } from '../../../src/receivers/console.ts';
import { startConsoleBot } from '../../helpers/console-bot.ts';
import { useDatabase } from '../../helpers/db.ts';

/*
 * The console as a place to try everything (#21): what the bot sends people the operator never
 * switched to shows in the transcript and waits for `:as`; `\` and paste blocks make multi-line
 * messages; `:time 22:00` tries the roll call during the day. The real receiver on in-memory streams.
 */

useDatabase('console');

// Friday 2026-11-27 10:00 in Asia/Shanghai
const START = new Date('2026-11-27T02:00:00Z');
let con: Awaited<ReturnType<typeof startConsoleBot>>;

beforeAll(async () => {
  con = await startConsoleBot(START);
  // one at a time: the first writes on an empty database race on the people stamp's upsert
  const people: { name: string; phone: string; roles: Role[]; post?: string; dorm?: string }[] = [
    { name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' },
    { name: '王综合', phone: '13800000002', roles: ['general_affairs'] },
    { name: '陈队长', phone: '13800000003', roles: ['team_leader'], dorm: '城南宿舍' },
    { name: '李四', phone: '13800000004', roles: ['guard'], dorm: '城南宿舍' },
  ];
  for (const p of people) await Staff.create(p);
});
afterAll(() => con?.close());

describe('the console transcript', () => {
  it('continues a message on the next line after a line ending in \\, so a one-message form can be typed on the console', async () => {
    await con.type(':as 张三');
    // a subway ticket gives its serial (§3.5.3, #20)
    const draft = await con.type(
      '报销 \\',
      '日期: 11-26 \\',
      '类别: 地铁 \\',
      '金额: 6 \\',
      '所办事项: 去万达广场送排班表 \\',
      '公司接洽人: 王经理 \\',
      '票号: M0601',
    );
    expect(draft).toContain('【报销草稿（未提交）】');
    // the short confirmation names the item added (#21); its whole line is behind 查看草稿
    expect(draft).toContain('已加入第 1 项：2026-11-26 地铁 ¥6.00');
    // and every item its receipt photo, which :photo stands in for
    expect(await con.type(':photo 地铁票.jpg')).toContain('已把票据照片附在第 1 项');
  });

  it('shows the approval card for 王综合, never switched to, as → 王综合：…, keeps it for :as, which lists who has something waiting', async () => {
    const submitted = await con.type('提交报销');
    expect(submitted).toMatch(/→ 王综合：【报销审批：综合部审核 BX-20261127-001】 …（\d+ 行，:as 王综合 查看）/);

    const list = await con.type(':as');
    expect(list).toContain('这些人有还没看的消息：');
    expect(list).toContain('王综合：1 条（:as 王综合）');

    const switched = await con.type(':as 王综合');
    expect(switched).toContain('你现在是「王综合」（综合部）');
    expect(switched).toContain('王综合 有 1 条未看的消息');
    expect(switched).toContain('[1] 批准  [2] 驳回');
    // the kept card is the one a number answers; 批准 asks once, 1 确认 approves
    expect(await con.type('1')).toContain('确认批准报销单 BX-20261127-001「综合部审核」：张三，合计 ¥6.00');
    const approved = await con.type('1');
    expect(approved).toContain('→ 张三：');
    expect((await ReimbursementClaim.findById('BX-20261127-001').lean())!.steps[0]).toMatchObject({
      status: 'approved',
    });
    expect(await con.type(':as')).not.toContain('王综合：');
  });

  it('sends a paste block between two """ lines as one message, blank lines and all', async () => {
    await con.type(':as admin');
    const out = await con.type(
      '"""',
      '添加人员',
      '姓名: 周八',
      '',
      '电话: 13800000008',
      '角色: 队员',
      '驻点: 万达广场',
      '宿舍: 城南宿舍',
      '"""',
    );
    expect(out).toContain('（多行消息');
    expect(await Staff.findOne({ phone: '13800000008' }).lean()).toMatchObject({ name: '周八', roles: ['guard'] });
  });
});

describe(':time', () => {
  it('tries the roll call during the day: :time 22:00 moves the bot clock and sends the evening roll call to the dorm leader, shown in the transcript', async () => {
    const set = await con.type(':as admin', '设置宿舍队长 城南宿舍 陈队长');
    const out = await con.type(':time 22:00');
    expect(out).toContain('机器人时间拨到 2026-11-27 22:00（比实际');
    expect(out).toMatch(/→ 陈队长：【查房：城南宿舍 11月27日】/);
    expect(out).toContain('宿舍查房：发查房、催报、报综合部');
    expect(await RollCall.findById('2026-11-27:城南宿舍').lean()).toMatchObject({ dorm: '城南宿舍' });
    const leader = await con.type(':as 陈队长', '查房 全到');
    expect(leader).toContain('已上报：城南宿舍 11月27日');
    // the same time again runs nothing twice; 现在 goes back to the wall clock
    expect(await con.type(':time 22:00')).not.toContain('→ 陈队长');
    expect(await con.type(':time 现在')).toContain('已拨回实际时间');
  });

  it('reads 22:00 as today, a date and time as written, and refuses anything else', () => {
    const now = new Date('2026-11-27T02:00:00Z');
    expect(parseConsoleTime('22:00', now, 'Asia/Shanghai')?.toISOString()).toBe('2026-11-27T14:00:00.000Z');
    expect(parseConsoleTime('2026-12-01 09:00', now, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(parseConsoleTime('25:00', now, 'Asia/Shanghai')).toBeUndefined();
    expect(parseConsoleTime('晚上', now, 'Asia/Shanghai')).toBeUndefined();
  });
});
