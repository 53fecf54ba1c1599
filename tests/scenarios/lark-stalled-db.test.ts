import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundEvent } from '../../src/models/index.ts';
import { dbUri, uniqueDbName } from '../helpers/db.ts';
import { waitProcessed } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { messageEvent } from '../helpers/lark-standin.ts';
import { StallProxy } from '../helpers/stall-proxy.ts';

/*
 * The database stops answering (a paused TCP proxy in front of FerretDB: to the driver it is a
 * SIGSTOP). A message webhook (or its ACK over the long connection) must still be answered before
 * Lark's 3 s, with an error status so Lark pushes the event again, and the push after the database
 * is back is answered once.
 */

const ADMIN = 'ou_admin';
let proxy: StallProxy;
let lark: LarkBot;

beforeAll(async () => {
  const direct = new URL(dbUri(uniqueDbName('lark_stalled')));
  proxy = await StallProxy.start({ host: direct.hostname, port: Number(direct.port) });
  await mongoose.connect(proxy.rewrite(direct.toString()));
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
});
afterAll(async () => {
  proxy?.resume();
  await lark?.close();
  await mongoose.connection.dropDatabase().catch(() => {});
  await mongoose.disconnect();
  await proxy?.close();
});

describe('Lark message webhook with a stalled database', () => {
  it('answers 503 (an ACK with code 500 over the long connection) instead of hanging, and the event Lark pushes again is answered once', async () => {
    await lark.say(ADMIN, '帮助'); // the connection pool is warm and the bot answers
    const before = lark.standin.texts(p2p(ADMIN)).length;

    const event = messageEvent({ token: lark.token, openId: ADMIN, text: '我是谁' });
    const key = `lark:${(event.event.message as { message_id: string }).message_id}`;
    proxy.pause();
    // without a deadline the request would wait for the database; the stall ends well after Lark's 3 s
    const safety = setTimeout(() => proxy.resume(), 8000);
    let first: number;
    try {
      first = (await lark.deliver(event)).status;
    } finally {
      clearTimeout(safety);
      proxy.resume();
    }
    // a webhook is answered 503; over the long connection the ACK says 500 (the handler threw)
    expect(first).toBe(lark.mode === 'ws' ? 500 : 503);

    // Lark pushes it again; whether or not the held insert landed first, one record and one answer
    const again = await lark.deliver(event);
    expect(again.status).toBe(200);
    await waitProcessed(key);
    await lark.standin.waitFor(() => lark.standin.texts(p2p(ADMIN)).length > before, 'the answer to 我是谁');
    expect(await InboundEvent.countDocuments({ _id: key })).toBe(1);
    expect(lark.standin.texts(p2p(ADMIN)).slice(before)).toHaveLength(1);
  });
});
