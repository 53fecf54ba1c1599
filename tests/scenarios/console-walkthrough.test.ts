import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRosterFile } from '../../src/roster/import.ts';
import { composition } from '../../src/workflows.ts';
import { startConsoleBot } from '../helpers/console-bot.ts';
import { useDatabase } from '../helpers/db.ts';

/*
 * A scripted walk-through of every workflow on the console, in the words of the staff manual
 * (docs/commands.md), as someone trying the bot would type it (#21): the example roster and client
 * list imported, then 行政部 adds a person, a complaint goes from 登记 to 告知结果, a claim through
 * the whole approval chain by `:as`, the roll call at `:time 22:00`, 卫生检查, 房租申报, 出车 and
 * 收车 into a claim, the 物资月报, and 添加客户/跟进. The real console receiver on in-memory
 * streams; every step's answer is checked before the next is typed.
 */

useDatabase('console_walkthrough');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Friday 2026-11-27, 09:00 in Asia/Shanghai
const START = new Date('2026-11-27T01:00:00Z');

let con: Awaited<ReturnType<typeof startConsoleBot>>;
const type = (...lines: string[]) => con.type(...lines);
/** A one-message form: the lines between two """ lines are sent as one message. */
const paste = (...lines: string[]) => con.type('"""', ...lines, '"""');

async function importExample(kind: string, file: string): Promise<void> {
  const imp = composition.imports.find((i) => i.kind === kind)!;
  const checked = await imp.check(path.join(ROOT, 'examples', file));
  if (!checked.ok) throw new Error(`${file}: ${JSON.stringify(checked.errors)}`);
  await imp.apply(checked, { file, dryRun: false, by: '命令行导入' });
}

beforeAll(async () => {
  con = await startConsoleBot(START);
  // 行政部: 导入花名册 (examples/roster-example.csv), then the client list and equipment lists that go with it
  const roster = await importRosterFile(path.join(ROOT, 'examples/roster-example.csv'), {
    extra: composition.rosterColumns,
  });
  if (!roster.ok) throw new Error('the example roster did not import');
  await importExample('clients', 'clients-example.csv');
  await importExample('supplies', 'supplies-example.csv');
});
afterAll(async () => {
  // CONSOLE_TRANSCRIPT=/tmp/walk.txt keeps the whole session as the console showed it, to read
  if (process.env.CONSOLE_TRANSCRIPT && con) writeFileSync(process.env.CONSOLE_TRANSCRIPT, con.transcript());
  await con?.close();
});

describe('the staff manual on the console, workflow by workflow', () => {
  it('行政部：帮助, 添加人员 one question at a time, 人员, 人员列表', async () => {
    expect(await type('帮助')).toContain('添加人员');
    expect(await type('添加人员')).toContain('姓名');
    await type('周八');
    await type('13800000008');
    await type('队员');
    await type('万达广场');
    const added = await type('万达广场宿舍');
    expect(added).toContain('【员工档案：周八】');
    expect(await type('人员 周八')).toContain('[2] 生成绑定码');
    expect(await type('人员列表 万达广场')).toContain('周八');
  });

  it('绑定 on the console is :as; 我是谁', async () => {
    expect(await type(':as 周八')).toContain('你现在是「周八」（队员）');
    expect(await type('我是谁')).toContain('周八');
  });

  it('客户投诉：登记投诉 → 已告知 → 调查 (人防部) → 处理投诉 → 改善效果 → 告知结果', async () => {
    await type(':as 王芳');
    const registered = await paste(
      '登记投诉',
      '投诉客户名称: 万达物业',
      '客户地址: 城南路 1 号',
      '电话: 0571-88886666',
      '投诉缘由: 夜班队员在岗睡觉',
      '客户要求: 更换队员',
      '分类: 一般性',
      '投诉类型: 脱岗睡岗',
      '备注: 无',
    );
    expect(registered).toContain('TS-20261127-001');
    expect(registered).toMatch(/→ 郑强：/);
    await type('已告知 TS-20261127-001');

    const ops = await type(':as 郑强');
    expect(ops).toContain('新投诉待调查：TS-20261127-001');
    const investigated = await paste(
      '调查 TS-20261127-001',
      '发生原因: 队员连续上夜班疲劳',
      '责任队员: 刘海涛',
      '责任队长: 陈建国',
      '改善对策: 调整排班，队长每晚查岗',
    );
    expect(investigated).toContain('调查已记录：TS-20261127-001');

    await type(':as 王芳');
    expect(
      await paste(
        '处理投诉 TS-20261127-001',
        '是否合理: 合理',
        '处理方式: 更换夜班队员',
        '责任归属: 队员刘海涛',
        '改善方案: 队长每晚查岗',
      ),
    ).toContain('TS-20261127-001');
    await type('改善效果 TS-20261127-001 有效 已按时到岗');
    expect(
      await paste('告知结果 TS-20261127-001', '告知内容: 已更换夜班队员', '告知方式: 电话', '告知日期: 今天'),
    ).toContain('已建立回访计划');
  });

  it('费用报销：报销 → 提交报销 (by its number, confirmed) → 综合部、财务部、董事长 批准 → 财务部 发放, each by :as', async () => {
    await type(':as 刘海涛');
    // a subway ticket with its serial, and its receipt photo (§3.5.3, #20)
    const draft = await paste(
      '报销',
      '日期: 11-26',
      '类别: 地铁',
      '金额: 6',
      '所办事项: 去万达广场送排班表',
      '公司接洽人: 孙丽华',
      '票号: M0601',
    );
    expect(draft).toContain('[2] 提交报销');
    expect(await type(':photo 地铁票.jpg')).toContain('已把票据照片附在第 1 项');
    expect(await type('2')).toContain('确认提交报销：1 项明细，合计 ¥6.00？');
    const submitted = await type('1');
    expect(submitted).toContain('BX-20261127-001');
    expect(submitted).toMatch(/→ 孙丽华：【报销审批：综合部审核 BX-20261127-001】/);

    for (const [who, step] of [
      ['孙丽华', '综合部审核'],
      ['钱丽', '财务部审查'],
      ['李国华', '董事长批准'],
    ] as const) {
      expect(await type(':as')).toContain(`${who}：`);
      expect(await type(`:as ${who}`)).toContain(`${step} BX-20261127-001`);
      expect(await type('1')).toContain(`确认批准报销单 BX-20261127-001「${step}」：刘海涛，合计 ¥6.00`);
      expect(await type('1')).toContain('已批准');
    }
    await type(':as 钱丽');
    expect(await type('发放 BX-20261127-001 银行转账')).toContain('BX-20261127-001');
    await type(':as 刘海涛');
    expect(await type('我的报销')).toContain('BX-20261127-001');
  });

  it('宿舍卫生：卫生检查 in one line (队长), 卫生评比', async () => {
    await type(':as 赵磊');
    const checked = await type('卫生检查 万达广场宿舍 合格 合格 不合格 合格 合格 合格 85 被子没叠好');
    expect(checked).toContain('万达广场宿舍');
    expect(checked).toContain('85');
    expect(await type('卫生评比 2026-11')).toContain('万达广场宿舍');
  });

  it('房租申报 (队长, private chat) → 综合部 确认收款人 → 财务部 已付款, each by its number and confirmed', async () => {
    await type(':as 陈建国');
    const asked = await paste(
      '房租申报 万达广场宿舍',
      '月份: 2026-11',
      '金额: 3500',
      '房东姓名: 王房东',
      '开户行: 工商银行城南支行',
      '账号: 6222021234567890123',
      '备注: 无',
    );
    // money to be paid: the complete one-message form asks once before it is filed (#21)
    expect(asked).toContain('回复 1 确认提交');
    const reported = await type('1');
    expect(reported).toContain('房租申报：万达广场宿舍 2026-11');
    expect(reported).toMatch(/→ 孙丽华：/);
    await type(':as 孙丽华');
    expect(await type('1')).toContain('确认收款人：万达广场宿舍 2026-11 房租 ¥3500.00，收款人 王房东');
    expect(await type('1')).toContain('已确认 万达广场宿舍 2026-11 的收款人 王房东');
    await type(':as 钱丽');
    expect(await type('1')).toContain('确认登记已付款：万达广场宿舍 2026-11 房租 ¥3500.00');
    expect(await type('1')).toContain('已登记：万达广场宿舍 2026-11 房租 ¥3500.00');
  });

  it('车辆：登记车辆, 发准驾证 (综合部) → 出车, 收车 (司机) → 出车报销 → 提交报销', async () => {
    await type(':as 孙丽华');
    expect(
      await paste(
        '登记车辆',
        '车牌: 粤B12345',
        '车型: 金杯海狮 11座',
        '驻点: 万达广场',
        '指定司机: 周志强',
        '当前里程: 10000',
        '上次保养日期: 2026-10-01',
      ),
    ).toContain('已登记');
    expect(
      await paste(
        '发准驾证',
        '司机: 周志强',
        '准驾车辆: 粤B12345',
        '准驾证号: ZJ-2026-001',
        '考核日期: 2026-11-20',
        '有效期至: 2027-11-19',
        '考核人: 孙丽华',
      ),
    ).toContain('已发证');
    await type(':as 周志强');
    expect(await paste('出车 粤B12345', '起始里程: 10000', '用途: 接送夜班队员', '路线: 公司→万达广场→公司')).toContain(
      'CL-20261127-001',
    );
    const back = await paste(
      '收车',
      '收车里程: 10042',
      '油费: 200',
      '过路费: 15',
      '停车费: 0',
      '维修费: 0',
      '备注: 无',
    );
    expect(back).toContain('CL-20261127-001');
    const draft = await type('出车报销 CL-20261127-001 孙丽华');
    expect(draft).toContain('【报销草稿（未提交）】');
    expect(draft).toContain('¥215.00');
    // each item's receipt photo (§3.5.3, #20)
    for (const n of [1, 2]) {
      await type(`补票据 ${n}`);
      expect(await type(`:photo 票据${n}.jpg`)).toContain(`已把票据照片附在第 ${n} 项`);
    }
    expect(await type('提交报销')).toContain('BX-20261127-002');
  });

  it('物资月报 (队长): the template comes back filled in as one message; 综合部 approves the 申领 by its number', async () => {
    await type(':as 陈建国');
    const template = await type('物资月报');
    expect(template).toContain('物资月报 2026-11');
    const filed = await paste(
      '物资月报 2026-11',
      '对讲机 5 0 1 0',
      '手电筒 8 0 0 0',
      '警棍 6 0 0 0',
      '保安服 12 0 0 0',
      '申领 对讲机 1 一台摔坏',
    );
    expect(filed).toContain('万达广场');
    expect(filed).toMatch(/→ 孙丽华：【物资申领待审批 WZ-20261127-001】/);
    await type(':as 孙丽华');
    expect(await type('1')).toContain('确认批准申领 WZ-20261127-001：万达广场 对讲机 1');
    expect(await type('1')).toContain('已批准 WZ-20261127-001');
  });

  it('客户：添加客户, 客户, 跟进 a phone call, 今日跟进', async () => {
    await type(':as 王芳');
    const added = await paste(
      '添加客户',
      '客户名称: 城东医院',
      '地址: 城东路 9 号',
      '电话: 0571-86660000',
      '联系人: 孙主任 保卫科主任 13700004444',
      '驻点: 跳过',
      '状态: 潜在',
      '负责人: 王芳',
      '电话回访周期: 跳过',
      '拜访周期: 跳过',
      '备注: 在谈合同',
    );
    expect(added).toContain('已添加客户：城东医院');
    expect(await type('客户 万达物业')).toContain('张经理');
    expect(await type('跟进 万达物业 张经理 对夜班满意')).toContain('万达物业');
    expect(await type('今日跟进')).toBeTruthy();
  });

  it('宿舍查房 during the day: :time 22:00 sends the roll call to the leader, who answers 1 (全部已归)', async () => {
    const moved = await type(':time 22:00');
    expect(moved).toContain('机器人时间拨到 2026-11-27 22:00');
    expect(moved).toMatch(/→ 陈建国：【查房：万达广场宿舍 11月27日】/);
    const leader = await type(':as 陈建国');
    expect(leader).toContain('[1] 全部已归');
    expect(await type('1')).toContain('已上报：万达广场宿舍 11月27日');
    expect(await type('查房记录 万达广场宿舍 2026-11')).toContain('11');
  });
});
