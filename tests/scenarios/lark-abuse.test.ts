import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InboundEvent, Staff } from '../../src/models/index.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { waitProcessed } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { cardActionEvent, encryptText, messageEvent, signBody } from '../helpers/lark-standin.ts';

/*
 * Hostile webhook requests against the real receiver, app and database: signed but replayed, and
 * authenticated payloads the database cannot store. Each is refused with nothing recorded; a
 * normal event sent afterwards shows the bot still serving.
 */

useDatabase('lark_abuse');

const ADMIN = 'ou_admin';
let lark: LarkBot;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  lark.standin.reset();
});

/** POSTs JSON text encrypted and signed with the bot's keys, at the given request timestamp. */
async function postPlain(plain: string, timestamp = String(Math.floor(Date.now() / 1000))): Promise<number> {
  const body = JSON.stringify({ encrypt: encryptText(plain, lark.encryptKey) });
  const headers = { 'content-type': 'application/json; charset=utf-8', ...signBody(body, lark.encryptKey, timestamp) };
  const res = await fetch(lark.webhookUrl, { method: 'POST', body, headers });
  await res.text();
  return res.status;
}

/** `n` levels of arrays as JSON text, which JSON.stringify cannot produce from an object that deep. */
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

async function stillServes(): Promise<void> {
  const before = lark.standin.cards(p2p(ADMIN)).length;
  await lark.say(ADMIN, '帮助');
  // 帮助 on Lark is a card (issue 13)
  const help = await lark.standin.waitFor(() => lark.standin.cards(p2p(ADMIN))[before], 'the help card');
  expect(JSON.stringify(help.card)).toContain('绑定码');
}

describe('replayed Lark requests', () => {
  it('refuses a signed event stamped 30 days ago, 2 hours ahead or not at all, and records nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 30 * 86400, now - 25 * 3600, now + 2 * 3600, Number.NaN]) {
      const event = messageEvent({ token: lark.token, openId: ADMIN, text: '帮助' });
      expect(await postPlain(JSON.stringify(event), String(ts)), `timestamp ${ts}`).toBe(401);
    }
    expect(await InboundEvent.countDocuments()).toBe(0);
    // a request signed a few minutes ago (Lark's clock drifting) is still taken
    const fresh = messageEvent({ token: lark.token, openId: ADMIN, text: '帮助' });
    expect(await postPlain(JSON.stringify(fresh), String(now - 300))).toBe(200);
  });

  // before: anything stamped over an hour ago was refused with 401, so Lark's 1 h and 6 h redeliveries were lost
  it("takes Lark's late redeliveries, stamped 1 and 7 hours ago, and answers the event once", async () => {
    const now = Math.floor(Date.now() / 1000);
    const event = messageEvent({ token: lark.token, openId: ADMIN, text: '我是谁' });
    const key = `lark:${(event.event.message as { message_id: string }).message_id}`;
    expect(await postPlain(JSON.stringify(event), String(now - 3600 - 60))).toBe(200);
    await waitProcessed(key);
    // the same signed request again (a replay, or Lark pushing it once more): answered, not run again
    expect(await postPlain(JSON.stringify(event), String(now - 7 * 3600))).toBe(200);
    expect(await postPlain(JSON.stringify(event), String(now - 7 * 3600))).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await InboundEvent.countDocuments()).toBe(1);
    expect(lark.standin.sent(p2p(ADMIN))).toHaveLength(1);
    // the signature still binds the stamp: an old request re-signed with a wrong key is refused
    const body = JSON.stringify({ encrypt: encryptText(JSON.stringify(event), lark.encryptKey) });
    const headers = { 'content-type': 'application/json', ...signBody(body, 'not-the-key', String(now - 7 * 3600)) };
    expect((await fetch(lark.webhookUrl, { method: 'POST', body, headers })).status).toBe(401);
  });

  it('a replayed card callback inside the window has one effect: it is the same event id', async () => {
    const zhang = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'] });
    const event = cardActionEvent({
      token: lark.token,
      openId: ADMIN,
      value: { action: 'staff.setActive', staffId: String(zhang._id), active: 'false' },
      messageId: 'om_card_1',
      chatId: p2p(ADMIN),
    });
    expect(await postPlain(JSON.stringify(event))).toBe(200);
    await Staff.updateOne({ _id: zhang._id }, { $set: { active: true } });
    expect(await postPlain(JSON.stringify(event))).toBe(200);
    expect(await InboundEvent.countDocuments()).toBe(1);
    expect((await Staff.findById(zhang._id).lean())?.active).toBe(true);
  });
});

describe('payloads the database cannot store', () => {
  it('refuses keys starting with $ or containing a dot, in messages and card callbacks, with 400', async () => {
    const msg = messageEvent({ token: lark.token, openId: ADMIN, text: '帮助' });
    (msg.event.message as Record<string, unknown>)['$where'] = 'sleep(1000)';
    expect(await postPlain(JSON.stringify(msg))).toBe(400);
    const dotted = messageEvent({ token: lark.token, openId: ADMIN, text: '帮助' });
    (dotted.event as Record<string, unknown>)['a.b'] = 1;
    expect(await postPlain(JSON.stringify(dotted))).toBe(400);

    const card = (value: unknown, formValue?: Record<string, unknown>) =>
      cardActionEvent({
        token: lark.token,
        openId: ADMIN,
        value: value as Record<string, unknown>,
        formValue,
        messageId: 'om_card_2',
        chatId: p2p(ADMIN),
      });
    expect(await postPlain(JSON.stringify(card({ action: 'staff.bindCode', $gt: '' })))).toBe(400);
    expect(
      await postPlain(JSON.stringify(card({ action: 'form.submit', form: 'staff.add' }, { 'name.first': '张' }))),
    ).toBe(400);
    // a button value sent as a JSON string (older card schema) is parsed, so it is checked parsed
    expect(await postPlain(JSON.stringify(card(JSON.stringify({ action: 'staff.bindCode', $where: '1' }))))).toBe(400);
    expect(await InboundEvent.countDocuments()).toBe(0);
    await stillServes();
  });

  it('refuses a value nested 100,000 deep with 400, in a message, a card value and a form value', async () => {
    const msg = JSON.stringify(messageEvent({ token: lark.token, openId: ADMIN, text: '帮助' }));
    expect(await postPlain(msg.replace(/}$/, `,"deep":${deep(100_000)}}`))).toBe(400);

    const card = JSON.stringify(
      cardActionEvent({
        token: lark.token,
        openId: ADMIN,
        value: { action: 'staff.bindCode', x: '@@' },
        formValue: { name: '@@' },
        messageId: 'om_card_3',
        chatId: p2p(ADMIN),
      }),
    );
    const [head, middle, tail] = card.split('"@@"');
    expect(await postPlain(`${head}${deep(100_000)}${middle}"x"${tail}`)).toBe(400);
    expect(await postPlain(`${head}"x"${middle}${deep(100_000)}${tail}`)).toBe(400);
    expect(await InboundEvent.countDocuments()).toBe(0);
    await stillServes();
  });
});

describe('bind codes over Lark', () => {
  it('绑定码 in a group goes to the admin by open_id; the group sees no code', async () => {
    await Staff.create({ name: '孙队员', phone: '13800000009', roles: ['guard'] });
    const event = messageEvent({
      token: lark.token,
      openId: ADMIN,
      text: '@_user_1 绑定码 孙队员',
      chatId: 'oc_group_1',
      chatType: 'group',
      mentions: [lark.standin.mention()],
    });
    expect((await lark.deliver(event)).status).toBe(200);
    const groupTexts = await lark.standin.waitFor(
      () => (lark.standin.texts('oc_group_1').length ? lark.standin.texts('oc_group_1') : undefined),
      'the group note',
    );
    const [privately] = await lark.standin.waitFor(
      () => (lark.standin.texts(ADMIN).length ? lark.standin.texts(ADMIN) : undefined),
      'the private code',
    );
    const code = /绑定码：([A-Z0-9]{8})/.exec(privately ?? '')?.[1];
    expect(code, privately).toBeDefined();
    expect(lark.standin.sent(ADMIN)[0]?.query.receive_id_type).toBe('open_id');
    expect(groupTexts).toEqual(['孙队员 的绑定码已私信发给你。']);
  });
});
