import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eveningStep } from '../../handlers/dorms/evening.ts';
import { DormLeader, RollCall } from '../../handlers/dorms/models.ts';
import { Dorm, Identity, Staff } from '../../src/models/index.ts';
import { useDatabase } from '../helpers/db.ts';
import { sh } from '../helpers/dorms.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import {
  findButtonValue,
  formInputNames,
  LARK_LIMITS_DOC,
  renderedText,
  tickOptions,
} from '../helpers/lark-standin.ts';

/*
 * One dorm of 300 residents reports its roll call through Lark. Its form card lists every
 * resident under 未归, 请假 and 夜班执勤; at 300 that card would be about 100 KB, and the stand-in
 * refuses a card over 30 KB as Lark does (230025). The form comes in pages of 50 residents, and
 * the last page's 提交 records one report for the whole dorm, with what every page ticked.
 */

useDatabase('dorms_lark_300_residents');

const RESIDENTS = 300;
const LEADER = 'ou_big_leader';
let lark: LarkBot;
let clock = sh('21:45');
const residentIds: string[] = [];

beforeAll(async () => {
  lark = await startLarkBot({}, { now: () => clock });
  await Dorm.create({ name: '大宿舍' });
  const leader = await Staff.create({ name: '大队长', phone: '13900000300', roles: ['team_leader'], dorm: '大宿舍' });
  await Identity.create({
    _id: `lark:${LEADER}`,
    staffId: leader._id,
    channel: 'lark',
    userId: LEADER,
    boundAt: new Date(),
  });
  await DormLeader.create({
    _id: `大宿舍:${leader._id}`,
    dorm: '大宿舍',
    staffId: String(leader._id),
    name: '大队长',
    assignedBy: { staffId: '', name: '行政部' },
    assignedAt: new Date(),
  });
  // names of the longest a name may be (20 characters), so every card is as big as it gets
  const staff = Array.from({ length: RESIDENTS - 1 }, (_, i) => ({
    _id: new Types.ObjectId(),
    name: `${String(i + 1).padStart(3, '0')}号${'长长的名字'.repeat(4)}`,
    phone: `137${String(i).padStart(8, '0')}`,
    roles: ['guard'],
    dorm: '大宿舍',
  }));
  await Staff.insertMany(staff);
}, 120_000);
afterAll(() => lark?.close());

describe('§3.3.3 a dorm of 300 residents reports on Lark', () => {
  it('the form card comes in pages under Lark’s 30 KB, and the last page records one report with every page’s ticks', async () => {
    const { standin } = lark;
    clock = sh('21:45');
    expect((await eveningStep(lark.bot.services, clock)).asked).toEqual(['大宿舍']);
    const rollCall = await standin.waitFor(
      () =>
        standin
          .cards(LEADER)
          .filter((c) => findButtonValue(c.card, 'dorms.reportForm'))
          .at(-1),
      'the roll-call card',
    );
    const rc = (await RollCall.findById('2026-11-27:大宿舍').lean())!;
    expect(rc.residents).toHaveLength(RESIDENTS);
    residentIds.push(...rc.residents.map((r) => r.staffId));

    clock = sh('22:04');
    await lark.click(LEADER, rollCall.messageId, findButtonValue(rollCall.card, 'dorms.reportForm')!);
    // page by page: what each page ticks, by list number
    const ticks: Record<number, Record<string, string[]>> = {
      1: { absent: ['3'] },
      2: { leave: ['60'] },
      4: { nightDuty: ['170', '171'] },
      6: { absent: ['300'] },
    };
    for (let page = 1; page <= 6; page++) {
      const form = await standin.waitFor(
        () => standin.cards(p2p(LEADER)).find((c) => JSON.stringify(c.card).includes(`第 ${page}/6 页`)),
        `form page ${page}`,
      );
      expect(formInputNames(form.card)).toEqual(['absent', 'leave', 'nightDuty']);
      const offered = tickOptions(form.card, 'absent').map((o) => Number(o.value));
      expect(offered).toEqual(Array.from({ length: 50 }, (_, i) => (page - 1) * 50 + i + 1));
      const seen = renderedText(form.card);
      expect(seen).toContain(page < 6 ? '[下一页]' : '[提交]');
      if (page === 2) expect(seen).toContain('前几页已勾：未归 3 号');
      const toast = await lark.click(LEADER, form.messageId, findButtonValue(form.card, 'form.submit')!, {
        absent: [],
        leave: [],
        nightDuty: [],
        ...ticks[page],
      });
      if (page === 6) expect(toast).toContain('已上报：大宿舍');
      // nothing is recorded before the last page
      else expect((await RollCall.findById(rc._id).lean())!.report).toBeNull();
    }

    const report = (await RollCall.findById(rc._id).lean())!.report!;
    const status = (n: number) => report.entries.find((e) => e.staffId === residentIds[n - 1])!.status;
    expect([status(3), status(60), status(170), status(171), status(300)]).toEqual([
      'absent',
      'leave',
      'night_duty',
      'night_duty',
      'absent',
    ]);
    expect(report.entries.filter((e) => e.status !== 'present')).toHaveLength(5);

    // Lark took every card the bot sent or updated: none over its limit
    const cardRequests = standin.requests.filter(
      (r) => (r.method === 'POST' && r.body.msg_type === 'interactive') || r.method === 'PATCH',
    );
    expect(cardRequests.length).toBeGreaterThan(6);
    expect(cardRequests.filter((r) => r.status !== 200)).toEqual([]);
    for (const r of cardRequests)
      expect(Buffer.byteLength(JSON.stringify(r.body))).toBeLessThanOrEqual(LARK_LIMITS_DOC.cardBodyBytes);
  }, 120_000);
});
