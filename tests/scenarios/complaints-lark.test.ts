import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../handlers/clients/models.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { registrationLines, seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formInputNames, type LarkStandin } from '../helpers/lark-standin.ts';

/*
 * Complaints through Lark for real: signed, encrypted events and card callbacks POSTed to the
 * bot's HTTP server, answers through the real SDK to a stand-in Open API, on the real database.
 */

useDatabase('complaints_lark');

const say = (openId: string, text: string) => lark.say(openId, text);
const click: LarkBot['click'] = (...args) => lark.click(...args);

const IDS = {
  kefu: 'ou_kefu',
  kefu2: 'ou_kefu2',
  renfang: 'ou_renfang',
  duizhang: 'ou_duizhang',
  dongshi: 'ou_dongshi',
} as const;

let lark: LarkBot;
let standin: LarkStandin;

beforeAll(async () => {
  lark = await startLarkBot();
  standin = lark.standin;
});
afterAll(() => lark?.close());

beforeEach(async () => {
  await clearCollections();
  standin.reset();
  await seedPeople('lark', IDS, ['kefu', 'kefu2', 'renfang', 'duizhang', 'dongshi']);
});

const goodForm = {
  clientName: '万达物业',
  clientAddress: '城南路 1 号',
  clientPhone: '13712345678',
  reason: '夜班队员在岗睡觉',
  demand: '更换队员',
  category: '扣服务费',
  type: '脱岗睡岗',
  remark: '',
};

/** 客服 opens the 客户投诉登记表 card and submits it; returns the new number. */
async function registerByCard(): Promise<string> {
  await say(IDS.kefu, '登记投诉');
  const [form] = standin.cards(p2p(IDS.kefu));
  const submit = findButtonValue(form!.card, 'form.submit')!;
  await click(IDS.kefu, form!.messageId, submit, goodForm);
  const c = await Complaint.findOne({ clientName: '万达物业' }).lean();
  expect(c).not.toBeNull();
  return c!._id;
}

describe('forms on Lark keep what was typed', () => {
  /** The input named `name` of a form card, as the card JSON carries it. */
  function input(card: unknown, name: string): { default_value?: string } | undefined {
    let found: { default_value?: string } | undefined;
    JSON.stringify(card, (_k, v: unknown) => {
      if (v && typeof v === 'object' && (v as { name?: string }).name === name && 'default_value' in v)
        found = v as { default_value?: string };
      return v;
    });
    return found;
  }

  it("a one-message form opens the card with a value that did not parse still in its field, and that field's own error", async () => {
    await say(IDS.kefu, `登记投诉\n${registrationLines({ category: '很严重' })}`);
    const [form] = standin.cards(p2p(IDS.kefu));
    expect(input(form!.card, 'category')?.default_value).toBe('很严重');
    const json = JSON.stringify(form!.card);
    expect(json).toContain('分类「很严重」不认识');
    expect(json).toContain('一般性 / 扣服务费 / 非正当理由');
    expect(json).not.toContain('请填写分类');
    expect(await Complaint.countDocuments()).toBe(0);
  });

  it('a typed phone for a client on record is never replaced by the stored one: a bad one is refused with its error', async () => {
    await Client.create({ name: '万达物业', address: '城南路 1 号', phone: '13700000000' });
    await say(IDS.kefu, `登记投诉\n${registrationLines({ phone: '12345' })}`);
    const form = await standin.waitFor(
      () => standin.cards(p2p(IDS.kefu)).find((x) => formInputNames(x.card).length > 0),
      'the form card',
    );
    expect(input(form.card, 'clientPhone')?.default_value).toBe('12345');
    expect(JSON.stringify(form.card)).toContain('电话号码不对');
    // submitting the card unchanged is refused again: nothing is registered with the stored phone
    const submit = findButtonValue(form.card, 'form.submit')!;
    await click(IDS.kefu, form.messageId, submit, { ...goodForm, clientName: '万达物业', clientPhone: '12345' });
    expect(await Complaint.countDocuments()).toBe(0);
    // a good typed phone wins over the record
    await click(IDS.kefu, form.messageId, submit, { ...goodForm, clientName: '万达物业', clientPhone: '13711112222' });
    expect(await Complaint.findOne().lean()).toMatchObject({ clientPhone: '13711112222' });
  });
});

describe('§4.1 registration on Lark: a form card with inline validation', () => {
  it('shows every field of the 客户投诉登记表; a bad phone and unknown category come back inline and save nothing; a good one registers and tells 人防部', async () => {
    await say(IDS.kefu, '登记投诉');
    const [form] = standin.cards(p2p(IDS.kefu));
    expect(formInputNames(form!.card)).toEqual([
      'clientName',
      'clientAddress',
      'clientPhone',
      'reason',
      'demand',
      'category',
      'type',
      'remark',
      'acceptedOn',
    ]);
    const submit = findButtonValue(form!.card, 'form.submit')!;
    expect(submit).toEqual({ action: 'form.submit', form: 'complaints.register' });

    const toast = await click(IDS.kefu, form!.messageId, submit, {
      ...goodForm,
      clientPhone: '12345',
      category: '严重',
      reason: '',
    });
    expect(toast).toContain('红字');
    const patched = JSON.stringify(standin.patches(form!.messageId)[0]?.content);
    expect(patched).toContain('电话号码不对');
    expect(patched).toContain('分类「严重」不认识');
    expect(patched).toContain('请填写投诉缘由');
    expect(patched).toContain('万达物业');
    expect(await Complaint.countDocuments()).toBe(0);

    await click(IDS.kefu, form!.messageId, submit, goodForm);
    const c = await Complaint.findOne().lean();
    expect(c).toMatchObject({ clientName: '万达物业', category: 'fee_deduction', acceptedBy: { name: '王客服' } });
    const registered = await standin.waitFor(
      () => standin.cards(p2p(IDS.kefu)).find((x) => JSON.stringify(x.card).includes(`投诉已登记：${c!._id}`)),
      'the registration card',
    );
    expect(findButtonValue(registered.card, 'complaints.told')).toEqual({ action: 'complaints.told', id: c!._id });
    const toOps = await standin.waitFor(() => standin.cards(IDS.renfang)[0], 'the card to 人防部');
    expect(findButtonValue(toOps.card, 'complaints.investigate')).toEqual({
      action: 'complaints.investigate',
      id: c!._id,
    });
    // a private card to 人防部 shows the client's number in full
    expect(JSON.stringify(toOps.card)).toContain('13712345678');
  });
});

describe('#21 on Lark: a step confirmation is a short card, the record one button away', () => {
  /** The lines a card shows (its markdown: the lines and the note), buttons aside. */
  function shownLines(card: Record<string, unknown>): string[] {
    const elements = (card as { body?: { elements?: { tag: string; content?: string }[] } }).body?.elements ?? [];
    return elements.filter((e) => e.tag === 'markdown').flatMap((e) => (e.content ?? '').split('\n'));
  }

  it('the registrant and 人防部 get ≤ 6 lines each with 查看详情, which shows the whole record', async () => {
    const id = await registerByCard();
    const registered = standin.cards(p2p(IDS.kefu)).find((x) => JSON.stringify(x.card).includes(`投诉已登记：${id}`))!;
    const toOps = await standin.waitFor(() => standin.cards(IDS.renfang)[0], 'the card to 人防部');
    for (const { card } of [registered, toOps]) {
      expect(shownLines(card).length, JSON.stringify(card)).toBeLessThanOrEqual(6);
      expect(JSON.stringify(card)).not.toContain('投诉缘由：');
      expect(findButtonValue(card, 'complaints.show')).toEqual({ action: 'complaints.show', id });
    }
    expect(shownLines(registered.card).join('\n')).toContain('下一步：');
    expect(findButtonValue(toOps.card, 'complaints.investigate')).toEqual({ action: 'complaints.investigate', id });

    const before = standin.cards(p2p(IDS.renfang)).length;
    await click(IDS.renfang, toOps.messageId, findButtonValue(toOps.card, 'complaints.show')!);
    const record = await standin.waitFor(
      () =>
        standin
          .cards(p2p(IDS.renfang))
          .slice(before)
          .find((x) => JSON.stringify(x.card).includes('—— 记录 ——')),
      'the whole record',
    );
    expect(JSON.stringify(record.card)).toContain('投诉缘由：夜班队员在岗睡觉');
  });
});

describe('§4.2 on Lark: a double click acts once', () => {
  it('two 客服 press 已告知客户受理 at the same moment: one is recorded, the other is told who did it', async () => {
    const id = await registerByCard();
    const card = standin.cards(p2p(IDS.kefu)).find((x) => JSON.stringify(x.card).includes(`投诉已登记：${id}`))!;
    const value = findButtonValue(card.card, 'complaints.told')!;
    const toasts = await Promise.all([click(IDS.kefu, card.messageId, value), click(IDS.kefu2, card.messageId, value)]);
    expect(toasts.filter((t) => t.includes('已记录'))).toHaveLength(1);
    expect(toasts.find((t) => !t.includes('已记录'))).toMatch(/王客服|周客服|已经确认过/);
    const c = await Complaint.findById(id).lean();
    expect(c!.history.filter((h) => h.action === '确认已告知客户受理')).toHaveLength(1);
  });
});

describe('§3.2 investigation on Lark cards', () => {
  it('a team leader cannot press 记录调查; 人防部 gets a form card and records the investigation', async () => {
    const id = await registerByCard();
    const toOps = await standin.waitFor(() => standin.cards(IDS.renfang)[0], 'the card to 人防部');
    const value = findButtonValue(toOps.card, 'complaints.investigate')!;

    const refused = await click(IDS.duizhang, toOps.messageId, value);
    expect(refused).toContain('没有权限');
    expect((await Complaint.findById(id).lean())!.status).toBe('registered');

    await click(IDS.renfang, toOps.messageId, value);
    const form = await standin.waitFor(
      () => standin.cards(p2p(IDS.renfang)).find((x) => formInputNames(x.card).includes('cause')),
      'the investigation form card',
    );
    expect(formInputNames(form.card)).toEqual(['cause', 'guards', 'teamLeader', 'measures']);
    const submit = findButtonValue(form.card, 'form.submit')!;
    expect(submit).toEqual({ action: 'form.submit', form: 'complaints.investigate', id });

    const bad = await click(IDS.renfang, form.messageId, submit, {
      cause: '疲劳',
      guards: '王麻子',
      teamLeader: '陈队长',
      measures: '调整排班',
    });
    expect(bad).toContain('红字');
    expect((await Complaint.findById(id).lean())!.status).toBe('registered');

    await click(IDS.renfang, form.messageId, submit, {
      cause: '疲劳',
      guards: '张三',
      teamLeader: '陈队长',
      measures: '调整排班',
    });
    const c = await Complaint.findById(id).lean();
    expect(c!.status).toBe('investigated');
    expect(c!.investigation).toMatchObject({ guards: ['张三'], teamLeader: '陈队长', by: { name: '刘人防' } });
    const toKefu = await standin.waitFor(
      () => standin.cards(IDS.kefu).find((x) => JSON.stringify(x.card).includes('待拟定处理')),
      'the card to 客服部',
    );
    expect(findButtonValue(toKefu.card, 'complaints.decide')).toEqual({ action: 'complaints.decide', id });
  });
});

describe('§3.1.9 on Lark: the 告知结果 card', () => {
  /** Opens the form card `text` starts and submits it with these values; returns the card and the toast. */
  async function submitCard(openId: string, text: string, values: Record<string, string>) {
    const before = standin.cards(p2p(openId)).length;
    await say(openId, text);
    const form = await standin.waitFor(
      () =>
        standin
          .cards(p2p(openId))
          .slice(before)
          .find((x) => findButtonValue(x.card, 'form.submit')),
      `the form card of ${text}`,
    );
    const submit = findButtonValue(form.card, 'form.submit')!;
    return { form, submit, toast: await click(openId, form.messageId, submit, values) };
  }

  it('refuses a 告知日期 before the case was accepted under its field and saves nothing; left empty it is today', async () => {
    const id = await registerByCard();
    await submitCard(IDS.renfang, `调查 ${id}`, {
      cause: '疲劳',
      guards: '无',
      teamLeader: '无',
      measures: '调整排班',
    });
    await submitCard(IDS.kefu, `处理投诉 ${id}`, {
      reasonable: '合理',
      handling: '更换队员',
      responsibility: '队员',
      plan: '队长查岗',
      deductionAmount: '500',
      deductionMonth: '2026-11',
    });
    expect((await Complaint.findById(id).lean())!.status).toBe('decided');
    // §4.4: the deduction accepted is the chairman's to confirm before the client is told (#20)
    await say(IDS.dongshi, `核准处理 ${id}`);
    expect((await Complaint.findById(id).lean())!.approval).toMatchObject({ status: 'approved' });

    const { form, submit, toast } = await submitCard(IDS.kefu, `告知结果 ${id}`, {
      content: '已更换队员',
      via: '电话',
      toldOn: '2020-01-01',
    });
    expect(toast).toContain('红字');
    const patched = await standin.waitFor(
      () =>
        standin
          .patches(form.messageId)
          .map((x) => JSON.stringify(x.content))
          .find((c) => c.includes('早于受理日期')),
      'the card with the 告知日期 refused',
    );
    expect(patched).toContain('告知日期 2020-01-01 早于受理日期');
    expect((await Complaint.findById(id).lean())!).toMatchObject({ status: 'decided', result: null, followUps: [] });

    await click(IDS.kefu, form.messageId, submit, { content: '已更换队员', via: '电话', toldOn: '' });
    const c = (await Complaint.findById(id).lean())!;
    expect(c.status).toBe('following_up');
    expect(c.result!.toldOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
