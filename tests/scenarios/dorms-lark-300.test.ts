import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eveningStep } from '../../handlers/dorms/evening.ts';
import { DormLeader, RollCall } from '../../handlers/dorms/models.ts';
import { Dorm, Identity, Staff } from '../../src/models/index.ts';
import { useDatabase } from '../helpers/db.ts';
import { sh } from '../helpers/dorms.ts';
import { type LarkBot, startLarkBot } from '../helpers/lark-bot.ts';

/*
 * One evening with 300 dorms through the Lark stand-in, which answers 429 as Lark does above 50
 * sends per second per app or 5 per chat: every leader gets exactly one roll call and one
 * reminder, 综合部 one list, and nothing is lost to the limits.
 */

useDatabase('dorms_lark_300');

const DORMS = 300;
let lark: LarkBot;
let clock = sh('21:45');

beforeAll(async () => {
  lark = await startLarkBot({}, { now: () => clock });
  const staff: Record<string, unknown>[] = [];
  const identities: Record<string, unknown>[] = [];
  const leaders: Record<string, unknown>[] = [];
  const dorms: Record<string, unknown>[] = [];
  const zonghe = new Types.ObjectId();
  staff.push({ _id: zonghe, name: '赵综合', phone: '13900000999', roles: ['general_affairs'], dorm: '' });
  identities.push({
    _id: 'lark:ou_zonghe',
    staffId: zonghe,
    channel: 'lark',
    userId: 'ou_zonghe',
    boundAt: new Date(),
  });
  for (let i = 0; i < DORMS; i++) {
    const dorm = `宿舍${String(i).padStart(3, '0')}`;
    const leader = new Types.ObjectId();
    dorms.push({ name: dorm });
    staff.push({
      _id: leader,
      name: `队长${i}`,
      phone: `138${String(i).padStart(8, '0')}`,
      roles: ['team_leader'],
      dorm,
    });
    staff.push({ name: `队员${i}`, phone: `137${String(i).padStart(8, '0')}`, roles: ['guard'], dorm });
    identities.push({
      _id: `lark:ou_leader${i}`,
      staffId: leader,
      channel: 'lark',
      userId: `ou_leader${i}`,
      boundAt: new Date(),
    });
    leaders.push({
      _id: `${dorm}:${leader}`,
      dorm,
      staffId: String(leader),
      name: `队长${i}`,
      assignedBy: { staffId: '', name: '行政部' },
      assignedAt: new Date(),
    });
  }
  await Dorm.insertMany(dorms);
  await Staff.insertMany(staff);
  await Identity.insertMany(identities);
  await DormLeader.insertMany(leaders);
});
afterAll(() => lark?.close());

describe('§3.3.3 a 300-dorm evening within Lark’s limits', () => {
  it('sends every roll call and every reminder exactly once and 综合部 one list, with the stand-in refusing anything over 50/s', async () => {
    const standin = lark.standin;
    standin.enforceLimits(50, 5);

    const asked = await eveningStep(lark.bot.services, clock);
    expect(asked.asked).toHaveLength(DORMS);
    const perLeader = new Map<string, number>();
    for (const r of standin.sent()) {
      const to = String(r.body.receive_id);
      if (to.startsWith('ou_leader')) perLeader.set(to, (perLeader.get(to) ?? 0) + 1);
    }
    expect(perLeader.size).toBe(DORMS);
    expect([...perLeader.values()].every((n) => n === 1)).toBe(true);
    expect(await RollCall.countDocuments({ date: '2026-11-27' })).toBe(DORMS);

    clock = sh('22:15');
    expect((await eveningStep(lark.bot.services, clock)).reminded).toHaveLength(DORMS);
    const reminders = standin.texts().filter((t) => t.includes('还没有上报'));
    expect(reminders).toHaveLength(DORMS);

    clock = sh('22:45');
    expect((await eveningStep(lark.bot.services, clock)).escalated).toHaveLength(DORMS);
    const lists = standin.texts('ou_zonghe').filter((t) => t.includes('查房未上报的宿舍 300 个'));
    expect(lists).toHaveLength(1);
    if (process.env.DORMS_BENCH)
      console.info(
        `300-dorm evening: ${standin.sendAttempts().length} send attempts, ${standin.limitRefusals} refused by the limits and retried`,
      );
  }, 120_000);
});
