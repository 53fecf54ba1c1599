import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vehicle } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import type { StaffContext } from '../../../src/core/context.ts';
import { readAnswer, showAnswer } from '../../../src/core/form-fields.ts';
import type { FormDefinition, FormField } from '../../../src/core/forms.ts';
import type { BotEvent, Role } from '../../../src/core/types.ts';
import { Staff } from '../../../src/models/index.ts';
import { composition } from '../../../src/workflows.ts';
import { useDatabase } from '../../helpers/db.ts';
import { startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * A form card shows every answer in its display form and a person may submit it unchanged: what the
 * card shows must read back to what it means. For every field of every installed form, and inputs
 * generated in the shapes people type (money, dates, times, people, plates, counts, free text):
 * read(show(read(x))) = read(x). The generator must reach a valid answer for every field, so a
 * field no generator can fill fails here instead of passing unchecked.
 */

useDatabase('form_roundtrip');

const NOW = new Date('2026-12-04T06:00:00Z');
const TZ = 'Asia/Shanghai';
let bot: Bot;
let ctx: StaffContext;

const STAFF: { name: string; phone: string; roles: Role[] }[] = [
  { name: '李司机', phone: '13700000011', roles: ['driver'] },
  { name: '王综合', phone: '13700000012', roles: ['general_affairs'] },
  { name: '张队长', phone: '13700000013', roles: ['team_leader'] },
  { name: '赵客服', phone: '13700000014', roles: ['customer_service'] },
  // two people of one name: the display form of either must still read back to that person
  { name: '张三', phone: '13700000015', roles: ['guard'] },
  { name: '张三', phone: '13700000016', roles: ['guard'] },
];
const PLATES = ['粤B12345', '粤B67890'];

beforeAll(async () => {
  ({ bot } = await startTestBot({ config: testConfig({ BOT_TIMEZONE: TZ }), now: () => NOW }));
  for (const s of STAFF) await Staff.create({ ...s, post: '万达广场' });
  for (const plate of PLATES)
    await Vehicle.create({
      _id: plate,
      model: '金杯',
      odometer: 1000,
      active: true,
      lastMaintenance: { on: '2026-10-01', odometer: 1000 },
    });
  // the sender as the database knows them: 我 as 负责人 is stored as their name, which must read back
  const admin = (await Staff.findOne({ name: '赵客服' }).lean())!;
  const event: BotEvent = {
    id: 'roundtrip',
    channel: 'console',
    chat: { id: 'roundtrip', isGroup: false },
    userId: 'roundtrip',
    kind: 'message',
    text: '',
    receivedAt: NOW,
  };
  ctx = {
    event,
    channel: 'console',
    can: { updatesCards: true, formCards: true, clickableButtons: true, toasts: true, dedupesSends: true },
    chat: event.chat,
    sender: {
      identity: 'console:roundtrip',
      staffId: String(admin._id),
      name: admin.name,
      roles: new Set(admin.roles as Role[]),
      phone: admin.phone,
    },
    text: '',
    args: '',
    services: bot.services,
    log: bot.services.log,
    reply: async () => ({ channel: 'console' }),
    updateCard: async () => {},
    toast: async () => {},
    send: async () => ({ channel: 'console' }),
    hasRole: () => true,
  };
});
afterAll(() => bot?.stop());

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const day = fc.integer({ min: -400, max: 400 }).map((d) => DateTime.fromJSDate(NOW, { zone: TZ }).plus({ days: d }));

/** Amounts as people write them: 100, 35.5, ¥12.50, 12元, 50块, 1,200.50, and in Chinese numerals (五十元, 一千二百五). */
const money = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 5 }))
      .map(([y, f, shape]) => {
        const cents = String(f).padStart(2, '0');
        return [`${y}`, `${y}.${cents}`, `¥${y}`, `${y}元`, `${y.toLocaleString('en-US')}.${cents}`, `${y}块`][shape]!;
      }),
    weight: 4,
  },
  { arbitrary: pick(['五十元', '二百', '一千二百五', '三块五', '两千', '五毛', '壹佰元整']), weight: 1 },
);
const dates = fc
  .tuple(day, fc.integer({ min: 0, max: 10 }))
  .map(
    ([d, shape]) =>
      [
        d.toFormat('yyyy-MM-dd'),
        d.toFormat('M-d'),
        d.toFormat('M月d日'),
        d.toFormat('yyyy/MM/dd'),
        '今天',
        '昨天',
        '前天',
        d.toFormat('M.d'),
        d.toFormat('M月d号'),
        '上周五',
        '周一',
      ][shape]!,
  );
const times = fc.oneof(
  {
    arbitrary: fc
      .tuple(dates, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([d, h, m]) => `${d} ${h}:${String(m).padStart(2, '0')}`),
    weight: 4,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('', '昨天', '上周五 '), pick(['晚上10点', '22点半', '下午三点二十分']))
      .map(([d, t]) => `${d}${t}`),
    weight: 1,
  },
);
const months = fc.tuple(day, fc.boolean()).map(([d, full]) => (full ? d.toFormat('yyyy-MM') : d.toFormat('M月')));
const counts = fc.integer({ min: 0, max: 200_000 }).map(String);
/** Scores, people per trip, items: most counts people type are small (卫生评比 takes 0–100 only). */
const smallCounts = fc.integer({ min: 0, max: 120 }).map(String);
const kms = fc
  .tuple(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 2 }))
  .map(([n, shape]) => [`${n}`, `${n}km`, `${n.toLocaleString('en-US')} 公里`][shape]!);
const person = pick(STAFF.flatMap((s) => [s.name, s.phone]));
const people = fc
  .uniqueArray(pick(STAFF.flatMap((s) => [s.name, s.phone])), { minLength: 1, maxLength: 3 })
  .map((w) => w.join('、'));
const plates = fc.uniqueArray(pick(PLATES), { minLength: 1, maxLength: 2 }).map((w) => w.join('、'));
const phones = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 3 }))
  .map(([b, n, shape]) => {
    const m = `1${b}${String(n).padStart(9, '0')}`;
    return [m, `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`, `+86 ${m}`, `0755-${String(n).padStart(8, '0')}`][
      shape
    ]!;
  });
const accounts = fc.stringMatching(/^6\d{15,18}$/);
const words = pick([
  '合理',
  '不合理',
  '满意',
  '不满意',
  '是',
  '否',
  '无',
  '1',
  '2',
  '3',
  '一般性',
  '扣服务费',
  '非正当理由',
  '交通费',
  '餐费',
  '公交',
  '出租车',
  '电话',
  '面谈',
  '现有',
  '潜在',
  '已流失',
  '默认',
  '不需要',
  '我',
  '队员',
  '队长、司机',
  'ZJ-2026-001',
  '备用',
]);
/** Free text with the punctuation phones type (full-width and ASCII), as typed. */
const freeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'嫌价格高已解释客户满意门岗巡逻张经理，。：；！？（）、“”,.:;!?()- 0123ABCabc'.split('')),
      fc.string({ maxLength: 3, unit: 'grapheme' }),
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((xs) => xs.join(''));

/** The words a field's own prompt and placeholder offer (一般性 / 扣服务费 …, 如 金杯海狮 11 座). */
function offered(field: FormField): string[] {
  return `${field.prompt ?? ''} ${field.placeholder ?? ''}`
    .split(/[\s/／、，,；;。：:（）()「」]+|如|可回复|请输入|请填/)
    .map((w) => w.trim())
    .filter(Boolean);
}

function inputsFor(field: FormField): fc.Arbitrary<string> {
  const own = offered(field);
  // one person and the field's own words weigh more: some fields take little else (负责人: 客服部 or 队长 only)
  const often = [person, ...(own.length ? [pick(own)] : [])].map((arbitrary) => ({ arbitrary, weight: 4 }));
  return fc.oneof(
    ...often,
    money,
    dates,
    times,
    months,
    counts,
    smallCounts,
    kms,
    people,
    plates,
    phones,
    accounts,
    words,
    freeText,
  );
}

/** Every typed field of every installed form; ticked lists are not typed (their card shows the option values it submits). */
const fields: [FormDefinition, FormField][] = composition.forms.flatMap((def) =>
  def.fields.filter((f) => !f.options).map((f) => [def, f] as [FormDefinition, FormField]),
);

describe('every form field: what a card shows reads back to what it means', () => {
  it.each(fields.map(([def, f]) => [`${def.name}.${f.key}`, def, f] as const))('%s', async (_name, _def, field) => {
    const forms = { readAnswer, showAnswer };
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(inputsFor(field), async (typed) => {
        const first = await forms.readAnswer(ctx, field, typed);
        if (!first.ok) return;
        valid++;
        const shown = await forms.showAnswer(ctx, field, first.value);
        // a card field left empty is read as no answer, which is what an empty value means
        if (shown === '') {
          expect(first.value).toBe('');
          return;
        }
        expect(
          await forms.readAnswer(ctx, field, shown),
          `typed ${JSON.stringify(typed)} → stored ${JSON.stringify(first.value)} → shown ${JSON.stringify(shown)}`,
        ).toEqual(first);
      }),
      {
        numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 150),
        seed: process.env.ROUNDTRIP_SEED ? Number(process.env.ROUNDTRIP_SEED) : undefined,
      },
    );
    // a field no generated input could fill was not checked at all
    expect(valid, 'no generated input was a valid answer: add a generator for this field').toBeGreaterThan(0);
  });
});

/** Every field of every installed form, ticked lists too (a text channel asks them as typed answers). */
const allFields: [FormDefinition, FormField][] = composition.forms.flatMap((def) =>
  def.fields.map((f) => [def, f] as [FormDefinition, FormField]),
);

describe('every form field refuses a 10,000-character answer, saying so in Chinese without echoing it', () => {
  // what a paste or a script sends: letters, Chinese, digits (a number field's own kind), a list
  const huge = ['x'.repeat(10_000), '字'.repeat(10_000), '1'.repeat(10_000), '张三、'.repeat(3_334)];
  it.each(allFields.map(([def, f]) => [`${def.name}.${f.key}`, f] as const))('%s', async (_name, field) => {
    for (const typed of huge) {
      const res = await readAnswer(ctx, field, typed);
      expect(res.ok, `accepted ${typed.slice(0, 10)}… (${typed.length} characters)`).toBe(false);
      const error = (res as { error: string }).error;
      expect(error).toMatch(/[\u4e00-\u9fff]/);
      // a clear error, not the answer shown back
      expect(Array.from(error).length).toBeLessThanOrEqual(200);
    }
  });
});
