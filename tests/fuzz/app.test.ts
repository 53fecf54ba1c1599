import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_SUBMIT_ACTION } from '../../src/core/forms.ts';
import { InboxOutcome } from '../../src/models/inbox.ts';
import { Identity, InboundEvent, Staff } from '../../src/models/index.ts';
import { composition } from '../../src/workflows.ts';
import { useDatabase } from '../helpers/db.ts';
import { MemoryReceiver, startTestBot, testConfig, waitProcessed } from '../helpers/harness.ts';

const { routes, forms } = composition;

import type { Bot } from '../../src/bot.ts';
import type { BotEvent, Channel } from '../../src/core/types.ts';

/*
 * Property-based fuzzing through the whole app on the real database: random messages, card clicks
 * and form submissions from people who are not admins. Whatever they send, the bot does not crash
 * (every event ends `done`, never `failed`), answers only in Chinese, and changes no record it
 * has no business changing. FUZZ_RUNS scales the runs (CI size by default).
 */

useDatabase('fuzz');

const RUNS = Number(process.env.FUZZ_RUNS ?? 75);
/** Generous per-run allowance so FUZZ_RUNS=1000 does not hit the default 30 s. */
const TIMEOUT = Math.max(60_000, RUNS * 2 * 500);
const CHINESE = /[\u3400-\u9fff]/;

let bot: Bot;
let consoleChat: MemoryReceiver;
const larkChat = new MemoryReceiver('lark');

beforeAll(async () => {
  ({ bot, receiver: consoleChat } = await startTestBot({
    config: testConfig({ BOT_ADMINS: 'console:boss' }),
    receivers: [larkChat],
  }));
  const guard = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' });
  await Staff.create({ name: '李四', phone: '13800000002', roles: ['team_leader'], post: '万达广场' });
  for (const [channel, userId] of [
    ['console', 'guard'],
    ['lark', 'ou_guard'],
  ] as const) {
    await Identity.create({ _id: `${channel}:${userId}`, staffId: guard._id, channel, userId, boundAt: new Date() });
  }
});
afterAll(() => bot.stop());

type Who = 'stranger' | 'guard';

/**
 * Records that may change for this sender: the inbox's own bookkeeping (events, attempts, sent
 * replies) and once-keys always; a bound guard may also open a form, leave numbered buttons or
 * start a reimbursement draft, as the guard's commands do.
 */
const BOOKKEEPING = [
  'InboundEvent',
  'InboxAttempt',
  'SentReply',
  'OnceKey',
  'InboxPending',
  'InboxOutcome',
  'InboxInstance',
  'PeopleStamp',
];
const MAY_CHANGE: Record<Who, Set<string>> = {
  stranger: new Set(BOOKKEEPING),
  guard: new Set([...BOOKKEEPING, 'FormSession', 'CardPrompt', 'ReimbursementDraft']),
};

async function counts(who: Who): Promise<Record<string, number>> {
  const models = Object.values(mongoose.models).filter((m) => !MAY_CHANGE[who].has(m.modelName));
  const n = await Promise.all(models.map((m) => m.estimatedDocumentCount()));
  return Object.fromEntries(models.map((m, i) => [m.modelName, n[i]!]));
}

const commandWords = routes.commands.flatMap((c) => c.words);
const actionKeys = [...routes.actions.map((a) => a.action), FORM_SUBMIT_ACTION];

/** Text people (and attackers) send: noise, control characters, commands with junk, operator strings. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(...'绑定码人员报销投诉待办批准驳回 0123456789-:：/\n\t\u0000\u3000$.{}"'),
    maxLength: 40,
  }),
  fc
    .tuple(fc.constantFrom(...commandWords), fc.string({ unit: 'grapheme', maxLength: 40 }))
    .map(([w, a]) => `${w} ${a}`),
  fc
    .tuple(
      fc.constantFrom(...commandWords),
      fc.constantFrom('{"$gt":""}', '$where', 'TS-20261127-001', 'BX-20261127-001', '13800000001', '张三', '1', ''),
    )
    .map(([w, a]) => `${w} ${a}`),
  fc.constantFrom('1', '2', '9', '取消', '跳过', '/', '@_user_1', '\u0000'.repeat(50)),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);
/**
 * Keys a receiver can hand the app: the Lark receiver refuses `$…` and dotted keys before the inbox
 * (tests/scenarios/lark-abuse.test.ts), and text channels only replay the bot's own button values.
 */
const key = fc.string({ maxLength: 12 }).filter((k) => !k.startsWith('$') && !k.includes('.'));
const stringRecord = fc.dictionary(key, fc.string({ maxLength: 40 }), { maxKeys: 5 });

const sender = fc.record({
  who: fc.constantFrom<Who>('stranger', 'guard'),
  channel: fc.constantFrom<Channel>('console', 'lark'),
  inGroup: fc.boolean(),
});

/** Delivers one event and returns everything the sender was shown (replies, cards, the Lark toast). */
async function deliver(
  s: { who: Who; channel: Channel; inGroup: boolean },
  build: (base: Omit<BotEvent, 'kind'>) => BotEvent,
): Promise<{ key: string; shown: string[] }> {
  const chat = s.channel === 'lark' ? larkChat : consoleChat;
  const userId = s.channel === 'lark' ? `ou_${s.who}` : s.who;
  const event = build({
    id: randomUUID(),
    channel: s.channel,
    chat: { id: s.inGroup ? 'group-1' : userId, isGroup: s.inGroup },
    userId,
    receivedAt: new Date(),
  });
  const before = chat.sent.length;
  const out = await chat.sink().intakeAndWait(event);
  expect(out.result).toBe('accepted');
  const key = `${event.channel}:${event.id}`;
  await waitProcessed(key);
  return { key, shown: [...chat.sent.slice(before).map((m) => m.text), ...(out.toast ? [out.toast] : [])] };
}

async function checkOne(who: Who, send: () => Promise<{ key: string; shown: string[] }>): Promise<void> {
  const before = await counts(who);
  const { key, shown } = await send();
  const rec = await InboxOutcome.findById(key).lean();
  expect(rec?.status, `handler failed: ${rec?.refId}`).toBe('done');
  for (const s of shown) expect(s, 'every answer is Chinese').toMatch(CHINESE);
  expect(await counts(who)).toEqual(before);
}

describe('fuzzing the app (fast-check)', () => {
  it(
    'random messages: no crash, no change, answers in Chinese',
    async () => {
      await fc.assert(
        fc.asyncProperty(sender, text, async (s, t) => {
          await checkOne(s.who, () => deliver(s, (base) => ({ ...base, kind: 'message', text: t })));
        }),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  it(
    'random card clicks: no crash, no change, answers in Chinese',
    async () => {
      const action = fc.oneof(fc.constantFrom(...actionKeys), fc.string({ maxLength: 20 }));
      await fc.assert(
        fc.asyncProperty(
          sender,
          action,
          stringRecord,
          fc.option(stringRecord, { nil: undefined }),
          async (s, a, value, form) => {
            await checkOne(s.who, () =>
              deliver(s, (base) => ({
                ...base,
                kind: 'action',
                action: { action: a, value, ...(form ? { form } : {}), messageId: `card-${randomUUID()}` },
              })),
            );
          },
        ),
        {
          numRuns: RUNS,
          // found by this fuzzer: the inbox dropped an empty button value, and the handler read undefined
          examples: [[{ who: 'guard', channel: 'console', inGroup: false }, 'reimburse.withdraw', {}, undefined]],
        },
      );
    },
    TIMEOUT,
  );

  it(
    'random form values for every form card: no crash, no change, answers in Chinese',
    async () => {
      const submission = fc.constantFrom(...forms).chain((def) =>
        fc.record({
          form: fc.constant(def.name),
          values: fc.record(Object.fromEntries(def.fields.map((f) => [f.key, fc.oneof(text, fc.constant(''))])), {
            requiredKeys: [],
          }),
          context: stringRecord,
        }),
      );
      await fc.assert(
        fc.asyncProperty(sender, submission, async (s, sub) => {
          await checkOne(s.who, () =>
            deliver(s, (base) => ({
              ...base,
              kind: 'action',
              action: {
                action: FORM_SUBMIT_ACTION,
                value: { ...sub.context, form: sub.form },
                form: sub.values as Record<string, string>,
                messageId: `card-${randomUUID()}`,
              },
            })),
          );
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
