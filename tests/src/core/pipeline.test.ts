import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_REPLY, type ErrorScope } from '../../../src/core/errors.ts';
import type { ReplyLedger } from '../../../src/core/inbox.ts';
import { type Attempt, DeliveryPipeline, MAX_ATTEMPTS, type Processed } from '../../../src/core/pipeline.ts';
import type { BotEvent } from '../../../src/core/types.ts';
import { InboxAttempt, InboxInstance, InboxOutcome, InboxPending, SentReply } from '../../../src/models/inbox.ts';
import { InboundEvent } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

/*
 * The delivery pipeline on its own: record, acknowledge, queue, attempt, heartbeat, recover,
 * reply once. What "processing" means is a function of the test's; no routes, contexts or handlers.
 */

useDatabase('pipeline');

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const longAgo = () => new Date(Date.now() - 5 * 60_000);

/** A pipeline whose processing is `run` and whose messages land in `sent`, with every error hook call kept. */
function world(
  run: (
    event: BotEvent,
    attempt: Attempt,
    send: (text: string) => Promise<unknown>,
  ) => Promise<Processed | void> = async () => {},
) {
  const sent: { chat: string; text: string }[] = [];
  const errors: ErrorScope[] = [];
  const calls: string[] = [];
  const sendThrough = (ledger: ReplyLedger, event: BotEvent, text: string) =>
    ledger.once(event.channel, async () => {
      sent.push({ chat: event.chat.id, text });
      return { channel: event.channel, messageId: randomUUID() };
    });
  const pipeline = new DeliveryPipeline({
    log,
    takeoverSeconds: 30,
    process: async (event, attempt) => {
      calls.push(event.text ?? '');
      return (await run(event, attempt, (text) => sendThrough(attempt.ledger, event, text))) ?? {};
    },
    reply: (event, text, ledger) => sendThrough(ledger, event, text),
    onError: (_err, scope) => {
      errors.push(scope);
      return scope.refId ?? `REF${String(errors.length).padStart(5, '0')}`;
    },
  });
  return { pipeline, sent, errors, calls };
}

const running: DeliveryPipeline[] = [];
function started<W extends { pipeline: DeliveryPipeline }>(w: W): W {
  running.push(w.pipeline);
  return w;
}
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
});
beforeEach(() => clearCollections());

function event(id: string, text: string, userId = 'u1', receivedAt = new Date()): BotEvent {
  return { id, channel: 'console', chat: { id: userId, isGroup: false }, userId, kind: 'message', text, receivedAt };
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const finished = (key: string) => until(async () => !!(await InboxOutcome.exists({ _id: key })), `${key} to finish`);

/** What a process killed after recording `text` leaves behind: the record and, optionally, its dead attempts. */
async function leftBehind(id: string, text: string, deadAttempts = 0, by: string | null = null): Promise<string> {
  const key = `console:${id}`;
  await InboxPending.create({
    _id: key,
    channel: 'console',
    event: event(id, text, 'u1', longAgo()),
    receivedAt: longAgo(),
    by,
    beatAt: by ? longAgo() : null,
  });
  for (let n = 0; n < deadAttempts; n++) {
    await InboxAttempt.create({ _id: `${key}#${n}`, event: key, n, by: 'dead', at: longAgo(), beatAt: longAgo() });
  }
  return key;
}

describe('delivery pipeline: exactly once', () => {
  it('processes a redelivered event once and answers the repeat as a duplicate', async () => {
    const w = started(world(async (_e, _a, send) => void (await send('好'))));
    expect(await w.pipeline.intake(event('e1', 'hi'))).toBe('accepted');
    await finished('console:e1');
    expect(await w.pipeline.intake(event('e1', 'hi'))).toBe('duplicate');
    expect(w.calls).toEqual(['hi']);
    expect(w.sent.map((s) => s.text)).toEqual(['好']);
    expect(await InboxOutcome.findById('console:e1').lean()).toMatchObject({
      status: 'done',
      attempts: 1,
      refId: null,
    });
    expect(await InboundEvent.countDocuments()).toBe(1);
    expect(await InboxPending.countDocuments()).toBe(0);
  });

  it('claims the first attempt with the inbox record itself: no attempt record is written', async () => {
    const w = started(world());
    await w.pipeline.intake(event('e2', 'hi'));
    await finished('console:e2');
    expect(await InboxAttempt.countDocuments()).toBe(0);
  });

  it("keeps one person's events in one chat in arrival order, however long each takes", async () => {
    const ended: string[] = [];
    const w = started(
      world(async (e) => {
        // the first is the slowest: run side by side, it would end last
        await new Promise((r) => setTimeout(r, 40 - Number(e.text) * 10));
        ended.push(e.text!);
      }),
    );
    for (const n of ['0', '1', '2', '3']) await w.pipeline.intake(event(`o${n}`, n));
    for (const n of ['0', '1', '2', '3']) await finished(`console:o${n}`);
    expect(ended).toEqual(['0', '1', '2', '3']);
  });

  it("answers intakeAndWait with the processor's toast once it is done", async () => {
    const w = started(world(async () => ({ toast: '已确认' })));
    expect(await w.pipeline.intakeAndWait(event('w1', 'click'))).toEqual({ result: 'accepted', toast: '已确认' });
    expect(await w.pipeline.intakeAndWait(event('w1', 'click'))).toEqual({ result: 'duplicate' });
  });

  it('refuses events once stopped, after finishing the one in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = world(async () => gate);
    await w.pipeline.intake(event('s1', 'slow'));
    const stopping = w.pipeline.stop();
    expect(await w.pipeline.intake(event('s2', 'late'))).toBe('stopped');
    release();
    await stopping;
    expect(await InboxOutcome.findById('console:s1').lean()).toMatchObject({ status: 'done' });
    expect(await InboxPending.findById('console:s2').lean()).toBeNull();
  });
});

describe('delivery pipeline: failures', () => {
  it('fails an event whose processing threw, through the error hook, and sends nothing', async () => {
    const w = started(
      world(async () => {
        throw new Error('kaboom');
      }),
    );
    await w.pipeline.intake(event('f1', 'boom'));
    await finished('console:f1');
    expect(w.errors.map((e) => [e.what, e.event?.id])).toEqual([['event could not be processed', 'f1']]);
    expect(await InboxOutcome.findById('console:f1').lean()).toMatchObject({ status: 'failed', refId: 'REF00001' });
    expect(w.sent).toEqual([]);
  });

  it('records as failed, with its reference id, an event the processor answered with an error itself', async () => {
    const w = started(
      world(
        async (_e, _a, send) => (
          await send(ERROR_REPLY('ABCD1234')), { refId: 'ABCD1234', toast: ERROR_REPLY('ABCD1234') }
        ),
      ),
    );
    expect(await w.pipeline.intakeAndWait(event('f2', 'boom'))).toEqual({
      result: 'accepted',
      toast: ERROR_REPLY('ABCD1234'),
    });
    expect(await InboxOutcome.findById('console:f2').lean()).toMatchObject({ status: 'failed', refId: 'ABCD1234' });
  });

  it('leaves an event to a later attempt when the database is away, and a takeover finishes it', async () => {
    let down = true;
    const w = started(
      world(async (_e, _a, send) => {
        if (down) throw Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
        await send('好');
      }),
    );
    expect(await w.pipeline.intakeAndWait(event('d1', 'hi'))).toEqual({ result: 'accepted', later: true });
    expect(await InboxOutcome.exists({ _id: 'console:d1' })).toBeNull();
    expect(await InboxPending.exists({ _id: 'console:d1' })).toBeTruthy();
    expect(w.errors).toEqual([]);
    down = false;
    // past the takeover bound: its own record, no longer queued, is taken like anyone's
    expect(await w.pipeline.recover(new Date(Date.now() + 60_000))).toBe(1);
    expect(await InboxOutcome.findById('console:d1').lean()).toMatchObject({ status: 'done', attempts: 2 });
    expect(w.sent.map((s) => s.text)).toEqual(['好']);
  });
});

describe('delivery pipeline: recovery after a crash', () => {
  it('finishes an event a dead instance recorded but never processed', async () => {
    const w = started(world(async (_e, _a, send) => void (await send('好'))));
    const key = await leftBehind('c1', 'hi', 0, 'dead');
    expect(await w.pipeline.recover()).toBe(1);
    // attempt 0 was the dead instance's record: the takeover is attempt 1
    expect(await InboxOutcome.findById(key).lean()).toMatchObject({ status: 'done', attempts: 2 });
    expect(w.sent.map((s) => s.text)).toEqual(['好']);
    expect(await w.pipeline.recover()).toBe(0);
  });

  it('resumes after the replies the dead attempt had already sent', async () => {
    const w = started(
      world(async (_e, attempt, send) => {
        expect(attempt.n).toBe(1);
        await send('一');
        await send('二');
      }),
    );
    const key = await leftBehind('c2', 'two', 1);
    await SentReply.create({ _id: `${key}:reply:0`, event: key, n: 0, channel: 'console', at: longAgo() });
    expect(await w.pipeline.recover()).toBe(1);
    expect(w.sent.map((s) => s.text)).toEqual(['二']);
    expect(await SentReply.countDocuments({ event: key })).toBe(2);
  });

  it('leaves an event alone while its attempt beats, and takes it once the heartbeat stops', async () => {
    const w = started(world());
    const key = await leftBehind('c3', 'hi');
    await InboxAttempt.create({ _id: `${key}#0`, event: key, n: 0, by: 'other', at: longAgo(), beatAt: new Date() });
    expect(await w.pipeline.recover()).toBe(0);
    expect(w.calls).toEqual([]);
    await InboxAttempt.updateOne({ _id: `${key}#0` }, { $set: { beatAt: longAgo() } });
    expect(await w.pipeline.recover()).toBe(1);
    expect(w.calls).toEqual(['hi']);
  });

  it('leaves an event alone while the instance that recorded it beats', async () => {
    const w = started(world());
    await leftBehind('c4', 'hi', 0, 'other');
    await InboxInstance.create({ _id: 'other', beatAt: new Date() });
    expect(await w.pipeline.recover()).toBe(0);
    await InboxInstance.updateOne({ _id: 'other' }, { $set: { beatAt: longAgo() } });
    expect(await w.pipeline.recover()).toBe(1);
  });

  it(`gives up an event whose ${MAX_ATTEMPTS} attempts all died: one error reply with its reference id, marked failed`, async () => {
    const w = started(world());
    const key = await leftBehind('c5', 'poison', MAX_ATTEMPTS);
    await w.pipeline.recover();
    await w.pipeline.recover();
    expect(w.calls).toEqual([]);
    const rec = await InboxOutcome.findById(key).lean();
    // the reference id the error hook gave is the one the person is told and the outcome keeps
    expect(w.errors.map((e) => e.what)).toEqual(['event given up after every attempt died']);
    expect(rec).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, refId: 'REF00001' });
    expect(w.sent).toEqual([{ chat: 'u1', text: ERROR_REPLY('REF00001') }]);
  });

  it('is not held up by 100 records whose attempts are alive', async () => {
    const w = started(world());
    for (let i = 0; i < 101; i++) {
      const key = await leftBehind(`busy-${i}`, 'busy');
      await InboxAttempt.create({ _id: `${key}#0`, event: key, n: 0, by: 'other', at: longAgo(), beatAt: new Date() });
    }
    const key = await leftBehind('behind', 'behind', 1);
    expect(await w.pipeline.recover()).toBe(1);
    expect((await InboxOutcome.findById(key).lean())?.status).toBe('done');
    expect(w.calls).toEqual(['behind']);
  });
});
