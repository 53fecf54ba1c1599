import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { Bot } from '../../src/bot.ts';
import { createHttpServer, listen } from '../../src/http.ts';
import { LarkReceiver, type LarkTuning } from '../../src/receivers/lark/index.ts';
import { composition } from '../../src/workflows.ts';
import { silentLog, testConfig, waitProcessed } from './harness.ts';
import { cardActionEvent, LarkStandin, larkRequest, messageEvent } from './lark-standin.ts';
import { LarkWsStandin } from './lark-ws-standin.ts';

export const p2p = (openId: string) => `oc_p2p_${openId}`;

export type LarkEventMode = 'webhook' | 'ws';

let fileMode: LarkEventMode = 'webhook';

/**
 * Runs this test file's Lark bots in `mode` unless startLarkBot is told otherwise. A file in
 * tests/scenarios/ws/ sets 'ws' and imports a scenario file, so the same scenarios run over the
 * long connection too (each test file runs in a process of its own).
 */
export function useLarkEventMode(mode: LarkEventMode): void {
  fileMode = mode;
}

/** The mode this file's bots run in (for checks that exist in one mode only). */
export function larkEventMode(): LarkEventMode {
  return fileMode;
}

/**
 * A bot on Lark as scenario tests drive it, answering through the real SDK to the Open API
 * stand-in. Events reach it the way `mode` says:
 * - 'webhook': POSTed encrypted and signed to its real HTTP server (POST /lark/events);
 * - 'ws': pushed as protobuf frames over the SDK's own long connection (WSClient) from the
 *   long-connection stand-in, in fragments; card answers come back in the ACK.
 * `env` adds settings (BOT_ADMINS…); `now` is the bot's clock (default: the real one). The bot
 * learns its own open_id (`standin.bot.open_id`) from the stand-in as it starts; unless
 * `identityPending`, this waits until it has, so group messages that @ it are answered at once.
 * `beforeStart` sets the stand-in up before the bot first calls it (say, to refuse the bot info).
 */
export async function startLarkBot(
  env: Record<string, string> = {},
  opts: {
    now?: () => Date;
    mode?: LarkEventMode;
    identityPending?: boolean;
    beforeStart?: (standin: LarkStandin) => void;
    tuning?: LarkTuning;
  } = {},
) {
  const mode = opts.mode ?? fileMode;
  const appId = 'cli_0123456789abcdef';
  const appSecret = `secret_${randomBytes(8).toString('hex')}`;
  const token = `vt_${randomBytes(8).toString('hex')}`;
  const encryptKey = `ek_${randomBytes(8).toString('hex')}`;
  const standin = await LarkStandin.start({ appId, appSecret });
  opts.beforeStart?.(standin);
  // Lark splits long payloads; at 512 bytes every event here (≥ 700) arrives in pieces the SDK merges
  const ws = mode === 'ws' ? await LarkWsStandin.start(standin, { appId, appSecret, fragmentBytes: 512 }) : undefined;
  const config = testConfig({
    LARK_APP_ID: appId,
    LARK_APP_SECRET: appSecret,
    LARK_DOMAIN: standin.url,
    LARK_EVENT_MODE: mode,
    LARK_VERIFICATION_TOKEN: token,
    LARK_ENCRYPT_KEY: encryptKey,
    ...env,
  });
  const receiver = new LarkReceiver(config.lark!, silentLog, opts.tuning);
  const bot = new Bot({
    config,
    log: silentLog,
    receivers: [receiver],
    workflows: composition,
    jobs: [],
    now: opts.now,
  });
  await bot.start();
  if (!opts.identityPending) await standin.waitFor(() => receiver.identity.openId, 'the bot to learn its open_id');
  if (ws) {
    // WSClient.start returns before it has connected
    await ws.waitForConnections(1);
    await standin.waitFor(() => receiver.state() === 'up', 'the long connection to be up');
  }
  const server: Server = createHttpServer({
    log: silentLog,
    health: async () => ({ ok: true }),
    routes: receiver.routes,
  });
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/lark/events`;

  /**
   * Delivers a payload as Lark does in this mode; resolves with Lark's view of the answer: the HTTP
   * status and JSON body, or over the long connection the ACK's code and decoded data (`{}` when
   * the handler returned nothing). `sign` is for webhooks only.
   */
  async function deliver(
    payload: unknown,
    o: { sign?: boolean } = {},
  ): Promise<{ status: number; json: Record<string, unknown>; ms: number }> {
    const started = Date.now();
    if (ws) {
      const ack = await ws.push(payload);
      if (!ack) throw new Error('lark ws stand-in: no ACK within 10 s');
      return { status: ack.code, json: (ack.data ?? {}) as Record<string, unknown>, ms: ack.ms };
    }
    const { body, headers } = larkRequest(payload, encryptKey, o);
    const res = await fetch(base, { method: 'POST', body, headers });
    const text = await res.text();
    return {
      status: res.status,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      ms: Date.now() - started,
    };
  }

  /** `openId` writes `text` to the bot in private; resolves once the bot has processed it. */
  async function say(openId: string, text: string): Promise<void> {
    const event = messageEvent({ token, openId, text });
    expect((await deliver(event)).status).toBe(200);
    await waitProcessed(`lark:${(event.event.message as { message_id: string }).message_id}`);
  }

  /** `openId` sends a picture in private (message `messageId`, its `image_key`); resolves once the bot has processed it. */
  async function photo(openId: string, imageKey: string, messageId = `om_photo_${imageKey}`): Promise<void> {
    const event = messageEvent({
      token,
      openId,
      messageType: 'image',
      content: JSON.stringify({ image_key: imageKey }),
      messageId,
    });
    expect((await deliver(event)).status).toBe(200);
    await waitProcessed(`lark:${messageId}`);
  }

  /** Clicks a card button (or submits its form) in a private chat; resolves with the toast Lark shows. */
  async function click(
    openId: string,
    messageId: string,
    value: Record<string, unknown>,
    formValue?: Record<string, unknown>,
  ): Promise<string> {
    const event = cardActionEvent({ token, openId, value, formValue, messageId, chatId: p2p(openId) });
    const res = await deliver(event);
    expect(res.status).toBe(200);
    // Lark shows nothing (and reports an error to the clicker) when the answer comes after 3 s
    expect(res.ms, 'card callback answered within 3 s').toBeLessThan(3000);
    await waitProcessed(`lark:${event.header.event_id as string}`);
    return String((res.json.toast as { content?: string } | undefined)?.content ?? '');
  }

  async function close(): Promise<void> {
    await bot.stop();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await ws?.close();
    await standin.close();
  }

  return {
    mode,
    standin,
    ws,
    bot,
    receiver,
    config,
    token,
    encryptKey,
    webhookUrl: base,
    deliver,
    say,
    photo,
    click,
    close,
  };
}

export type LarkBot = Awaited<ReturnType<typeof startLarkBot>>;
