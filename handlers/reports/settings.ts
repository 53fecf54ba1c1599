import { CronExpressionParser } from 'cron-parser';
import cron from 'node-cron';
import { z } from 'zod';
import { defineSettings, emptyToUndefined } from '../../src/core/settings.ts';

/** When 周报 goes out: a cron expression read in BOT_TIMEZONE, by default Monday 08:30. */
export const reportSettings = defineSettings(
  'reports',
  {
    WEEKLY_REPORT_CRON: z.preprocess(emptyToUndefined, z.string().trim().default('30 8 * * 1')).refine((v) => {
      try {
        // node-cron fires it, cron-parser finds a missed slot: both must read it
        CronExpressionParser.parse(v);
        return cron.validate(v);
      } catch {
        return false;
      }
    }, 'must be a cron expression like 30 8 * * 1'),
  },
  (c) => ({
    /** node-cron expression of the weekly report (minute hour day month weekday, in BOT_TIMEZONE). */
    weeklyCron: c.WEEKLY_REPORT_CRON,
  }),
  {
    fixes: {
      WEEKLY_REPORT_CRON: 'use a cron expression in BOT_TIMEZONE, e.g. WEEKLY_REPORT_CRON="30 8 * * 1" (Monday 08:30)',
    },
  },
);
