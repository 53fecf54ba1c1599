import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SupplyReport, SupplyRequest } from '../../handlers/supplies/models.ts';
import { supplyReminder, supplySummary } from '../../schedules/supplies.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formInputNames, type LarkStandin } from '../helpers/lark-standin.ts';
import { CHENGNAN, REPORT_DAY, SUMMARY_DAY, seedLists, seedPeople, WANDA } from '../helpers/supplies.ts';

/*
 * Supplies on Lark end to end (§4.2): the monthly reminder fired for its slot, the team leader's
 * report on a form card, 综合部's cards and a double-clicked approval — events POSTed encrypted and
 * signed to the bot's HTTP server, answers through the real SDK to the Open API stand-in.
 */

useDatabase('supplies_lark');

const OU = { chen: 'ou_chen', zhou: 'ou_zhou', zhao: 'ou_zhao', qian: 'ou_qian', zhang: 'ou_zhang' } as const;

let lark: LarkBot;
let standin: LarkStandin;
let clock = REPORT_DAY;

beforeAll(async () => {
  lark = await startLarkBot({}, { now: () => clock });
  standin = lark.standin;
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  standin.reset();
  clock = REPORT_DAY;
  await seedPeople('lark', OU);
  await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
});

const deps = () => ({ ...lark.bot.services, recoverInbox: async () => 0 });

async function cardWith(to: string, marker: string) {
  return standin.waitFor(
    () =>
      standin
        .cards(to)
        .filter((c) => JSON.stringify(c.card).includes(marker))
        .at(-1),
    `a card with ${marker} to ${to}`,
  );
}

/** The leader opens the report form card and submits it with `form`; resolves with the form card. */
async function fileReport(form: Record<string, string>) {
  await lark.say(OU.chen, '物资月报');
  const card = await cardWith(p2p(OU.chen), 'supplies.report');
  await lark.click(OU.chen, card.messageId, findButtonValue(card.card, 'supplies.report')!, form);
  return card;
}

describe('§4.2 物资管理月报 on Lark', () => {
  it("reminds each team leader once for the month at the report day's slot", async () => {
    clock = new Date(REPORT_DAY.getTime() - 15 * 60_000);
    await supplyReminder.run(deps(), clock);
    clock = REPORT_DAY;
    await supplyReminder.run(deps(), clock);
    await supplyReminder.run(deps(), new Date(clock.getTime() + 15 * 60_000));
    const got = await standin.waitFor(
      () =>
        standin
          .texts(OU.zhou)
          .filter((t) => t.includes('物资管理月报'))
          .at(0),
      'the reminder to 周队长',
    );
    expect(got).toContain('城南小区 2026-11');
    await standin.waitFor(
      () => standin.texts(OU.chen).some((t) => t.includes('万达广场 2026-11')),
      'the reminder to 陈队长',
    );
    for (const ou of [OU.chen, OU.zhou])
      expect(standin.texts(ou).filter((t) => t.includes('物资管理月报'))).toHaveLength(1);
    expect(standin.texts(OU.zhang)).toEqual([]);
  });

  it('takes the report on a form card and flags a shortage against the configured quantity for 综合部', async () => {
    const card = await fileReport({
      i0: '5 0 1 0 一台摔坏',
      i1: '8',
      extra: '',
      requests: '对讲机 1 补齐配置',
      note: '',
    });
    expect(formInputNames(card.card)).toEqual(['i0', 'i1', 'extra', 'requests', 'note']);
    // the submitted form card becomes the filed report
    const filed = await standin.waitFor(() => standin.patches(card.messageId).at(-1), 'the form card updated');
    expect(JSON.stringify(filed.content)).toContain('已提交，已送综合部；申领 1 项等待综合部审批');
    // submitting the same card again files nothing more
    await lark.click(OU.chen, card.messageId, findButtonValue(card.card, 'supplies.report')!, { i0: '6', i1: '8' });
    await standin.waitFor(
      () => standin.patches(card.messageId).some((p) => JSON.stringify(p.content).includes('不能重复提交')),
      'the second submit refused',
    );

    const office = await cardWith(OU.zhao, '物资管理月报：万达广场 2026-11');
    const text = JSON.stringify(office.card);
    expect(text).toContain('对讲机 短缺 1台（现有 5，配置 6）');
    expect(text).toContain('对讲机 损坏 1台（一台摔坏）');
    expect(text).not.toContain('手电筒 短缺');
    const request = await cardWith(OU.qian, '物资申领待审批 WZ-20261125-001');
    expect(JSON.stringify(request.card)).toContain('现有 5，配置 6');
    expect(await SupplyReport.countDocuments()).toBe(1);
    expect(await SupplyRequest.countDocuments()).toBe(1);
  });

  it('shows a report with an item left empty again on its card, with what was typed, and files nothing', async () => {
    const card = await fileReport({ i0: '5', i1: '', requests: '对讲机 2 补齐' });
    const patched = await standin.waitFor(() => standin.patches(card.messageId).at(-1), 'the form card patched');
    const json = JSON.stringify(patched.content);
    expect(json).toContain('手电筒：请写现有库存数量');
    expect(json).toContain('对讲机 2 补齐');
    expect(await SupplyReport.countDocuments()).toBe(0);
    expect(await SupplyRequest.countDocuments()).toBe(0);
  });

  it('refuses a negative count on the form card (6 0 -1 0) with the error on the card, instead of filing 与配置一致', async () => {
    const card = await fileReport({ i0: '6 0 -1 0', i1: '8', extra: '', requests: '', note: '' });
    const patched = await standin.waitFor(() => standin.patches(card.messageId).at(-1), 'the form card patched');
    const json = JSON.stringify(patched.content);
    expect(json).toContain('对讲机：损坏不能是负数');
    expect(json).not.toContain('与配置一致');
    // the card is the form again, with what was typed
    expect(formInputNames(patched.content!)).toEqual(['i0', 'i1', 'extra', 'requests', 'note']);
    expect(json).toContain('6 0 -1 0');
    expect(await SupplyReport.countDocuments()).toBe(0);
    expect(standin.cards(OU.zhao).some((c) => JSON.stringify(c.card).includes('物资管理月报：万达广场'))).toBe(false);
  });

  it('does not misread a form card whose list 综合部 changed meanwhile: it asks again on the new list', async () => {
    await lark.say(OU.chen, '物资月报');
    const card = await cardWith(p2p(OU.chen), 'supplies.report');
    await lark.say(OU.zhao, '设置配置 万达广场 警棍 6根');
    expect(
      await lark.click(OU.chen, card.messageId, findButtonValue(card.card, 'supplies.report')!, { i0: '6', i1: '8' }),
    ).toContain('配置清单有变动');
    const fresh = await standin.waitFor(() => standin.patches(card.messageId).at(-1), 'the new form');
    expect(formInputNames(fresh.content!)).toEqual(['i0', 'i1', 'i2', 'extra', 'requests', 'note']);
    expect(JSON.stringify(fresh.content)).toContain('警棍（配置 6根）');
    expect(await SupplyReport.countDocuments()).toBe(0);
  });

  it('approves a request once when 综合部 double-clicks and both members click at once; every copy shows who decided', async () => {
    await fileReport({ i0: '5', i1: '8', requests: '对讲机 1 补齐配置' });
    const no = 'WZ-20261125-001';
    const a = await cardWith(OU.zhao, `物资申领待审批 ${no}`);
    const b = await cardWith(OU.qian, `物资申领待审批 ${no}`);
    const approveA = findButtonValue(a.card, 'supplies.approve')!;
    const approveB = findButtonValue(b.card, 'supplies.approve')!;
    const toasts = await Promise.all([
      lark.click(OU.zhao, a.messageId, approveA),
      lark.click(OU.zhao, a.messageId, approveA),
      lark.click(OU.qian, b.messageId, approveB),
    ]);
    expect(toasts.filter((t) => t.startsWith('已批准'))).toHaveLength(1);
    for (const t of toasts.filter((x) => !x.startsWith('已批准')))
      expect(t).toMatch(/已由 (赵综合|钱综合) 于 .* 批准，无需重复操作/);
    expect(await SupplyRequest.findById(no).lean()).toMatchObject({ status: 'approved', version: 1 });
    for (const id of [a.messageId, b.messageId]) {
      const patch = await standin.waitFor(() => standin.patches(id).at(-1), `the update of ${id}`);
      expect(JSON.stringify(patch.content)).toMatch(/(赵综合|钱综合) 于 2026-11-25 09:00 批准/);
      expect(findButtonValue(patch.content!, 'supplies.approve')).toBeUndefined();
    }
    await standin.waitFor(
      () => standin.texts(OU.chen).some((t) => t.includes(`${no}（对讲机 1台）已由综合部`)),
      'the leader to be told',
    );
    expect(standin.texts(OU.chen).filter((t) => t.includes(no))).toHaveLength(1);
  });

  it("lists the post that did not report in 综合部's summary, once", async () => {
    await fileReport({ i0: '6', i1: '8' });
    await cardWith(OU.zhao, '物资管理月报：万达广场');
    clock = SUMMARY_DAY;
    await supplySummary.run(deps(), clock);
    await supplySummary.run(deps(), new Date(clock.getTime() + 15 * 60_000));
    const summary = await cardWith(OU.zhao, '物资管理月报汇总 2026-11');
    const text = JSON.stringify(summary.card);
    expect(text).toContain('已报 1 / 2 个驻点');
    expect(text).toContain('万达广场（陈队长）：与配置一致');
    expect(text).toContain('未报驻点：城南小区');
    expect(standin.cards(OU.zhao).filter((c) => JSON.stringify(c.card).includes('物资管理月报汇总'))).toHaveLength(1);
  });
});

describe('§4.2 refusing a request on Lark', () => {
  it('asks for the reason on the card, refuses without one, and tells the leader the reason', async () => {
    await fileReport({ i0: '6', i1: '8', requests: '警棍 2 新队员' });
    const no = 'WZ-20261125-001';
    const card = await cardWith(OU.qian, `物资申领待审批 ${no}`);
    expect(await lark.click(OU.chen, card.messageId, findButtonValue(card.card, 'supplies.refuseAsk')!)).toContain(
      '没有权限',
    );
    await lark.click(OU.qian, card.messageId, findButtonValue(card.card, 'supplies.refuseAsk')!);
    const form = await standin.waitFor(() => standin.patches(card.messageId).at(-1), 'the reason form');
    const submit = findButtonValue(form.content!, 'supplies.refuse')!;
    expect(await lark.click(OU.qian, card.messageId, submit, { reason: '' })).toContain('必须写明原因');
    expect((await SupplyRequest.findById(no).lean())?.status).toBe('pending');

    expect(await lark.click(OU.qian, card.messageId, submit, { reason: '警棍库存充足，先调剂' })).toContain(
      `已拒绝 ${no}`,
    );
    await standin.waitFor(
      () => standin.texts(OU.chen).some((t) => t.includes('原因：警棍库存充足，先调剂')),
      'the leader told why',
    );
    // 赵综合's copy now shows the refusal, without buttons
    const other = await cardWith(OU.zhao, `物资申领待审批 ${no}`);
    const patch = await standin.waitFor(() => standin.patches(other.messageId).at(-1), 'the other copy updated');
    expect(JSON.stringify(patch.content)).toContain('钱综合 于 2026-11-25 09:00 拒绝，原因：警棍库存充足，先调剂');
    expect(findButtonValue(patch.content!, 'supplies.approve')).toBeUndefined();
  });
});
