import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { Accident, Permit, Trip, Vehicle } from '../../handlers/vehicles/models.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formInputNames, type LarkStandin } from '../helpers/lark-standin.ts';
import { PLATE, seedPeople } from '../helpers/vehicles.ts';

/*
 * Vehicles (§3.4) on Lark end to end: form cards and buttons POSTed encrypted and signed to the bot's
 * HTTP server, every answer through the real SDK to the Open API stand-in, on the real database.
 */

useDatabase('vehicles_lark');

const OU = {
  zonghe: 'ou_zonghe',
  siji: 'ou_siji',
  duiyuan: 'ou_duiyuan',
  caiwu: 'ou_caiwu',
  renfang: 'ou_renfang',
} as const;

let lark: LarkBot;
let standin: LarkStandin;
const say = (openId: string, text: string) => lark.say(openId, text);
const click: LarkBot['click'] = (...args) => lark.click(...args);

beforeAll(async () => {
  lark = await startLarkBot();
  standin = lark.standin;
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  standin.reset();
  await seedPeople('lark', OU, ['zonghe', 'siji', 'duiyuan', 'caiwu', 'renfang']);
});

/** The newest card to a chat or person whose JSON contains `marker`. */
const cardWith = (to: string, marker: string) =>
  standin.waitFor(
    () =>
      standin
        .cards(to)
        .filter((c) => JSON.stringify(c.card).includes(marker))
        .at(-1),
    `a card with ${marker} to ${to}`,
  );
const texts = (to: string) => standin.texts(to).join('\n');

/** Sends `command`, then fills and submits the form card it answers with; resolves with the toast. */
async function formByCard(openId: string, command: string, values: Record<string, string>): Promise<string> {
  const before = standin.cards(p2p(openId)).length;
  await say(openId, command);
  const form = await standin.waitFor(
    () =>
      standin
        .cards(p2p(openId))
        .slice(before)
        .find((c) => findButtonValue(c.card, 'form.submit')),
    `the form card of ${command}`,
  );
  return click(openId, form.messageId, findButtonValue(form.card, 'form.submit')!, values);
}

async function registerAndPermit(): Promise<void> {
  await formByCard(OU.zonghe, '登记车辆', {
    plate: '粤b 12345',
    model: '金杯海狮',
    post: '万达广场',
    drivers: '张司机',
    odometer: '10000',
    maintainedOn: '',
  });
  expect(await Vehicle.findById(PLATE).lean()).toMatchObject({ odometer: 10000, drivers: [{ name: '张司机' }] });
  await formByCard(OU.zonghe, '发准驾证', {
    holder: '张司机',
    vehicles: PLATE,
    number: 'ZJ-2026-001',
    assessedOn: '今天',
    expiresOn: '2099-12-31',
    assessor: '王综合',
  });
  expect(await Permit.findById('ZJ-2026-001').lean()).toMatchObject({
    holder: { name: '张司机' },
    vehicles: [PLATE],
    status: 'active',
  });
}

describe('§3.4.1 on Lark: registry and permit on form cards', () => {
  it('shows every field of the permit; refuses an expiry already past inline, then issues it and tells the holder', async () => {
    await formByCard(OU.zonghe, '登记车辆', {
      plate: PLATE,
      model: '金杯海狮',
      post: '',
      drivers: '',
      odometer: '10000',
      maintainedOn: '',
    });
    await say(OU.zonghe, '发准驾证');
    const form = await cardWith(p2p(OU.zonghe), 'vehicles.permit');
    expect(formInputNames(form.card)).toEqual(['holder', 'vehicles', 'number', 'assessedOn', 'expiresOn', 'assessor']);
    const submit = findButtonValue(form.card, 'form.submit')!;
    const values = {
      holder: '张司机',
      vehicles: PLATE,
      number: 'ZJ-2026-001',
      assessedOn: '今天',
      expiresOn: '2020-01-01',
      assessor: '王综合',
    };
    expect(await click(OU.zonghe, form.messageId, submit, values)).toContain('红字');
    expect(JSON.stringify(standin.patches(form.messageId)[0]?.content)).toContain('已经过了');
    expect(await Permit.countDocuments()).toBe(0);
    await click(OU.zonghe, form.messageId, submit, { ...values, expiresOn: '2099-12-31' });
    expect(await Permit.findById('ZJ-2026-001').lean()).toMatchObject({
      expiresOn: '2099-12-31',
      assessor: '王综合',
      issuedBy: { name: '王综合' },
    });
    await standin.waitFor(() => texts(OU.siji).includes('准驾证 ZJ-2026-001'), 'the holder to be told');
  });
});

describe('§3.4.2 on Lark: only permit holders drive', () => {
  it('refuses a trip by a non-holder with the clause, asks nothing, and 综合部 gets a card at once', async () => {
    await registerAndPermit();
    const before = standin.cards(p2p(OU.duiyuan)).length;
    await say(OU.duiyuan, `出车 ${PLATE}`);
    const refusal = await standin.waitFor(
      () => standin.texts(p2p(OU.duiyuan)).find((t) => t.includes('不能出车')),
      'the refusal',
    );
    expect(refusal).toContain('§3.4.2');
    expect(refusal).toContain('没有准驾证');
    const alert = await cardWith(OU.zonghe, `无准驾证人员试图出车：${PLATE}`);
    expect(JSON.stringify(alert.card)).toContain('李队员');
    expect(
      standin
        .cards(p2p(OU.duiyuan))
        .slice(before)
        .filter((c) => findButtonValue(c.card, 'form.submit')),
    ).toHaveLength(0);
    expect(await Trip.countDocuments()).toBe(0);
  });
});

describe('§3.4.5 on Lark: trip costs become a claim in the §3.5 chain', () => {
  it('start and end on form cards, one click puts the costs in the draft, submit sends it to 综合部, who approves on to 财务部', async () => {
    await registerAndPermit();
    await formByCard(OU.siji, `出车 ${PLATE}`, {
      startOdometer: '10000',
      purpose: '接送夜班队员',
      route: '公司→万达广场',
    });
    const trip = await Trip.findOne({ status: 'open' }).lean();
    expect(trip).toMatchObject({ plate: PLATE, startOdometer: 10000, driver: { name: '张司机' } });

    const toast = await formByCard(OU.siji, '收车', {
      endOdometer: '9990',
      fuel: '',
      toll: '',
      parking: '',
      repair: '',
      note: '',
    });
    expect(toast).toContain('红字');
    expect((await Trip.findById(trip!._id).lean())!.status).toBe('open');
    await formByCard(OU.siji, '收车', {
      endOdometer: '10042',
      fuel: '200',
      toll: '15.5',
      parking: '',
      repair: '',
      note: '',
    });
    const ended = await cardWith(p2p(OU.siji), `已收车：${trip!._id}`);

    await click(OU.siji, ended.messageId, findButtonValue(ended.card, 'vehicles.claimTrip')!);
    const draft = await cardWith(p2p(OU.siji), '报销草稿');
    expect(JSON.stringify(draft.card)).toContain(`出车 ${trip!._id}`);
    expect(await click(OU.siji, ended.messageId, findButtonValue(ended.card, 'vehicles.claimTrip')!)).toContain(
      '已经在你的报销草稿里',
    );

    // §3.5.3 each item carries its receipt photo (#20): 补票据 n, then the photo
    await say(OU.siji, '补票据 1');
    await lark.photo(OU.siji, 'img_fuel');
    await say(OU.siji, '补票据 2');
    await lark.photo(OU.siji, 'img_toll');
    await click(OU.siji, draft.messageId, findButtonValue(draft.card, 'reimburse.submit')!);
    // the click resolves once the bot has processed it: the claim is there or it never will be
    const claim = await ReimbursementClaim.findOne().lean();
    expect(claim).toMatchObject({
      status: 'pending',
      currentRole: 'general_affairs',
      total: 21550,
      claimantName: '张司机',
    });
    expect(claim!.items.map((i) => i.matter)).toEqual([
      `出车 ${trip!._id} ${PLATE}：接送夜班队员（油费）`,
      `出车 ${trip!._id} ${PLATE}：接送夜班队员（过路费）`,
    ]);

    const review = await cardWith(OU.zonghe, `综合部审核 ${claim!._id}`);
    expect(await click(OU.zonghe, review.messageId, findButtonValue(review.card, 'reimburse.approve')!)).toContain(
      '已批准',
    );
    await cardWith(OU.caiwu, `财务部审查 ${claim!._id}`);
  });
});

describe('§3.4.4 on Lark: an accident reaches 人防部 at once', () => {
  it('the driver reports on a form card; 人防部 gets a card with 已知悉; one click acknowledges, the card loses its button and the driver is told', async () => {
    await registerAndPermit();
    await formByCard(OU.siji, `出车 ${PLATE}`, { startOdometer: '10000', purpose: '接送夜班队员', route: '' });
    await formByCard(OU.siji, '事故报备', {
      plate: PLATE,
      occurred: '刚才',
      place: '城南路口',
      injuries: '无人受伤',
      damage: '前保险杠凹陷',
      account: '',
    });
    const a = await Accident.findOne().lean();
    expect(a).toMatchObject({ plate: PLATE, status: 'reported', trip: expect.stringMatching(/^CL-/) });
    const card = await cardWith(OU.renfang, `交通事故报备：${PLATE}`);
    const ack = findButtonValue(card.card, 'vehicles.accidentAck')!;
    expect(ack).toEqual({ action: 'vehicles.accidentAck', no: a!._id });
    expect(await click(OU.zonghe, card.messageId, ack)).toContain('没有权限');
    expect(await click(OU.renfang, card.messageId, ack)).toContain('已确认知悉');
    const patch = await standin.waitFor(() => standin.patches(card.messageId)[0], 'the card updated in place');
    expect(JSON.stringify(patch.content)).toContain('刘人防 已知悉');
    expect(findButtonValue(patch.content!, 'vehicles.accidentAck')).toBeUndefined();
    await standin.waitFor(() => texts(OU.siji).includes('人防部 刘人防 已知悉'), 'the driver to be told');
    expect((await Accident.findById(a!._id).lean())?.acknowledged?.by?.name).toBe('刘人防');
  });
});
