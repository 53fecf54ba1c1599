import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { LARK_LIMITS_DOC, renderedText } from '../helpers/lark-standin.ts';
import {
  MONDAY,
  seedClaims,
  seedClients,
  seedComplaints,
  seedReportPeople,
  seedRollCalls,
  seedSupplies,
  seedTrips,
} from '../helpers/reports.ts';

/*
 * 周报 and 月报 on Lark end to end: the report's charts go out as card JSON 2.0 chart elements, which
 * the Open API stand-in checks against the documented shape, four at most a card, each card under
 * Lark's 30 KB.
 */

useDatabase('reports_lark');

let lark: LarkBot;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_TIMEZONE: 'Asia/Shanghai' }, { now: () => MONDAY });
  await clearCollections();
  await seedReportPeople('lark');
  const { wanda, chengnan } = await seedClients();
  await Promise.all([seedComplaints(wanda, chengnan), seedClaims(), seedRollCalls(), seedTrips(), seedSupplies()]);
});
afterAll(() => lark?.close());

const charts = (card: Record<string, unknown>) => JSON.stringify(card).split('"tag":"chart"').length - 1;

describe('reports on Lark', () => {
  it('周报 is two cards whose seven charts Lark accepts as chart elements, each card under 30 KB', async () => {
    lark.standin.reset();
    await lark.say('xingzheng', '周报');
    const cards = await lark.standin.waitFor(() => {
      const c = lark.standin.cards(p2p('xingzheng'));
      return c.length >= 2 ? c : undefined;
    }, 'the two cards of 周报');
    expect(cards.map((c) => (c.card.header as { title: { content: string } }).title.content)).toEqual([
      '周报 2026-11-23 至 2026-11-29（1/2）',
      '周报 2026-11-23 至 2026-11-29（2/2）',
    ]);
    // complaints 1 + reimbursements 2 + dorms 1; supplies, vehicles and clients 1 each
    expect(cards.map((c) => charts(c.card))).toEqual([4, 3]);
    const sends = lark.standin.sendAttempts();
    expect(sends.every((r) => r.status === 200)).toBe(true);
    for (const r of sends)
      expect(Buffer.byteLength(JSON.stringify(r.body))).toBeLessThan(LARK_LIMITS_DOC.cardBodyBytes);
    const text = cards.map((c) => renderedText(c.card)).join('\n');
    expect(text).toContain('[图表：各宿舍点名按时率（%）]');
    expect(text).toContain('按时率：2号宿舍 50%｜1号宿舍 67%');
  });

  it('月报 客户 gives 客服部 the client’s month with its complaints and follow-ups charts', async () => {
    lark.standin.reset();
    await lark.say('kefu', '月报 客户 万达物业 2026-11');
    const card = await lark.standin.waitFor(() => lark.standin.cards(p2p('kefu')).at(-1), 'the month card');
    expect(charts(card.card)).toBe(2);
    expect(renderedText(card.card)).toContain('万达物业 2026年11月服务月报');
    expect(lark.standin.sendAttempts().every((r) => r.status === 200)).toBe(true);
  });
});
