import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../handlers/clients/models.ts';
import { RentReport } from '../../../handlers/dorms/models.ts';
import type { Bot } from '../../../src/bot.ts';
import type { BotContext } from '../../../src/core/context.ts';
import { formCard } from '../../../src/core/form-cards.ts';
import { readyAsTyped } from '../../../src/core/form-prefill.ts';
import type { FormDefinition } from '../../../src/core/forms.ts';
import { FormSession, Identity, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { seedDormPeople, seedLeaders } from '../../helpers/dorms.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * Issue #21: a one-message form (the command and `字段: 值` lines) that is complete as typed is saved
 * at once where the form declares `oneMessage: 'apply'`, asks the one confirmation where it submits
 * money or an approval ('confirm'), and a card that comes filled in says that nothing is saved yet.
 */

const def = (over: Partial<FormDefinition> = {}): FormDefinition => ({
  name: 'test.form',
  title: '测试表单',
  fields: [
    { key: 'name', label: '姓名', required: true },
    { key: 'kind', label: '类别', required: true },
    { key: 'serial', label: '票号', required: true, when: (v) => v.kind === '公交' },
    { key: 'note', label: '备注' },
  ],
  submit: async () => {},
  ...over,
});
const none = {} as BotContext;

describe('the form card says on its first line whether anything is saved', () => {
  it('a filled-in card: 「请核对后点「提交」，尚未保存。」, not a line that reads like a confirmation', async () => {
    const card = await formCard(none, def(), { name: '张三', kind: '出租车' }, {}, {}, {});
    expect(card.lines[0]).toBe('请核对后点「提交」，尚未保存。');
  });

  it('a card with a refused line says so and that nothing is saved; an empty card only says to fill it in', async () => {
    const refused = await formCard(none, def(), { name: '张三' }, { kind: '???' }, { kind: '不认识' }, {});
    expect(refused.lines[0]).toBe('请按红字提示修改后点「提交」，尚未保存。');
    expect((await formCard(none, def(), {}, {}, {}, {})).lines[0]).toBe('填写后点「提交」。');
  });
});

describe('which one-message forms are ready as typed', () => {
  const ready = (values: Record<string, string>, errors: Record<string, string> = {}, over = {}) =>
    readyAsTyped(def({ oneMessage: 'apply', ...over }), { values, errors, typed: {} });

  it('is ready with every required field given, the optional ones left out', () => {
    expect(ready({ name: '张三', kind: '出租车' })).toBe(true);
  });

  it('needs a required field only where it applies (票号 only for 公交)', () => {
    expect(ready({ name: '张三', kind: '公交' })).toBe(false);
    expect(ready({ name: '张三', kind: '公交', serial: 'A001' })).toBe(true);
  });

  it('is not ready with a line that did not parse, a required field missing, or nothing typed', () => {
    expect(ready({ name: '张三', kind: '出租车' }, { note: '太长' })).toBe(false);
    expect(ready({ name: '张三' })).toBe(false);
    expect(ready({})).toBe(false);
  });

  it('is never ready for a form that does not declare what a complete one does', () => {
    expect(ready({ name: '张三', kind: '出租车' }, {}, { oneMessage: undefined })).toBe(false);
  });
});

describe('on a text channel', () => {
  useDatabase('forms_one_message');
  let bot: Bot;
  let chat: MemoryReceiver;
  const clock = new Date('2026-11-27T02:00:00Z');
  beforeAll(async () => {
    ({ bot, receiver: chat } = await startTestBot({
      config: testConfig({ BOT_ADMINS: 'console:boss' }),
      now: () => clock,
    }));
  });
  afterAll(() => bot.stop());
  beforeEach(async () => {
    await clearCollections();
    await seedLeaders(await seedDormPeople('console'));
  });
  const say = (who: string, text: string) => chat.say(who, text).then((r) => r.join('\n'));
  const RENT = [
    '房租申报',
    '月份: 2026-11',
    '金额: 3500',
    '房东姓名: 王房东',
    '开户行: 工商银行城南支行',
    '账号: 6222021234567890123',
  ].join('\n');

  it('saves 添加人员 with its required fields at once, as on Lark; the optional ones left out are empty', async () => {
    const reply = await say('boss', '添加人员\n姓名: 周新\n电话: 13800000092\n角色: 队员');
    expect(reply).toContain('周新');
    expect(await FormSession.countDocuments()).toBe(0);
    expect(await Staff.findOne({ name: '周新' }).lean()).toMatchObject({ post: '', dorm: '' });
  });

  it('takes a bare 添加客户 名称 as where the form starts, not a whole client: the rest is asked', async () => {
    const kefu = await Staff.create({ name: '王客服', phone: '13800000091', roles: ['customer_service'] });
    await Identity.create({
      _id: 'console:kefu',
      staffId: kefu._id,
      channel: 'console',
      userId: 'kefu',
      boundAt: clock,
    });
    expect(await say('kefu', '添加客户 城北商场')).toContain('地址');
    expect(await Client.countDocuments()).toBe(0);
    await say('kefu', '取消');
    // with lines, the message is the whole client: saved at once
    await say('kefu', '添加客户\n客户名称: 城北商场\n电话: 13712345679');
    expect(await Client.findOne({ name: '城北商场' }).lean()).toMatchObject({ phone: '13712345679' });
  });

  it('asks once before filing a complete 房租申报 (money): nothing is saved until 1', async () => {
    const asked = await say('chen', RENT);
    expect(asked).toContain('尚未保存');
    expect(asked).toContain('金额：3500');
    expect(asked).toContain('回复 1 确认提交');
    // the account is shown masked, as the submitted card shows it
    expect(asked).toContain('账号：6222 **** **** 0123');
    expect(asked.split('\n').length).toBeLessThanOrEqual(5);
    expect(await RentReport.countDocuments()).toBe(0);
    expect(await say('chen', '1')).toContain('房租申报');
    expect(await RentReport.countDocuments()).toBe(1);
    expect(await FormSession.countDocuments()).toBe(0);
  });

  it('drops a complete 房租申报 on 2, and leaves it unsaved for a command typed instead', async () => {
    await say('chen', RENT);
    expect(await say('chen', '2')).toContain('没有保存');
    await say('chen', RENT);
    expect(await say('chen', '帮助')).toContain('没有保存');
    expect(await RentReport.countDocuments()).toBe(0);
    expect(await FormSession.countDocuments()).toBe(0);
  });

  it('asks the confirmation again for anything else, and files once however often 1 comes', async () => {
    await say('chen', RENT);
    expect(await say('chen', '嗯')).toContain('回复 1 确认提交');
    await say('chen', '1');
    await say('chen', '1');
    expect(await RentReport.countDocuments()).toBe(1);
  });
});
