import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';
import { MAX_LINES, readLines } from '../../helpers/short-replies.ts';

/*
 * Issue #21: each step of a claim answers the actor and tells the next people in a few lines — what
 * happened, the number, what comes next and for whom — with the whole record one command
 * (「报销单 BX-…」) or one button (查看明细 / 查看草稿) away, instead of the whole record each time.
 */

useDatabase('reimb_short');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T04:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
});

/** Everything the step sent, to whom: every message at most five lines. */
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

async function twoItems(): Promise<void> {
  await step('zhang', itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: 'M5001' }));
  await chat.picture('zhang', 'console:r1.jpg');
  await step('zhang', itemMessage({ date: '2026-11-26', category: '地铁', amount: '6', serials: 'M6002' }));
  await chat.picture('zhang', 'console:r2.jpg');
}

describe('a claim step by step, each reply short (#21)', () => {
  it('报销: the item added, the draft total and what to do next; 查看草稿 shows every item', async () => {
    await step('zhang', itemMessage({ date: '2026-11-25', category: '地铁', amount: '6', serials: 'M5001' }));
    const added = await step(
      'zhang',
      itemMessage({ date: '2026-11-26', category: '地铁', amount: '6', serials: 'M6002' }),
    );
    expect(added.zhang).toContain('已加入第 2 项：2026-11-26 地铁 ¥6.00');
    expect(added.zhang).toContain('草稿共 2 项，合计 ¥12.00');
    expect(added.zhang).toContain('下一步');
    expect(added.zhang).not.toContain('M5001');
    expect((await chat.click('zhang', 'reimburse.draft', {})).join()).toMatch(/M5001[\s\S]*M6002/);
  });

  it('提交报销: the number, the total and who decides next; the approvers get the claim in short with 查看明细', async () => {
    await twoItems();
    const sent = await step('zhang', '提交报销');
    const no = /BX-\d{8}-\d{3}/.exec(sent.zhang!)![0];
    expect(sent.zhang).toContain(`已提交报销 ${no}`);
    expect(sent.zhang).toContain('合计 ¥12.00（2 项）');
    expect(sent.zhang).toContain('下一步：综合部审核');
    expect(sent.zhang).toContain(`发送「报销单 ${no}」查看明细`);
    for (const who of ['wang', 'liu']) {
      expect(sent[who]).toContain(`报销审批：综合部审核 ${no}`);
      expect(sent[who]).toContain('申请人 张三，合计 ¥12.00（2 项）');
      expect(sent[who]).toContain('查看明细');
      expect(sent[who]).not.toContain('M5001');
    }
    // the whole record, with this step's buttons, one button away for the approver
    const detail = (await chat.click('wang', 'reimburse.detail', { no })).join('\n');
    expect(detail).toMatch(/M5001[\s\S]*M6002/);
    expect(detail).toContain('[1] 批准');
  });

  it('each approval and the payout: the next approvers get a short card, the claimant one line', async () => {
    await twoItems();
    const no = /BX-\d{8}-\d{3}/.exec((await step('zhang', '提交报销')).zhang!)![0];
    const ga = await step('wang', `批准 ${no}`);
    expect(ga.li).toContain(`报销审批：财务部审查 ${no}`);
    expect(ga.zhang).toContain('下一步：财务部审查');
    const fin = await step('li', `批准 ${no}`);
    expect(fin.chen).toContain(`报销审批：董事长批准 ${no}`);
    const boss = await step('chen', `批准 ${no}`);
    expect(boss.li).toContain(`报销待发放 ${no}`);
    expect(boss.li).toContain('下一步：财务部登记发放');
    const paid = await step('li', `发放 ${no} 银行转账`);
    expect(paid.zhang).toContain(`${no} 已发放 ¥12.00`);
  });

  it('驳回: the claimant hears the reason and how to correct in a few lines', async () => {
    await twoItems();
    const no = /BX-\d{8}-\d{3}/.exec((await step('zhang', '提交报销')).zhang!)![0];
    const rejected = await step('wang', `驳回 ${no} 票据不清`);
    expect(rejected.zhang).toContain('原因：票据不清');
    expect(rejected.zhang).toContain(`重新报销 ${no}`);
  });
});
