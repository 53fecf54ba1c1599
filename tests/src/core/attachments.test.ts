import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HygieneEvaluation } from '../../../handlers/dorms/models.ts';
import { ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import { Accident, AccidentPhoto } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { type Candidate, pickTarget } from '../../../src/core/attachments.ts';
import { Dorm, Identity, PictureChoice, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { ACCIDENT_RE, PLATE, registerLines, seedPeople } from '../../helpers/vehicles.ts';

/*
 * A picture goes to the sender's latest thing that wants one, whatever workflow it is in; when two
 * are minutes apart the sender is asked, and the answer (kept across a restart) attaches it.
 */

useDatabase('attachments');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z'); // 10:00 in Shanghai
const MIN = 60_000;
const at = (minutes: number) => (clock = new Date(Date.parse('2026-11-27T02:00:00Z') + minutes * MIN));

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  at(0);
  await seedPeople('console');
  // a second 综合部 member, to show one person's evaluation never takes another's pictures
  const s = await Staff.create({ name: '周综合', phone: '13700000008', roles: ['general_affairs'], post: '万达广场' });
  await Identity.create({
    _id: 'console:zonghe2',
    staffId: s._id,
    channel: 'console',
    userId: 'zonghe2',
    boundAt: new Date(),
  });
  await Dorm.create({ name: '城南宿舍' });
  expect(await say('zonghe', registerLines())).toContain('已登记');
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const photo = async (who: string, ref: string) =>
  (
    await chat.deliver({
      id: randomUUID(),
      channel: 'console',
      chat: { id: who, isGroup: false },
      userId: who,
      kind: 'message',
      text: '',
      attachments: [{ kind: 'image', ref }],
      receivedAt: clock,
    })
  ).join('\n');
const hygieneCheck = async (who: string) =>
  expect(await say(who, '卫生检查 城南宿舍 合格 合格 合格 合格 合格 合格')).toContain('已记录 城南宿舍');
async function reportAccident(who: string): Promise<string> {
  const reply = await say(
    who,
    `事故报备\n车牌: ${PLATE}\n发生时间: 刚才\n地点: 城南路口\n伤亡情况: 无人受伤\n车损情况: 前保险杠凹陷\n经过: 跳过`,
  );
  const no = ACCIDENT_RE.exec(reply)?.[0];
  expect(no, reply).toBeDefined();
  return no!;
}
const hygienePhotos = async () => (await HygieneEvaluation.findOne().lean())?.photos ?? [];

describe('a picture goes to the latest thing of the sender that wants one', () => {
  it('a picture after 事故报备 goes to that accident, not to the 卫生检查 done earlier, and the reply names the accident', async () => {
    await hygieneCheck('zonghe');
    at(40);
    const no = await reportAccident('zonghe');
    const reply = await photo('zonghe', 'console:scene.jpg');
    expect(reply).toContain(`已附到事故 ${no}（${PLATE}）`);
    expect(await AccidentPhoto.countDocuments({ accident: no })).toBe(1);
    expect(await hygienePhotos()).toEqual([]);
  });

  it('a receipt photo after 报销 goes to that item, not to the accident reported an hour before', async () => {
    await reportAccident('siji');
    at(60);
    // a subway ticket gives its serial (#20), or the form would still be asking for it
    await say(
      'siji',
      '报销\n日期: 2026-11-25\n类别: 地铁\n金额: 6\n所办事项: 去万达广场送排班表\n公司接洽人: 李经理\n票号: M0601',
    );
    expect(await photo('siji', 'console:ticket.jpg')).toContain('已把票据照片附在第 1 项');
    expect((await ReimbursementDraft.findOne().lean())?.items[0]?.receipts).toEqual(['console:ticket.jpg']);
    expect(await AccidentPhoto.countDocuments()).toBe(0);
  });

  it("another sender's 卫生检查 just before does not take my picture: it goes to my accident without a question", async () => {
    const no = await reportAccident('zonghe2');
    at(3);
    await hygieneCheck('zonghe');
    expect(await photo('zonghe2', 'console:mine.jpg')).toContain(`已附到事故 ${no}`);
    expect(await hygienePhotos()).toEqual([]);
  });

  it('asks which when a 卫生检查 and a 事故报备 are minutes apart; the answer attaches the waiting pictures, even after a restart, and the next picture follows it', async () => {
    await hygieneCheck('zonghe');
    at(3);
    const no = await reportAccident('zonghe');
    at(5);
    const asked = await photo('zonghe', 'console:a.jpg');
    expect(asked).toContain('照片附到哪一项');
    expect(asked).toContain(`[1] 事故 ${no} ${PLATE}`);
    expect(asked).toContain('[2] 城南宿舍 2026-11-27 卫生评比');
    expect(await photo('zonghe', 'console:b.jpg')).toContain('这 2 张照片');
    expect(await AccidentPhoto.countDocuments()).toBe(0);
    expect(await hygienePhotos()).toEqual([]);

    // the question and its pictures are in the database: a restart in between loses nothing
    await bot.stop();
    ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
    expect(await say('zonghe', '2')).toContain('已附到 城南宿舍 2026-11-27 的卫生评比，共 2 张照片');
    expect(await hygienePhotos()).toEqual(['console:a.jpg', 'console:b.jpg']);
    // the question was answered: a second number no longer presses it (#21), the card is shown again
    expect(await say('zonghe', '2')).toContain('这张卡片已过期');
    expect(await hygienePhotos()).toEqual(['console:a.jpg', 'console:b.jpg']);

    at(6);
    expect(await photo('zonghe', 'console:c.jpg')).toContain('共 3 张照片');
    expect(await AccidentPhoto.countDocuments()).toBe(0);
    expect(await Accident.countDocuments()).toBe(1);
    expect((await PictureChoice.findById('console:zonghe').lean())?.attachments).toEqual([]);
  });
});

describe('which candidate a picture goes to', () => {
  const c = (route: string, minute: number): Candidate => ({
    route,
    target: { id: route, label: route, at: new Date(minute * MIN) },
  });

  it('the latest, unless another came within ten minutes of it', () => {
    expect(pickTarget([])).toBeUndefined();
    expect(pickTarget([c('dorms', 0), c('vehicles', 40)])).toEqual({ go: c('vehicles', 40) });
    expect(pickTarget([c('dorms', 0), c('vehicles', 9)])).toEqual({ ask: [c('vehicles', 9), c('dorms', 0)] });
    expect(pickTarget([c('dorms', 0), c('vehicles', 10)])).toEqual({ go: c('vehicles', 10) });
  });

  it('an answer stands while nothing newer came; something newer than the answer is the latest again', () => {
    const chose = { route: 'dorms', id: 'dorms', at: new Date(6 * MIN) };
    expect(pickTarget([c('dorms', 0), c('vehicles', 3)], chose)).toEqual({ go: c('dorms', 0) });
    expect(pickTarget([c('dorms', 0), c('vehicles', 30)], chose)).toEqual({ go: c('vehicles', 30) });
    expect(pickTarget([c('dorms', 0), c('vehicles', 10)], chose)).toEqual({ ask: [c('vehicles', 10), c('dorms', 0)] });
  });
});
