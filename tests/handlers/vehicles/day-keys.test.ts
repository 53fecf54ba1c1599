import { afterAll, beforeAll, expect, it } from 'vitest';
import { backfillTripDays, tripsEnded } from '../../../handlers/vehicles/days.ts';
import { Trip } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { OnceKey } from '../../../src/models/index.ts';
import { useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import {
  endLines,
  PLATE,
  permitLines,
  registerLines,
  seedPeople,
  startLines,
  TRIP_RE,
} from '../../helpers/vehicles.ts';

/*
 * 周报's vehicles part finds the trips ended in a week by day keys (an `endedAt` range reads every
 * trip on FerretDB 1.24): each 收车 must leave one, on the day it was made.
 */

useDatabase('vehicle_day_keys');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
  await seedPeople('console');
});
afterAll(() => bot.stop());

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');

it('keys a trip to the day it was ended, not the day it started', async () => {
  expect(await say('zonghe', registerLines())).toContain('已登记');
  expect(await say('zonghe', permitLines())).toContain('已发证');
  const no = TRIP_RE.exec(await say('siji', startLines(PLATE, 1000)))![0];
  // out overnight: back the next morning (Shanghai)
  clock = new Date('2026-11-28T01:00:00Z');
  expect(await say('siji', endLines(1040, {}))).toContain(`已收车：${no}`);
  expect(await tripsEnded.ids(['2026-11-27'])).toEqual([]);
  expect(await tripsEnded.ids(['2026-11-28'])).toEqual([no]);
});

it('keys the trips ended before the day keys existed once, at the first start with them', async () => {
  await Trip.collection.insertOne({
    _id: 'CL-20261001-001' as never,
    status: 'ended',
    endedAt: new Date('2026-10-01T17:00:00Z'),
  });
  await Trip.collection.insertOne({ _id: 'CL-20261002-001' as never, status: 'open', endedAt: null });
  await OnceKey.deleteOne({ _id: 'vehicles:daykeys' });
  expect(await backfillTripDays('Asia/Shanghai')).toBeGreaterThan(0);
  expect(await tripsEnded.ids(['2026-10-02'])).toEqual(['CL-20261001-001']);
  expect(await backfillTripDays('Asia/Shanghai')).toBe(0);
});
