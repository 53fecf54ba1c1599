import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ReimbursementClaim } from '../../../handlers/reimbursements/models.ts';
import { lastWeek } from '../../../handlers/reports/period.ts';
import { Trip } from '../../../handlers/vehicles/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { REPORTING } from '../../../src/core/reporting.ts';
import { useDatabase } from '../../helpers/db.ts';
import { startTestBot, testConfig } from '../../helpers/harness.ts';
import { MONDAY, seedClaims, seedReportPeople, seedTrips } from '../../helpers/reports.ts';

/*
 * 周报's reimbursements and vehicles parts read the claims and the trips by `_id` only (the numbers
 * issued in the week, the decision-day and end-day keys, the claims waiting): on FerretDB 1.24 any
 * other filter reads the whole collection — 16 s of its CPU per query at a year of 20,000 claims
 * (npm run bench:reports, docs/performance.md).
 */

useDatabase('reports_weekly_reads');

const TZ = 'Asia/Shanghai';
let bot: Bot;

beforeAll(async () => {
  ({ bot } = await startTestBot({ config: testConfig({ BOT_TIMEZONE: TZ }), now: () => MONDAY }));
  await seedReportPeople('console');
  await Promise.all([seedClaims(), seedTrips()]);
});
afterAll(() => bot.stop());

it('reads the claims and the trips of the week by _id only, and still finds them', async () => {
  const collections = new Set([ReimbursementClaim.collection.collectionName, Trip.collection.collectionName]);
  const filters: unknown[] = [];
  mongoose.set('debug', (collection: string, _method: string, filter: unknown) => {
    if (collections.has(collection)) filters.push(filter);
  });
  const week = lastWeek(MONDAY, TZ);
  const sections = bot.services.extensions
    .of(REPORTING.weekly)
    .filter((s) => s.title === '费用报销' || s.title === '车辆');
  expect(sections).toHaveLength(2);
  const parts = await Promise.all(sections.map((s) => s.build(bot.services, week))).finally(() =>
    mongoose.set('debug', false),
  );
  expect(parts.map((p) => p.lines[0])).toEqual([
    expect.stringContaining('本周提交 2 份报销'),
    expect.stringContaining('本周收车 3 趟'),
  ]);
  expect(filters.length).toBeGreaterThan(0);
  for (const f of filters) expect(Object.keys(f as object)).toEqual(['_id']);
});
