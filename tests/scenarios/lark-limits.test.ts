import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, RateLimitedError } from '../../src/core/outbox.ts';
import type { Card, Target } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { CardTooLargeError } from '../../src/receivers/lark/index.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import {
  findButtonValue,
  formAsShown,
  LARK_LIMITS_DOC,
  type RecordedRequest,
  renderedText,
} from '../helpers/lark-standin.ts';

/*
 * Lark's limits, met through the stand-in, which refuses what Lark refuses with Lark's codes: cards
 * over 30 KB (230025), a uuid over 50 characters, PATCHes Lark would not apply, the per-app and
 * per-chat send limits (99991400, 230020); and cards read as a person reads them.
 */

useDatabase('lark_limits');

const ADMIN = 'ou_admin';
let bot: LarkBot;

beforeAll(async () => {
  bot = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
});
afterAll(() => bot?.close());
beforeEach(async () => {
  await clearCollections();
  bot.standin.reset();
});

const bytes = (r: RecordedRequest) => Buffer.byteLength(JSON.stringify(r.body));
const DAY = 24 * 3600_000;

/** The most requests that arrived within any window of `ms`. */
function peak(times: number[], ms: number): number {
  let best = 0;
  for (const t of times) best = Math.max(best, times.filter((u) => u >= t && u < t + ms).length);
  return best;
}

/** `n` residents' lines of the longest names (20 characters): a card of them grows by about 65 bytes a line. */
const longLines = (n: number) =>
  Array.from({ length: n }, (_, i) => `${i + 1}. ${String(i + 1).padStart(3, '0')}号${'长长的名字'.repeat(4)}：已归`);

describe('Lark card markdown, as a person reads it', () => {
  it('a masked number reads 139****0001, not 139\\*\\*\\*\\*0001, and typed markup shows as it was typed', async () => {
    const chat: Target = { channel: 'lark', chatId: 'oc_markdown' };
    await bot.bot.services.outbox.send(chat, {
      title: '客户',
      lines: ['电话：139****0001', '备注：*加急* a_b <b>粗</b> ~~旧~~ &#42; [链接](x)', '# 不是标题', '- 不是列表'],
    });
    const [sent] = bot.standin.cards('oc_markdown');
    const seen = renderedText(sent!.card);
    expect(seen).toContain('电话：139****0001');
    expect(seen).toContain('备注：*加急* a_b <b>粗</b> ~~旧~~ &#42; [链接](x)');
    expect(seen).toContain('# 不是标题');
    expect(seen).toContain('- 不是列表');
  });
});

describe('Lark card size', () => {
  const chat: Target = { channel: 'lark', chatId: 'oc_size' };

  it('a card over 30 KB goes out as several cards Lark takes, in order, the buttons on the last', async () => {
    const lines = longLines(1200);
    const ref = await bot.bot.services.outbox.send(chat, {
      title: '查房已上报：大宿舍',
      lines,
      buttons: [{ label: '更正', action: 'x.fix' }],
      note: '22:30 前可更正',
    });
    const sent = bot.standin.sendAttempts().filter((r) => r.body.receive_id === 'oc_size');
    expect(sent.length).toBeGreaterThan(2);
    expect(sent.every((r) => r.status === 200 && bytes(r) <= LARK_LIMITS_DOC.cardBodyBytes)).toBe(true);
    const cards = bot.standin.cards('oc_size');
    expect(cards.map((c) => renderedText(c.card).split('\n')[0])).toEqual(
      cards.map((_, i) => `查房已上报：大宿舍（${i + 1}/${cards.length}）`),
    );
    // every line once, in order, and what belongs to the whole card on the last one
    const seen = cards.map((c) => renderedText(c.card)).join('\n');
    expect(lines.every((l) => seen.includes(l))).toBe(true);
    expect(seen.indexOf(lines[0]!)).toBeLessThan(seen.indexOf(lines.at(-1)!));
    expect(cards.filter((c) => findButtonValue(c.card, 'x.fix'))).toEqual([cards.at(-1)]);
    expect(renderedText(cards.at(-1)!.card)).toContain('22:30 前可更正');
    expect(ref.messageId).toBe(cards.at(-1)!.messageId);
    // each part its own uuid, within Lark's 50 characters
    const uuid = await bot.receiver.sender.send(chat, { title: '再来一次', lines }, { idempotencyKey: 'k'.repeat(32) });
    const uuids = bot.standin
      .sendAttempts()
      .filter((r) => String(r.body.uuid ?? '').startsWith('kkkk'))
      .map((r) => String(r.body.uuid));
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(uuids.every((u) => u.length <= LARK_LIMITS_DOC.uuidChars)).toBe(true);
    expect(uuid.messageId).toBeDefined();
  });

  it('a card in more parts than a chat takes in a second: a part refused (230020) is sent again alone, none twice', async () => {
    bot.standin.enforceLimits(50, 5);
    await bot.bot.services.outbox.send(
      { channel: 'lark', chatId: 'oc_parts' },
      { title: '长卡片', lines: longLines(3500) },
    );
    const titles = bot.standin.cards('oc_parts').map((c) => renderedText(c.card).split('\n')[0]!);
    expect(titles.length).toBeGreaterThan(5);
    expect(bot.standin.chatLimitRefusals).toBeGreaterThan(0);
    expect(titles).toEqual(titles.map((_, i) => `长卡片（${i + 1}/${titles.length}）`));
  }, 30_000);

  it('a form card too big to split is not sent, and the error says why', async () => {
    const options = Array.from({ length: 1500 }, (_, i) => ({
      label: `${i + 1}. ${'长长的名字'.repeat(4)}`,
      value: String(i + 1),
    }));
    const form: Card = {
      title: '大表单',
      lines: [],
      form: { action: 'x.submit', fields: [{ key: 'who', label: '谁', options }] },
    };
    const err = await bot.receiver.sender.send(chat, form).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardTooLargeError);
    expect(String((err as Error).message)).toContain('大表单');
    expect(bot.standin.sendAttempts()).toHaveLength(0);
  });

  it('a card update over 30 KB is sent anew, in parts, instead of being refused', async () => {
    const first = await bot.bot.services.outbox.send(chat, { title: '查房：大宿舍', lines: ['请查房'] });
    await bot.bot.services.outbox.updateCard(
      'lark',
      first.messageId!,
      { title: '查房已上报：大宿舍', lines: longLines(800) },
      chat,
    );
    expect(bot.standin.patches().filter((p) => p.status !== 200)).toEqual([]);
    const cards = bot.standin.cards('oc_size');
    expect(cards.length).toBeGreaterThan(2);
    expect(bot.standin.sendAttempts().every((r) => r.status === 200)).toBe(true);
  });

  it('a text over 150 KB goes out as several texts', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${i}. ${'很长的一段话'.repeat(3)}`).join('\n');
    await bot.bot.services.outbox.send(chat, text);
    const texts = bot.standin.texts('oc_size');
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('\n')).toBe(text);
    expect(bot.standin.sendAttempts().every((r) => r.status === 200 && bytes(r) <= LARK_LIMITS_DOC.textBodyBytes)).toBe(
      true,
    );
  });
});

describe('what the stand-in refuses, as Lark does', () => {
  const chat: Target = { channel: 'lark', chatId: 'oc_refusals' };
  const card: Card = { title: '卡片', lines: ['内容'] };

  it('a uuid over 50 characters (99992402)', async () => {
    const err = await bot.receiver.sender
      .send(chat, '你好', { idempotencyKey: 'u'.repeat(51) })
      .catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain('99992402');
    expect(bot.standin.sent('oc_refusals')).toHaveLength(0);
  });

  it('a PATCH of a message the bot did not send, of a text, of a card not shared, or of one older than 14 days', async () => {
    const update = (id: string) =>
      bot.receiver.sender.updateCard!(id, card).then(
        () => 'updated',
        (e: unknown) => String((e as Error).message),
      );
    expect(await update('om_someone_elses')).toContain('230001');

    const text = await bot.bot.services.outbox.send(chat, '你好');
    expect(await update(text.messageId!)).toMatch(/230001.*NOT a card/);

    // a card sent without config.update_multi, as another program might
    const { appId, appSecret } = bot.config.lark!;
    const client = new lark.Client({
      appId,
      appSecret,
      domain: bot.standin.url,
      cache: new lark.DefaultCache(),
      loggerLevel: lark.LoggerLevel.error,
    });
    const plain = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: {
        receive_id: 'oc_refusals',
        msg_type: 'interactive',
        content: JSON.stringify({ schema: '2.0', body: { elements: [] } }),
      },
    });
    expect(await update(plain.data!.message_id!)).toContain('230001');

    const old = await bot.bot.services.outbox.send(chat, card);
    bot.standin.backdate(old.messageId!, 15 * DAY);
    expect(await update(old.messageId!)).toContain('230031');
    // the outbox shows such a card anew rather than failing the change it shows
    await bot.bot.services.outbox.updateCard('lark', old.messageId!, { title: '已更新', lines: ['新内容'] }, chat);
    expect(renderedText(bot.standin.cards('oc_refusals').at(-1)!.card)).toContain('新内容');

    const fresh = await bot.bot.services.outbox.send(chat, card);
    bot.standin.backdate(fresh.messageId!, 13 * DAY);
    expect(await update(fresh.messageId!)).toBe('updated');
  });

  it('more than 5 updates a second of one card: 230020, which the bot takes as "wait and try again"', async () => {
    const sent = await bot.bot.services.outbox.send(chat, card);
    const results = await Promise.all(
      Array.from({ length: 7 }, () =>
        bot.receiver.sender.updateCard!(sent.messageId!, card).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      ),
    );
    const refused = results.filter((r) => r !== 'ok');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r instanceof RateLimitedError)).toBe(true);
    expect(bot.standin.patches(sent.messageId).filter((p) => p.status === 400)).toHaveLength(refused.length);
  });
});

describe('Lark rate limits', () => {
  it('a chat’s frequency limit (230020) is waited out and the message sent, even after more than 5 refusals', async () => {
    for (let i = 0; i < 6; i++) bot.standin.failNextSend(230020, 'This operation triggers the frequency limit.', 400);
    const ref = await bot.bot.services.outbox.send({ channel: 'lark', chatId: 'oc_busy' }, '通知');
    const attempts = bot.standin.sendAttempts().filter((r) => r.body.receive_id === 'oc_busy');
    expect(attempts.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 200]);
    expect(bot.standin.texts('oc_busy')).toEqual(['通知']);
    expect(ref.messageId).toBe(attempts.at(-1)!.messageId);
  }, 30_000);

  it('a burst is paced at both of the app’s windows, so Lark never has to refuse one', async () => {
    // Lark's 50 a second and 1,000 a minute, with the minute shortened to 2 s for the test (40 in it)
    bot.standin.enforceLimits(50, 5, 40, 2000);
    const outbox = new Outbox(silentLog, {
      lark: {
        perApp: [
          { intervalCap: 4, interval: 84 },
          { intervalCap: 38, interval: 2100 },
        ],
        perChat: { intervalCap: 5, interval: 1100 },
      },
    });
    outbox.register(bot.receiver.sender);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => outbox.send({ channel: 'lark', chatId: `oc_burst_${i}` }, `通知 ${i}`)),
    );
    expect(bot.standin.sent().filter((r) => String(r.body.receive_id).startsWith('oc_burst_'))).toHaveLength(100);
    expect(bot.standin.limitRefusals).toBe(0);
    expect(
      peak(
        bot.standin.sent().map((r) => r.at),
        2000,
      ),
    ).toBeLessThanOrEqual(40);
  }, 30_000);
});

describe('a 10,000-character form value on Lark', () => {
  it('is refused at its field and shown again cut to the field’s limit, not echoed into a 10 KB card', async () => {
    await bot.say(ADMIN, '添加人员');
    const [form] = bot.standin.cards(p2p(ADMIN));
    const submit = findButtonValue(form!.card, 'form.submit')!;
    const huge = '张'.repeat(10_000);
    const toast = await bot.click(ADMIN, form!.messageId, submit, {
      name: huge,
      phone: '13900000002',
      roles: '队员',
      post: huge,
      dorm: '',
    });
    expect(toast).toContain('红字');
    const patch = bot.standin.patches(form!.messageId).at(-1)!;
    expect(patch.status).toBe(200);
    expect(bytes(patch)).toBeLessThan(6 * 1024);
    const shown = formAsShown(patch.content!) as Record<string, string>;
    expect(Array.from(shown.name!).length).toBeLessThanOrEqual(20);
    expect(Array.from(shown.post!).length).toBeLessThanOrEqual(40);
    const seen = renderedText(patch.content!);
    expect(seen).toContain('姓名太长了（最多 20 字）');
    expect(seen).toContain('驻点太长了（最多 40 字）');
    expect(await Staff.countDocuments()).toBe(0);
  });
});
