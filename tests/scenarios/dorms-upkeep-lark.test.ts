import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eveningStep } from '../../handlers/dorms/evening.ts';
import { HygieneEvaluation, RentReport, RollCall } from '../../handlers/dorms/models.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { DORM_PEOPLE, type DormWho, seedDormPeople, seedLeaders, sh } from '../helpers/dorms.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formInputNames, type LarkStandin, renderedText } from '../helpers/lark-standin.ts';

/*
 * Hygiene evaluations, rent reports and a double tap through Lark for real: form cards submitted
 * signed and encrypted, cards to 综合部/财务部 through the SDK to the stand-in.
 */

useDatabase('dorms_upkeep_lark');

const OPEN_IDS = Object.fromEntries(Object.keys(DORM_PEOPLE).map((k) => [k, `ou_${k}`])) as Record<DormWho, string>;
const ACCOUNT = '6222021234567890123';
let lark: LarkBot;
let standin: LarkStandin;
let clock = sh('10:00');

beforeAll(async () => {
  lark = await startLarkBot({}, { now: () => clock });
  standin = lark.standin;
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  standin.reset();
  clock = sh('10:00');
  await seedLeaders(await seedDormPeople('lark', OPEN_IDS));
});

/** The form card the bot sent `who` in their private chat whose inputs include `input`. */
const formCard = (who: DormWho, input: string) =>
  standin.waitFor(
    () => standin.cards(p2p(OPEN_IDS[who])).find((c) => formInputNames(c.card).includes(input)),
    `the form card with ${input}`,
  );

describe('§3.3.2 a hygiene evaluation on a Lark form card', () => {
  it('shows the §3.3.1 checklist, refuses a mark that is not 合格/不合格 inline, records the evaluation and ranks it', async () => {
    await lark.say(OPEN_IDS.chen, '卫生检查');
    const form = await formCard('chen', 'bed');
    expect(formInputNames(form.card)).toEqual(['bed', 'sheet', 'quilt', 'cap', 'items', 'air', 'score', 'notes']);
    const submit = findButtonValue(form.card, 'form.submit')!;
    expect(submit).toEqual({ action: 'form.submit', form: 'dorms.hygiene', dorm: '城南宿舍' });
    const marks = {
      bed: '合格',
      sheet: '合格',
      quilt: '不合格',
      cap: '合格',
      items: '合格',
      air: '合格',
      score: '',
      notes: '被子没叠好',
    };
    expect(await lark.click(OPEN_IDS.chen, form.messageId, submit, { ...marks, air: '一般' })).toContain('红字');
    expect(await HygieneEvaluation.countDocuments()).toBe(0);
    await lark.click(OPEN_IDS.chen, form.messageId, submit, marks);
    const e = await HygieneEvaluation.findOne().lean();
    expect(e).toMatchObject({ dorm: '城南宿舍', score: 83, notes: '被子没叠好', inspector: { name: '陈队长' } });
    await lark.say(OPEN_IDS.zonghe, '卫生评比 2026-11');
    const rank = await standin.waitFor(
      () => standin.texts(p2p(OPEN_IDS.zonghe)).find((t) => t.includes('宿舍卫生评比')),
      'the ranking',
    );
    // #20: 陈队长 leads 城南宿舍, so his evaluation is a self-check, shown and not ranked
    expect(rank).toContain('• 城南宿舍：本期未评比（仅队长自查 1 次，平均 83 分，不计入排名）');
  });
});

describe('§3.3.4 a rent report on Lark', () => {
  it('masks the account for the leader, shows it in full to 综合部 and 财务部, and 财务部 marks it paid with one tap', async () => {
    // October was paid to the same landlord and account: no 综合部 confirmation is needed (rent-payee.test.ts)
    await RentReport.create({
      _id: '2026-10:城南宿舍',
      dorm: '城南宿舍',
      period: '2026-10',
      amountFen: 350000,
      landlord: '王房东',
      bank: '工商银行城南支行',
      account: ACCOUNT,
      reportedBy: { staffId: '', name: '陈队长' },
      reportedAt: new Date('2026-10-01T10:00:00+08:00'),
      paid: {
        method: '银行转账',
        date: '2026-10-05',
        by: { staffId: '', name: '孙财务' },
        at: new Date('2026-10-05T10:00:00+08:00'),
      },
    });
    await lark.say(OPEN_IDS.chen, '房租申报');
    const form = await formCard('chen', 'account');
    const submit = findButtonValue(form.card, 'form.submit')!;
    await lark.click(OPEN_IDS.chen, form.messageId, submit, {
      period: '2026-11',
      amount: '3500',
      landlord: '王房东',
      bank: '工商银行城南支行',
      account: ACCOUNT,
      note: '',
    });
    expect(await RentReport.countDocuments()).toBe(2);
    const toLeader = standin.requests.filter((r) =>
      [p2p(OPEN_IDS.chen), OPEN_IDS.chen].includes(String(r.body.receive_id)),
    );
    const all = JSON.stringify(toLeader.map((r) => r.content));
    // what the leader reads: the stars of the mask, not markdown escapes around them
    const seen = toLeader
      .map((r) => (r.body.msg_type === 'interactive' ? renderedText(r.content!) : String(r.content?.text ?? '')))
      .join('\n');
    expect(seen).toMatch(/账号：6222 \*{4} \*{4} 0123/);
    // neither the reply nor the submitted form card shows the number in full to the leader
    expect(all + JSON.stringify(standin.patches(form.messageId).map((p) => p.content))).not.toContain(ACCOUNT);

    const toGa = await standin.waitFor(() => standin.cards(OPEN_IDS.zonghe)[0], 'the card to 综合部');
    expect(JSON.stringify(toGa.card)).toContain(ACCOUNT);
    expect(findButtonValue(toGa.card, 'dorms.rentPaid')).toBeUndefined();
    const toFinance = await standin.waitFor(() => standin.cards(OPEN_IDS.caiwu)[0], 'the card to 财务部');
    expect(JSON.stringify(toFinance.card)).toContain(ACCOUNT);
    const paid = findButtonValue(toFinance.card, 'dorms.rentPaid')!;

    expect(await lark.click(OPEN_IDS.zonghe, toFinance.messageId, paid)).toContain('没有权限');
    const toasts = await Promise.all([
      lark.click(OPEN_IDS.caiwu, toFinance.messageId, paid),
      lark.click(OPEN_IDS.caiwu, toFinance.messageId, paid),
    ]);
    expect(toasts.filter((t) => t.startsWith('已登记'))).toHaveLength(1);
    expect((await RentReport.findById('2026-11:城南宿舍').lean())!.paid).toMatchObject({
      method: '银行转账',
      by: { name: '孙财务' },
    });
    expect(JSON.stringify(standin.patches(toFinance.messageId).at(-1)?.content)).toContain('已付款');
    await standin.waitFor(
      () => standin.texts(OPEN_IDS.chen).find((t) => t.includes('已于 2026-11-27 银行转账付给房东')),
      'the leader told',
    );
  });
});

describe('§3.3.3 nothing done twice on Lark', () => {
  it('a double tap on 全部已归 records one report', async () => {
    clock = sh('21:45');
    await eveningStep(lark.bot.services, clock);
    const card = standin.cards(OPEN_IDS.chen).find((c) => JSON.stringify(c.card).includes('查房：'))!;
    clock = sh('22:00');
    const value = findButtonValue(card.card, 'dorms.allPresent')!;
    const toasts = await Promise.all([
      lark.click(OPEN_IDS.chen, card.messageId, value),
      lark.click(OPEN_IDS.chen, card.messageId, value),
    ]);
    expect(toasts.filter((t) => t.startsWith('已上报'))).toHaveLength(1);
    // the other was either beaten to the same version or saw the same answer already saved
    expect(toasts.filter((t) => /没有保存|没有重复记录/.test(t))).toHaveLength(1);
    expect((await RollCall.findById('2026-11-27:城南宿舍').lean())!.history).toHaveLength(1);
  });
});
