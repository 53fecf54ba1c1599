import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { MAX_LINES, readLines } from '../../helpers/short-replies.ts';
import {
  ACCIDENT_RE,
  endLines,
  PLATE,
  permitLines,
  registerLines,
  seedPeople,
  startLines,
  TRIP_RE,
} from '../../helpers/vehicles.ts';

/*
 * Issue #21: the steps of a trip and of an accident answer the driver and tell 综合部 / 人防部 in a
 * few lines — what happened, the number, what comes next and for whom — with the whole record one
 * command away (「出车记录 CL-…」, 「事故 SG-…」), instead of the whole record each time.
 */

useDatabase('vehicles_short');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
  await chat.say('zonghe', registerLines());
  await chat.say('zonghe', permitLines());
});

/** Everything the step sent, by whom it went to: every message at most five lines. */
async function step(who: string, text: string): Promise<Record<string, string>> {
  const from = chat.sent.length;
  await chat.say(who, text);
  const out: Record<string, string> = {};
  for (const s of chat.sent.slice(from)) {
    const to = 'userId' in s.target ? s.target.userId : s.target.chatId;
    expect(readLines(s.text).length, `to ${to}:\n${s.text}`).toBeLessThanOrEqual(MAX_LINES);
    out[to] = [out[to], s.text].filter(Boolean).join('\n');
  }
  return out;
}

describe('a trip step by step, each reply short (#21)', () => {
  it('出车: the number, the odometer and what to do when back; the record one command away', async () => {
    const sent = await step('siji', startLines());
    const no = TRIP_RE.exec(sent.siji!)![0];
    expect(sent.siji).toContain(`已出车：${no}`);
    expect(sent.siji).toContain(`${PLATE} 张司机，出车里程 10000 km`);
    expect(sent.siji).toContain('回来后发送「收车」');
    expect(sent.siji).toContain(`发送「出车记录 ${no}」查看明细`);
    expect((await chat.say('siji', `出车记录 ${no}`)).join()).toContain('路线：公司→万达广场→公司');
  });

  it('收车 with costs: how far, what it cost, and how to claim it', async () => {
    const no = TRIP_RE.exec((await step('siji', startLines())).siji!)![0];
    const sent = await step('siji', endLines(10050, { 油费: '100' }));
    expect(sent.siji).toContain(`已收车：${no}`);
    expect(sent.siji).toContain('行驶 50 km，费用 ¥100.00');
    expect(sent.siji).toContain(`出车报销 ${no}`);
  });

  it('收车 with costs far beyond the usual: the driver hears who decides, 综合部 gets it short with 确认费用', async () => {
    const no = TRIP_RE.exec((await step('siji', startLines())).siji!)![0];
    const sent = await step('siji', endLines(10010, { 油费: '900' }));
    expect(sent.siji).toContain('下一步：费用已报综合部确认');
    expect(sent.zonghe).toContain(`出车费用待确认：${no}`);
    expect(sent.zonghe).toContain('[1] 确认费用');
  });

  it('事故报备: 人防部, 综合部 and the driver each get who, when, where, injuries and damage, and what next', async () => {
    await step('siji', startLines());
    const sent = await step(
      'siji',
      '事故报备\n发生时间: 今天 09:55\n地点: 城南路口\n伤亡情况: 无人受伤\n车损情况: 前保险杠凹陷\n经过: 等红灯时被后车追尾，对方司机承认全责并留了电话',
    );
    const no = ACCIDENT_RE.exec(sent.siji!)![0];
    for (const who of ['renfang', 'zonghe', 'siji']) {
      expect(sent[who]).toContain(no);
      expect(sent[who]).toContain('伤亡：无人受伤；车损：前保险杠凹陷');
      expect(sent[who]).toContain(`发送「事故 ${no}」查看经过`);
      expect(sent[who]).not.toContain('追尾');
    }
    expect(sent.renfang).toContain('[1] 已知悉');
    expect((await chat.say('renfang', `事故 ${no}`)).join()).toContain('追尾');
  });
});
