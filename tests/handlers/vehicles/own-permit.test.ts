import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Permit, Trip } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { PLATE, permitLines, registerLines, seedPeople, startLines } from '../../helpers/vehicles.ts';

/*
 * Issue #20, hole 6 for vehicles: 综合部 issued himself a permit and drove. Nobody acts on a case
 * in which they are the subject (§3.4.1 permits are issued by 综合部 after an assessment).
 */

useDatabase('vehicles_own_permit');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('console');
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');

describe("deciding one's own case (#20): the holder of a permit they would issue (§3.4.1)", () => {
  it('综合部 cannot issue a permit to himself and so cannot drive; the 董事长 (or another 综合部) issues it', async () => {
    expect(await say('zonghe', registerLines())).toContain('已登记');
    const self = await say('zonghe', permitLines({ holder: '王综合', number: 'ZJ-2026-009' }));
    expect(self).toContain('你是这张准驾证的持证人，不能给自己发准驾证（本人回避）');
    expect(self).toContain('其他综合部人员或董事长');
    await say('zonghe', '取消');
    expect(await Permit.countDocuments()).toBe(0);
    expect(await say('zonghe', startLines(PLATE, 10000))).not.toContain('已出车');
    expect(await Trip.countDocuments()).toBe(0);

    expect(await say('dongshi', permitLines({ holder: '王综合', number: 'ZJ-2026-009', plates: PLATE }))).toContain(
      '已发证',
    );
    expect(await Permit.findById('ZJ-2026-009').lean()).toMatchObject({
      holder: { name: '王综合' },
      issuedBy: { name: '孙董事长' },
    });
    // issuing to someone else stays 综合部's everyday work
    expect(await say('zonghe', permitLines())).toContain('已发证');
  });
});
