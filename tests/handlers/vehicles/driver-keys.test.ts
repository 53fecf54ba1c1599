import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driverKeys } from '../../../handlers/vehicles/driver-keys.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { permitLines, registerLines, seedPeople, startLines, TRIP_RE, type Who } from '../../helpers/vehicles.ts';

/*
 * 查找 <姓名> finds a driver's trips through the driver keys 出车 writes before the trip
 * (driver-keys.ts): `{driver.staffId}` reads every trip on FerretDB 1.24.
 */

useDatabase('vehicles_driver_keys');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T02:00:00Z');
let ids: Record<Who, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  ids = await seedPeople('console');
});

const say = async (who: Who, text: string) => (await chat.say(who, text)).join('\n');

describe('a trip is keyed to its driver for 查找', () => {
  it('keys the trip number to the driver, and 查找 finds it for them and 综合部, not another driver', async () => {
    expect(await say('zonghe', registerLines())).toContain('已登记');
    expect(await say('zonghe', permitLines())).toContain('已发证');
    const no = TRIP_RE.exec(await say('siji', startLines()))?.[0];
    expect(no).toBeDefined();
    expect(await driverKeys.ids([ids.siji])).toEqual([no]);
    expect(await say('siji', '查找 张司机')).toContain(`出车记录 ${no}`);
    expect(await say('zonghe', '查找 张司机')).toContain(`出车记录 ${no}`);
    expect(await say('siji2', '查找 张司机')).not.toContain(`出车记录 ${no}`);
  });
});
