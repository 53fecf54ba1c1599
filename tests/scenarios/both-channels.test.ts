import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../../src/bot.ts';
import { DISABLED_REPLY } from '../../src/core/app.ts';
import { createHttpServer, listen } from '../../src/http.ts';
import { Identity, Staff } from '../../src/models/index.ts';
import { receiversFrom } from '../../src/receivers/index.ts';
import { composition } from '../../src/workflows.ts';
import { useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { cardActionEvent, findButtonValue, LarkStandin, larkRequest, messageEvent } from '../helpers/lark-standin.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * One bot process with Lark and WeChat at once, on one database: an admin works in Lark, a guard in
 * WeChat, and what one does the other sees.
 */

useDatabase('both');

const VT = `vt_${randomBytes(6).toString('hex')}`;
const EK = `ek_${randomBytes(6).toString('hex')}`;
const ADMIN = 'ou_admin';

let wx: WechatFixture;
let standin: LarkStandin;
let bot: Bot;
let server: Server;
let url: string;

beforeAll(async () => {
  wx = await startWechatFixture();
  standin = await LarkStandin.start({ appId: 'cli_0123456789abcdef', appSecret: 'both-secret' });
  const config = testConfig({
    ...wx.env(),
    LARK_APP_ID: 'cli_0123456789abcdef',
    LARK_APP_SECRET: 'both-secret',
    LARK_DOMAIN: standin.url,
    LARK_EVENT_MODE: 'webhook',
    LARK_VERIFICATION_TOKEN: VT,
    LARK_ENCRYPT_KEY: EK,
    BOT_ADMINS: `lark:${ADMIN}`,
  });
  // the same wiring as main.ts: the channels the configuration turns on
  const receivers = receiversFrom(config, silentLog);
  bot = new Bot({ config, log: silentLog, workflows: composition, receivers, jobs: [] });
  await bot.start();
  server = createHttpServer({
    log: silentLog,
    health: async () => ({ ok: true, channels: bot.health() }),
    routes: receivers.flatMap((r) => r.routes ?? []),
  });
  url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  await waitFor(() => bot.health().wechat === 'up', 'WeChat to log in');
});

afterAll(async () => {
  await bot?.stop();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await standin?.close();
  await wx?.stop();
});

async function larkPost(payload: unknown) {
  const { body, headers } = larkRequest(payload, EK);
  return fetch(`${url}/lark/events`, { method: 'POST', body, headers });
}

async function larkSay(text: string): Promise<string[]> {
  const before = standin.sent(`oc_p2p_${ADMIN}`).length;
  const event = messageEvent({ token: VT, openId: ADMIN, text });
  expect((await larkPost(event)).status).toBe(200);
  await waitProcessed(`lark:${(event.event.message as { message_id: string }).message_id}`);
  return standin
    .sent(`oc_p2p_${ADMIN}`)
    .slice(before)
    .map((r) => JSON.stringify(r.content));
}

async function wechatSay(text: string): Promise<string[]> {
  const from = wx.people.zhang;
  const before = wx.deliveredTo(from.id).length;
  await waitProcessed(`wechat:${wx.say(from, text)}`);
  return wx.deliveredTo(from.id).slice(before);
}

describe('Lark and WeChat in one process', () => {
  it('reports both channels up', async () => {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { channels: Record<string, string> };
    expect(health.channels).toEqual({ lark: 'up', wechat: 'up' });
  });

  it('binds a guard on WeChat with a code an admin issued in Lark, and the admin disables him from a Lark card', async () => {
    const zhang = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' });
    const [codeReply] = await larkSay('绑定码 张三');
    const code = /绑定码：([A-Z0-9]{8})/.exec(codeReply ?? '')?.[1];
    expect(code, codeReply).toBeDefined();

    expect((await wechatSay(`绑定 ${code}`)).join()).toContain('绑定成功');
    expect((await Identity.findById(`wechat:${wx.people.zhang.id}`).lean())?.staffId.toString()).toBe(
      String(zhang._id),
    );

    await larkSay('人员 张三');
    const card = standin.cards(`oc_p2p_${ADMIN}`).at(-1)!;
    const value = findButtonValue(card.card, 'staff.setActive')!;
    const res = await larkPost(
      cardActionEvent({ token: VT, openId: ADMIN, value, messageId: card.messageId, chatId: `oc_p2p_${ADMIN}` }),
    );
    expect(res.status).toBe(200);
    expect((await Staff.findById(zhang._id).lean())?.active).toBe(false);

    expect(await wechatSay('帮助')).toEqual([DISABLED_REPLY]);
  });
});
