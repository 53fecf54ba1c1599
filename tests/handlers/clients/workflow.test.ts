import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Client, ClientLog, ClientPromise } from '../../../handlers/clients/models.ts';
import { registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';

/*
 * The clients workflow through the app on a memory channel (the console's text rendering), on the
 * real database. Scenario tests (tests/scenarios/clients-*.test.ts) go through Lark and WeChat.
 */

let clock = new Date('2026-11-27T02:00:00Z');
const DAY = 24 * 3600_000;

const { chat } = useTestBot('clients', {
  config: testConfig(),
  now: () => clock,
  seed: async () => {
    clock = new Date('2026-11-27T02:00:00Z');
    await seedPeople('console');
  },
});

const say = async (who: string, text: string, opts: { isGroup?: boolean; chatId?: string } = {}) =>
  (await chat.say(who, text, opts)).join('\n');

const WANDA = [
  '添加客户',
  '客户名称: 万达物业',
  '地址: 城南路 1 号',
  '电话: 0571-88886666',
  '联系人: 张经理 物业经理 13812345678',
  '驻点: 万达广场',
  '状态: 现有',
  '负责人: 陈队长',
  '电话回访周期: 跳过',
  '拜访周期: 跳过',
  '备注: 夜班两人',
].join('\n');

describe('I.2.8 the client database kept by 客服部', () => {
  it('adds a client from one message, with its first history entry naming who added it', async () => {
    const reply = await say('kefu', WANDA);
    expect(reply).toContain('已添加客户：万达物业');
    expect(reply).toContain('0571-88886666');
    const c = await Client.findOne({ name: '万达物业' }).lean();
    expect(c).toMatchObject({
      status: 'current',
      owner: { name: '陈队长' },
      posts: ['万达广场'],
      contacts: [{ name: '张经理', title: '物业经理', phone: '13812345678' }],
    });
    expect(c!.changes).toHaveLength(1);
    expect(c!.changes[0]).toMatchObject({ action: '新建', by: { name: '王客服' } });
  });

  it('refuses a second client of the same name and a team leader adding one', async () => {
    await say('kefu', WANDA);
    expect(await say('kefu', WANDA)).toContain('已有客户「万达物业」');
    expect(await say('duizhang', WANDA)).toContain('没有权限');
    expect(await Client.countDocuments()).toBe(1);
  });

  it('I.1.1 keeps every change with who, when and old → new, shown on the card', async () => {
    await say('kefu', WANDA);
    clock = new Date(clock.getTime() + 3600_000);
    const edited = await say('kefu2', '修改客户 万达物业\n电话: 0571-88887777\n状态: 潜在');
    expect(edited).toContain('已修改客户档案：万达物业');
    expect(edited).toMatch(/2026-11-27 11:00 周客服 修改：电话：0571-88886666 → 0571-88887777；状态：现有 → 潜在/);
    const bad = await say('kefu2', '修改客户 万达物业\n电话: 123\n状态: 现有');
    expect(bad).toContain('没有修改');
    expect((await Client.findOne({ name: '万达物业' }).lean())!.status).toBe('potential');
  });

  it('finds a client by contact, phone or post', async () => {
    await say('kefu', WANDA);
    for (const q of ['张经理', '13812345678', '万达广场', '万达'])
      expect(await say('kefu', `客户 ${q}`)).toContain('客户档案：万达物业');
    expect(await say('kefu', '客户 不存在的公司')).toContain('没有找到客户');
  });
});

describe('client phones masked in groups, in full to 客服部 and the owner in private', () => {
  it('masks every phone in a group and for a team leader who is not the owner', async () => {
    await say('kefu', WANDA);
    const group = await say('kefu', '/客户 万达物业', { isGroup: true, chatId: 'room-1' });
    expect(group).toContain('0571-****6666');
    expect(group).toContain('138****5678');
    expect(group).not.toContain('13812345678');
    expect(await say('duizhang', '客户 万达物业')).toContain('13812345678');
    await say('kefu', '修改客户 万达物业\n负责人: 王客服');
    const notOwner = await say('duizhang', '客户 万达物业');
    expect(notOwner).toContain('138****5678');
    // the history shows the old and new phones masked too
    expect(notOwner).not.toContain('13812345678');
  });

  it('masks phones however they were typed: a contact 137 0000 3333, a landline with dashes, one in the notes', async () => {
    const chengbei = [
      '添加客户',
      '客户名称: 城北商场',
      '地址: 北环路 8 号',
      '电话: 0755-8888-6666',
      '联系人: 李经理 物业经理 137 0000 3333',
      '驻点: 城北商场',
      '状态: 现有',
      '负责人: 陈队长',
      '电话回访周期: 跳过',
      '拜访周期: 跳过',
      '备注: 夜间找保安室 (0755)8888 7777 或 138-0000-1111',
    ];
    expect(await say('kefu', chengbei.join('\n'))).toContain('已添加客户：城北商场');
    const group = await say('kefu', '/客户 城北商场', { isGroup: true, chatId: 'room-1' });
    for (const masked of ['0755-****6666', '137****3333', '0755-****7777', '138****1111'])
      expect(group).toContain(masked);
    for (const full of ['137 0000 3333', '13700003333', '88886666', '8888-6666', '8888 7777', '138-0000-1111'])
      expect(group).not.toContain(full);
    // 客服部 in private reads them in full, the note as it was typed
    const own = await say('kefu', '客户 城北商场');
    expect(own).toContain('李经理 物业经理 13700003333');
    expect(own).toContain('夜间找保安室 (0755)8888 7777 或 138-0000-1111');
  });
});

describe('I.2.9 a former client is archived, not deleted; lists by status', () => {
  it('archives with a reason and lists 现有 / 潜在 / 已流失', async () => {
    await say('kefu', WANDA);
    await say(
      'kefu',
      '添加客户\n客户名称: 滨江新苑\n状态: 潜在\n负责人: 我\n地址: 跳过\n电话: 跳过\n联系人: 跳过\n驻点: 跳过\n电话回访周期: 跳过\n拜访周期: 跳过\n备注: 跳过',
    );
    expect(await say('kefu', '客户列表 潜在')).toMatch(/共 1 个[\s\S]*滨江新苑｜潜在｜王客服/);
    // 跳过 is no answer: nothing is stored as the address or the note (it once stored 「跳过」 itself)
    expect(await Client.findOne({ name: '滨江新苑' }).lean()).toMatchObject({ address: '', notes: '' });
    expect(await say('kefu', '客户流失 万达物业 合同到期未续签')).toContain('归档为已流失');
    expect(await say('kefu', '客户列表')).not.toContain('万达物业');
    expect(await say('kefu', '客户列表 已流失')).toContain('万达物业｜已流失');
    const c = await Client.findOne({ name: '万达物业' }).lean();
    expect(c!.archivedAt).toBeTruthy();
    expect(c!.changes.at(-1)).toMatchObject({ action: '归档：合同到期未续签' });
  });
});

describe('II phone follow-ups and visit reports restart the cadence', () => {
  it('logs a call in one message and moves the next call 30 days on', async () => {
    await say('kefu', WANDA);
    clock = new Date(clock.getTime() + 40 * DAY);
    expect(await say('kefu', '客户 万达物业')).toMatch(/电话回访每 30 天（2026-12-27 到期，已逾期 10 天）/);
    const logged = await say('duizhang', '跟进 万达物业 张经理 对夜班满意');
    expect(logged).toContain('已记录电话回访：万达物业');
    expect(await say('kefu', '客户 万达物业')).toMatch(
      /电话回访每 30 天（下次 2027-02-05）[\s\S]*电话回访（陈队长）：联系 张经理，对夜班满意/,
    );
  });

  it('跟进 takes 「字段: 值」 lines like every other form: 联系人: 张经理 is the contact 张经理, not 「联系人:」', async () => {
    await say('kefu', WANDA);
    const logged = await say('duizhang', '跟进 万达物业\n联系人: 张经理\n沟通内容: 对夜班满意，嫌价格高');
    expect(logged).toContain('已记录电话回访：万达物业');
    expect(await ClientLog.findOne({ kind: 'call' }).lean()).toMatchObject({
      reached: '张经理',
      content: '对夜班满意，嫌价格高',
      day: '2026-11-27',
    });
  });

  it("跟进 reads the fields typed on the command's line (the console sends one line)", async () => {
    await say('kefu', WANDA);
    const logged = await say('duizhang', '跟进 万达物业 联系人: 张经理 沟通内容: 客户说: 夜班满意 日期: 昨天');
    expect(logged).toContain('已记录电话回访：万达物业');
    expect(await ClientLog.findOne({ kind: 'call' }).lean()).toMatchObject({
      reached: '张经理',
      content: '客户说: 夜班满意',
      day: '2026-11-26',
    });
  });

  it('refuses a client already on record at the 客户名称 question of 添加客户, before the other nine', async () => {
    await say('kefu', WANDA);
    expect(await say('kefu', '添加客户')).toContain('客户名称');
    const again = await say('kefu', '万达 物业');
    expect(again).toContain('已有客户「万达物业」');
    expect(again).toContain('请输入客户名称');
  });

  it('II.7 a visit report with promises creates tracked items; only the owner or 客服部 marks one done', async () => {
    await say('kefu', WANDA);
    const report = await say(
      'duizhang',
      [
        '拜访 万达物业',
        '拜访目的: 了解夜班情况',
        '接待人: 张经理',
        '接待人职务: 物业经理',
        '客户需求: 增加一名夜班队员',
        '发现的问题: 交接班记录不全',
        '指导和培训: 讲解消防通道检查',
        '客户异议及处理: 嫌费用高，解释了人工成本',
        '竞争对手情况: 某保安公司报价低 10%',
        '潜在客户信息: 隔壁写字楼在招标',
        '对客户的承诺: 送新排班表 12月5日；培训新队员 2026-12-20',
        '日期: 今天',
      ].join('\n'),
    );
    expect(report).toContain('已记录拜访：万达物业');
    expect(report).toContain('CN-20261127-001');
    const log = await ClientLog.findOne({ kind: 'visit' }).lean();
    expect(log).toMatchObject({
      purpose: '了解夜班情况',
      reached: '张经理',
      reachedTitle: '物业经理',
      objections: '嫌费用高，解释了人工成本',
      prospects: '隔壁写字楼在招标',
    });
    expect(await ClientPromise.find().sort({ _id: 1 }).lean()).toMatchObject([
      { _id: 'CN-20261127-001', text: '送新排班表', dueDay: '2026-12-05', owner: { name: '陈队长' }, status: 'open' },
      { _id: 'CN-20261127-002', text: '培训新队员', dueDay: '2026-12-20', status: 'open' },
    ]);
    // 承诺 reads list words as every list does: a period is when a promise is due (not a client called 本月)
    expect(await say('duizhang', '承诺 本月')).toContain('没有未完成的承诺（我负责的，本月到期）');
    const due = await say('duizhang', '承诺 2026-12-01~2026-12-10');
    expect(due).toContain('CN-20261127-001');
    expect(due).not.toContain('CN-20261127-002');
    expect(await say('kefu', '承诺 全部 12月')).toContain('CN-20261127-002');
    expect(await say('renfang', '承诺完成 CN-20261127-001')).toContain('没有权限');
    expect(await say('duizhang', '承诺完成 CN-20261127-001 已送到')).toContain('已标记承诺完成');
    expect(await say('kefu', '承诺完成 CN-20261127-001')).toContain('已由陈队长标记完成');
    expect((await ClientPromise.findById('CN-20261127-001').lean())!.status).toBe('done');
  });

  it('II 拜访报告 keeps the pictures sent right after a visit with that report, once each', async () => {
    await say('kefu', WANDA);
    const visit = [
      '拜访 万达物业',
      '拜访目的: 巡查岗亭',
      '接待人: 张经理',
      '接待人职务: 物业经理',
      '客户需求: 跳过',
      '发现的问题: 跳过',
      '指导和培训: 跳过',
      '客户异议及处理: 跳过',
      '竞争对手情况: 跳过',
      '潜在客户信息: 跳过',
      '日期: 今天',
    ];
    // every required field given: saved at once, 对客户的承诺 left out is none (#21)
    expect(await say('duizhang', visit.join('\n'))).toContain('现场照片可以直接发给我');
    const photo = (ref: string) =>
      chat.deliver({
        id: randomUUID(),
        channel: 'console',
        chat: { id: 'duizhang', isGroup: false },
        userId: 'duizhang',
        kind: 'message',
        text: '',
        attachments: [{ kind: 'image', ref }],
        receivedAt: new Date(),
      });
    expect((await photo('console:gangting.jpg')).join('\n')).toContain('已附到 万达物业 的拜访报告');
    expect((await photo('console:gangting.jpg')).join('\n')).toContain('共 1 张');
    expect((await photo('console:jilu.jpg')).join('\n')).toContain('共 2 张');
    expect((await ClientLog.findOne({ kind: 'visit' }).lean())!.photos).toEqual([
      'console:gangting.jpg',
      'console:jilu.jpg',
    ]);
  });

  it('refuses a promise without a due day and saves nothing of that answer', async () => {
    await say('kefu', WANDA);
    const reply = await say('kefu', '拜访 万达物业\n拜访目的: 回访\n接待人: 张经理\n对客户的承诺: 送排班表');
    expect(reply).toContain('缺少截止日期');
    expect(await ClientPromise.countDocuments()).toBe(0);
    expect(await ClientLog.countDocuments()).toBe(0);
  });
});

describe('Ch.10 III ↔ I: complaint registration uses the same client records', () => {
  it('creates the record with a history entry, and never overwrites a typed value', async () => {
    await say('kefu', `登记投诉\n${registrationLines({ name: '城北商场', phone: '13700001111' })}`);
    const c = await Client.findOne({ name: '城北商场' }).lean();
    expect(c).toMatchObject({ phone: '13700001111', status: 'current' });
    expect(c!.changes[0]!.action).toMatch(/^登记投诉 TS-20261127-001 时建立$/);
    expect(await say('kefu', `登记投诉\n${registrationLines({ name: '城北商场', phone: '13799999999' })}`)).toContain(
      '填写的电话与客户档案不同，档案没有改',
    );
    expect((await Client.findOne({ name: '城北商场' }).lean())!.phone).toBe('13700001111');
    const card = await say('kefu', '客户 13700001111');
    expect(card).toMatch(/【未结投诉】TS-20261127-00\d（待人防部调查）；TS-20261127-00\d（待人防部调查）/);
    expect(card).toContain(
      '王客服 登记投诉 TS-20261127-001 时建立：客户名称：城北商场；地址：城南路 1 号；电话：13700001111',
    );
  });
});

describe('I.3.5 巡回访问: not only favourite clients', () => {
  it('lists clients never contacted first, then those contacted the longest ago', async () => {
    await say('kefu', WANDA);
    await say('kefu', '添加客户\n客户名称: 城北商场\n负责人: 陈队长');
    await say('kefu', '添加客户\n客户名称: 滨江新苑\n负责人: 陈队长');
    clock = new Date(clock.getTime() + 2 * DAY);
    await say('duizhang', '跟进 万达物业 张经理 一切正常');
    clock = new Date(clock.getTime() + DAY);
    await say('duizhang', '跟进 城北商场 赵总 一切正常');
    const order = await say('duizhang', '巡回访问 我的');
    expect(order).toMatch(
      /1\. 滨江新苑｜现有｜陈队长｜未联系过\n2\. 万达物业｜现有｜陈队长｜最近联系 2026-11-29\n3\. 城北商场/,
    );
  });
});
