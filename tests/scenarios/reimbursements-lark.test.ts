import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButton, findButtonValue, type LarkStandin } from '../helpers/lark-standin.ts';
import { seedPeople } from '../helpers/reimbursement-people.ts';

/*
 * Reimbursements on Lark end to end: staff submit through form cards, approvers decide on interactive
 * cards; events are POSTed encrypted and signed to the bot's HTTP server, and every send and card
 * PATCH goes through the real SDK to the Open API stand-in.
 */

useDatabase('reimb_lark');

const say = (openId: string, text: string) => lark.say(openId, text);
const click: LarkBot['click'] = (...args) => lark.click(...args);

const OU = {
  zhang: 'ou_zhang',
  zhao: 'ou_zhao',
  wang: 'ou_wang',
  liu: 'ou_liu',
  li: 'ou_li',
  chen: 'ou_chen',
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
  await seedPeople('lark', OU);
});

/** The newest card sent to a chat or person whose JSON contains `marker`. */
async function cardWith(to: string, marker: string): Promise<{ messageId: string; card: Record<string, unknown> }> {
  return standin.waitFor(
    () =>
      standin
        .cards(to)
        .filter((c) => JSON.stringify(c.card).includes(marker))
        .at(-1),
    `a card with ${marker} to ${to}`,
  );
}

const texts = (openId: string) => standin.texts(openId).join('\n');

/** The last item form card sent to `openId`, as the form errors patched it in place (with `marker`). */
async function patchedFormWith(
  openId: string,
  marker: string,
): Promise<{ messageId: string; card: Record<string, unknown> }> {
  const form = standin
    .cards(p2p(openId))
    .filter((c) => findButtonValue(c.card, 'form.submit'))
    .at(-1)!;
  const card = await standin.waitFor(
    () =>
      standin
        .patches(form.messageId)
        .map((p) => p.content)
        .find((c) => JSON.stringify(c).includes(marker)),
    `the form card patched with ${marker}`,
  );
  return { messageId: form.messageId, card: card as Record<string, unknown> };
}

/** Fills the item form card and submits it; resolves with the toast. */
async function addItem(openId: string, form: Record<string, string>): Promise<string> {
  const before = standin.cards(p2p(openId)).length;
  await say(openId, '报销');
  const card = await standin.waitFor(
    () =>
      standin
        .cards(p2p(openId))
        .slice(before)
        .find((c) => findButtonValue(c.card, 'form.submit')),
    'the item form card',
  );
  return click(openId, card.messageId, findButtonValue(card.card, 'form.submit')!, {
    date: '2026-11-25',
    matter: '去万达广场送排班表',
    contact: '李经理',
    serials: '',
    travellers: '',
    ...form,
  });
}

/** Sends the receipt photo of the draft's last item (§3.5.3, #20), submits the draft with its card button; resolves with the claim number. */
let photos = 0;
async function submitDraft(openId: string): Promise<string> {
  await lark.photo(openId, `img_receipt_${++photos}`);
  const draft = await cardWith(p2p(openId), 'reimburse.submit');
  await click(openId, draft.messageId, findButtonValue(draft.card, 'reimburse.submit')!);
  const claim = await cardWith(p2p(openId), '报销单 BX-');
  return /BX-\d{8}-\d{3}/.exec(JSON.stringify(claim.card))![0];
}

/** An approver's card for `no` and step `label`, and its 批准 button. */
async function approvalCardOf(openId: string, label: string, no: string) {
  const card = await cardWith(openId, `${label} ${no}`);
  return {
    ...card,
    approve: findButtonValue(card.card, 'reimburse.approve'),
    reject: findButtonValue(card.card, 'reimburse.rejectAsk'),
  };
}

describe('submitting on Lark form cards', () => {
  it('refuses consecutive bus tickets for one traveller inline on the form card (§3.5.3), accepts them for two', async () => {
    const toast = await addItem(OU.zhang, { category: '公交', amount: '4', serials: '00123,00124', travellers: '1' });
    expect(toast).toContain('红字');
    const redo = await patchedFormWith(OU.zhang, '连号');
    expect(JSON.stringify(redo.card)).toContain('§3.5.3');
    // what was typed is kept
    expect(JSON.stringify(redo.card)).toContain('00123,00124');

    await click(OU.zhang, redo.messageId, findButtonValue(redo.card, 'form.submit')!, {
      date: '2026-11-25',
      category: '公交',
      amount: '4',
      matter: '两人去万达广场换岗',
      contact: '李经理',
      serials: '00123,00124',
      travellers: '2',
      companions: '李四',
    });
    const no = await submitDraft(OU.zhang);
    expect((await ReimbursementClaim.findById(no).lean())?.items[0]).toMatchObject({
      serials: ['00123', '00124'],
      travellers: 2,
    });
  });

  it('refuses a ticket serial already claimed as a duplicate (§3.5.3)', async () => {
    await addItem(OU.zhang, { category: '公交', amount: '2', serials: '55001', travellers: '1' });
    const first = await submitDraft(OU.zhang);
    await addItem(OU.zhao, { category: '公交', amount: '2', serials: '55001', travellers: '1' });
    const redo = await patchedFormWith(OU.zhao, '已报销过');
    expect(JSON.stringify(redo.card)).toContain(first);
    expect(await ReimbursementClaim.countDocuments()).toBe(1);
  });

  it("gives a four-month-old item the chairman's special-instruction card (§3.5.4)", async () => {
    await addItem(OU.zhang, { date: '2026-07-01', category: '餐费', amount: '30' });
    const no = await submitDraft(OU.zhang);
    for (const [who, label] of [
      [OU.wang, '综合部审核'],
      [OU.li, '财务部审查'],
    ] as const) {
      const c = await approvalCardOf(who, label, no);
      await click(who, c.messageId, c.approve!);
    }
    const special = await approvalCardOf(OU.chen, '董事长批示', no);
    expect(JSON.stringify(special.card)).toContain('需董事长批示');
    await click(OU.chen, special.messageId, special.approve!);
    await approvalCardOf(OU.chen, '董事长批准', no);
  });
});

describe('one confirmation before money moves (#21)', () => {
  it('asks before 提交报销 and 批准 in a Lark dialog that names the items, the claim number and the total', async () => {
    await addItem(OU.zhang, { category: '地铁', amount: '6', serials: 'M0601', travellers: '1' });
    const draft = await cardWith(p2p(OU.zhang), 'reimburse.submit');
    expect(findButton(draft.card, 'reimburse.submit')?.confirm).toEqual({
      title: { tag: 'plain_text', content: '确认提交报销？' },
      text: { tag: 'plain_text', content: '1 项明细，合计 ¥6.00，提交后送综合部审核。' },
    });
    // 继续添加 and 放弃 move no money: no dialog
    expect(findButton(draft.card, 'reimburse.addItem')?.confirm).toBeUndefined();
    const no = await submitDraft(OU.zhang);
    const review = await approvalCardOf(OU.wang, '综合部审核', no);
    expect(findButton(review.card, 'reimburse.approve')?.confirm).toEqual({
      title: { tag: 'plain_text', content: '确认批准？' },
      text: { tag: 'plain_text', content: `报销单 ${no}「综合部审核」：张三，合计 ¥6.00（1 项）。` },
    });
    expect(findButton(review.card, 'reimburse.rejectAsk')?.confirm).toBeUndefined();
  });
});

describe('approving on Lark cards (§3.5.1)', () => {
  it("takes a taxi claim through 综合部特批 (§3.5.2) and the whole chain to paid, updating every approver's card in place", async () => {
    await addItem(OU.zhang, { category: '出租车', amount: '35.5', matter: '夜间送受伤队员去医院' });
    const no = await submitDraft(OU.zhang);

    // both 综合部 members get the special-approval card; the claimant gets the record
    const special = await approvalCardOf(OU.wang, '综合部特批（§3.5.2）', no);
    const liuCopy = await approvalCardOf(OU.liu, '综合部特批（§3.5.2）', no);
    expect(JSON.stringify(special.card)).toContain('¥35.50');

    const toast = await click(OU.wang, special.messageId, special.approve!);
    expect(toast).toContain('已批准');
    // every copy of the step's card now says who did what and when
    for (const id of [special.messageId, liuCopy.messageId]) {
      const patch = await standin.waitFor(() => standin.patches(id)[0], `the update of ${id}`);
      expect(JSON.stringify(patch.content)).toContain('王综合 于 2026-');
      expect(findButtonValue(patch.content!, 'reimburse.approve')).toBeUndefined();
    }
    expect(texts(OU.zhang)).toContain('已通过「综合部特批（§3.5.2）」');

    // the special approval is its own decision: 综合部 still reviews
    const review = await approvalCardOf(OU.liu, '综合部审核', no);
    await click(OU.liu, review.messageId, review.approve!);
    const finance = await approvalCardOf(OU.li, '财务部审查', no);
    await click(OU.li, finance.messageId, finance.approve!);
    const chairman = await approvalCardOf(OU.chen, '董事长批准', no);
    await click(OU.chen, chairman.messageId, chairman.approve!);

    const payout = await cardWith(OU.li, `报销待发放 ${no}`);
    const pay = findButtonValue(payout.card, 'reimburse.pay')!;
    expect(await click(OU.li, payout.messageId, pay, { method: '飞鸽', date: '' })).toContain('付款方式');
    expect((await ReimbursementClaim.findById(no).lean())?.status).toBe('pending');
    // §3.5.1: a payout dated before the claim was submitted is refused under the date field
    expect(await click(OU.li, payout.messageId, pay, { method: '银行转账', date: '2020-01-01' })).toContain(
      '早于报销单提交日期',
    );
    const refused = await standin.waitFor(
      () =>
        standin
          .patches(payout.messageId)
          .map((x) => JSON.stringify(x.content))
          .find((c) => c.includes('早于报销单提交日期')),
      'the payout card with the date refused',
    );
    expect(refused).toContain('2020-01-01');
    expect(await ReimbursementClaim.findById(no).lean()).toMatchObject({ status: 'pending', paidOn: null });
    expect(await click(OU.li, payout.messageId, pay, { method: '银行转账', date: '' })).toContain('已登记');

    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.status).toBe('paid');
    expect(claim?.history.map((h) => `${h.byName}:${h.action}:${h.step}`)).toEqual([
      '张三:submitted:',
      '王综合:approved:综合部特批（§3.5.2）',
      '刘综合:approved:综合部审核',
      '李财务:approved:财务部审查',
      '陈董:approved:董事长批准',
      '李财务:paid:财务部发放',
    ]);
    expect(texts(OU.zhang)).toContain(`你的报销单 ${no} 已发放 ¥35.50：银行转账`);
  });

  it('sends a rejection with the reason typed on the card to the claimant (§3.5.1)', async () => {
    await addItem(OU.zhang, { category: '地铁', amount: '6', serials: 'M0601', travellers: '1' });
    const no = await submitDraft(OU.zhang);
    const card = await approvalCardOf(OU.wang, '综合部审核', no);
    await click(OU.wang, card.messageId, card.reject!);
    const form = await standin.waitFor(() => standin.patches(card.messageId).at(-1), 'the reason form');
    const submit = findButtonValue(form.content!, 'reimburse.reject')!;
    expect(submit).toMatchObject({ no });

    expect(await click(OU.wang, card.messageId, submit, { reason: '' })).toContain('必须写明原因');
    expect((await ReimbursementClaim.findById(no).lean())?.status).toBe('pending');

    expect(await click(OU.wang, card.messageId, submit, { reason: '地铁票没有接洽人签字' })).toContain('已驳回');
    await standin.waitFor(() => texts(OU.zhang).includes('原因：地铁票没有接洽人签字'), 'the claimant to be told');
    expect(texts(OU.zhang)).toContain('被 王综合 驳回');
    const liuCopy = await approvalCardOf(OU.liu, '综合部审核', no);
    const patch = await standin.waitFor(() => standin.patches(liuCopy.messageId)[0], 'the other copy updated');
    expect(JSON.stringify(patch.content)).toContain('地铁票没有接洽人签字');
    expect((await ReimbursementClaim.findById(no).lean())?.status).toBe('rejected');
  });

  it("refuses a click from the wrong role and on one's own claim, and changes nothing", async () => {
    await addItem(OU.zhang, { category: '地铁', amount: '6', serials: 'M0601', travellers: '1' });
    const no = await submitDraft(OU.zhang);
    const card = await approvalCardOf(OU.wang, '综合部审核', no);
    expect(await click(OU.li, card.messageId, card.approve!)).toContain('需要综合部处理');
    expect(await click(OU.zhang, card.messageId, card.approve!)).toContain('没有权限');

    await addItem(OU.wang, { category: '地铁', amount: '8', serials: 'M0801', travellers: '1' });
    const own = await submitDraft(OU.wang);
    const liuCard = await approvalCardOf(OU.liu, '综合部审核', own);
    expect(await click(OU.wang, liuCard.messageId, liuCard.approve!)).toContain('不能审批自己的报销单');
    for (const c of [card, liuCard]) expect(standin.patches(c.messageId)).toHaveLength(0);
    for (const n of [no, own]) expect((await ReimbursementClaim.findById(n).lean())?.version).toBe(0);
  });

  it('gives one decision when both 综合部 members click 批准 at once, and a double click', async () => {
    await addItem(OU.zhang, { category: '地铁', amount: '6', serials: 'M0601', travellers: '1' });
    const no = await submitDraft(OU.zhang);
    const a = await approvalCardOf(OU.wang, '综合部审核', no);
    const b = await approvalCardOf(OU.liu, '综合部审核', no);
    const toasts = await Promise.all([
      click(OU.wang, a.messageId, a.approve!),
      click(OU.wang, a.messageId, a.approve!),
      click(OU.liu, b.messageId, b.approve!),
      click(OU.liu, b.messageId, b.approve!),
    ]);
    expect(toasts.filter((t) => t.startsWith('已批准'))).toHaveLength(1);
    for (const t of toasts.filter((x) => !x.startsWith('已批准'))) expect(t).toMatch(/已由 (王综合|刘综合) 于 .* 批准/);
    const claim = await ReimbursementClaim.findById(no).lean();
    expect(claim?.version).toBe(1);
    expect(claim?.history.filter((h) => h.action === 'approved')).toHaveLength(1);
    expect(standin.cards(OU.li).filter((c) => JSON.stringify(c.card).includes(`财务部审查 ${no}`))).toHaveLength(1);
  });

  it('lets every approver see the receipt photos: 查看票据照片 forwards each photo message to them (§3.5.3, #20)', async () => {
    await addItem(OU.zhang, { category: '办公用品', amount: '50', matter: '监控室打印纸' });
    await lark.photo(OU.zhang, 'img_paper_1', 'om_paper_1');
    const no = await submitDraft(OU.zhang);
    const card = await approvalCardOf(OU.wang, '综合部审核', no);
    // the short card counts them on its button (#21)
    expect(JSON.stringify(card.card)).toContain('查看票据照片（2 张）');
    const show = findButtonValue(card.card, 'reimburse.photos');
    expect(show).toMatchObject({ no });
    await click(OU.wang, card.messageId, show!);
    // the answer goes to the approver's chat with the bot: the card listing them, then each photo message
    await standin.waitFor(
      () => standin.forwards(p2p(OU.wang)).length === 2,
      'both photo messages forwarded to the approver',
    );
    expect(standin.forwards(p2p(OU.wang)).map((f) => f.messageId)).toEqual([
      'om_paper_1',
      `om_photo_img_receipt_${photos}`,
    ]);
    expect(await cardWith(p2p(OU.wang), `报销单 ${no} 的票据照片`)).toBeDefined();
  });
});
