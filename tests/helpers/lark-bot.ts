import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { silentLog, testConfig, waitProcessed } from './harness.ts';
import { LarkStandin, cardActionEvent, larkRequest, messageEvent } from './lark-standin.ts';
import { Bot } from '../../src/bot.ts';
import { createHttpServer, listen } from '../../src/http.ts';
import { LarkReceiver } from '../../src/receivers/lark/index.ts';
import { composition } from '../../src/workflows.ts';

export const p2p = (openId: string) => `oc_p2p_${openId}`;

/**
 * A bot on Lark in webhook mode, as scenario tests drive it: events and card callbacks POSTed
 * encrypted and signed to its real HTTP server, answers through the real SDK to the Open API
 * stand-in. `env` adds settings (BOT_ADMINS…); `now` is the bot's clock (default: the real one).
 */
export async function startLarkBot(env: Record<string, string> = {}, opts: { now?: () => Date } = {}) {
  const appId = 'cli_0123456789abcdef';
  const appSecret = `secret_${randomBytes(8).toString('hex')}`;
  const token = `vt_${randomBytes(8).toString('hex')}`;
  const encryptKey = `ek_${randomBytes(8).toString('hex')}`;
  const standin = await LarkStandin.start({ appId, appSecret });
  const config = testConfig({
    LARK_APP_ID: appId,
    LARK_APP_SECRET: appSecret,
    LARK_DOMAIN: standin.url,
    LARK_EVENT_MODE: 'webhook',
    LARK_VERIFICATION_TOKEN: token,
    LARK_ENCRYPT_KEY: encryptKey,
    ...env,
  });
  const receiver = new LarkReceiver(config.lark!, silentLog);
  const bot = new Bot({ config, log: silentLog, receivers: [receiver], workflows: composition, jobs: [], now: opts.now });
  await bot.start();
  const server: Server = createHttpServer({ log: silentLog, health: async () => ({ ok: true }), routes: receiver.routes });
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/lark/events`;

  /** POSTs a payload exactly as Lark does (encrypted; signed unless told otherwise). */
  async function deliver(payload: unknown, opts: { sign?: boolean } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const { body, headers } = larkRequest(payload, encryptKey, opts);
    const res = await fetch(base, { method: 'POST', body, headers });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** `openId` writes `text` to the bot in private; resolves once the bot has processed it. */
  async function say(openId: string, text: string): Promise<void> {
    const event = messageEvent({ token, openId, text });
    expect((await deliver(event)).status).toBe(200);
    await waitProcessed(`lark:${(event.event.message as { message_id: string }).message_id}`);
  }

  /** `openId` sends a picture in private (message `messageId`, its `image_key`); resolves once the bot has processed it. */
  async function photo(openId: string, imageKey: string, messageId = `om_photo_${imageKey}`): Promise<void> {
    const event = messageEvent({ token, openId, messageType: 'image', content: JSON.stringify({ image_key: imageKey }), messageId });
    expect((await deliver(event)).status).toBe(200);
    await waitProcessed(`lark:${messageId}`);
  }

  /** Clicks a card button (or submits its form) in a private chat; resolves with the toast Lark shows. */
  async function click(openId: string, messageId: string, value: Record<string, unknown>, formValue?: Record<string, unknown>): Promise<string> {
    const event = cardActionEvent({ token, openId, value, formValue, messageId, chatId: p2p(openId) });
    const res = await deliver(event);
    expect(res.status).toBe(200);
    await waitProcessed(`lark:${event.header.event_id as string}`);
    return String((res.json.toast as { content?: string } | undefined)?.content ?? '');
  }

  async function close(): Promise<void> {
    await bot.stop();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await standin.close();
  }

  return { standin, bot, receiver, config, token, encryptKey, webhookUrl: base, deliver, say, photo, click, close };
}

export type LarkBot = Awaited<ReturnType<typeof startLarkBot>>;
