import { defineSettings, intIn, timeOfDay } from '../../src/core/settings.ts';

/** When the 物资管理月报 (§4.2) is asked for and summed up, each month. */
export const supplySettings = defineSettings(
  'supplies',
  {
    SUPPLIES_REPORT_DAY: intIn(1, 28, 25),
    SUPPLIES_REMIND_TIME: timeOfDay('09:00'),
    SUPPLIES_SUMMARY_DAY: intIn(1, 28, 28),
    SUPPLIES_SUMMARY_TIME: timeOfDay('17:00'),
  },
  (c) => ({
    /** From this day of the month, reports are for this month and team leaders are reminded (once). */
    reportDay: c.SUPPLIES_REPORT_DAY,
    remindTime: c.SUPPLIES_REMIND_TIME,
    /** On this day 综合部 gets the month's summary and the posts that did not report (once). */
    summaryDay: c.SUPPLIES_SUMMARY_DAY,
    summaryTime: c.SUPPLIES_SUMMARY_TIME,
  }),
  {
    fixes: {
      SUPPLIES_REPORT_DAY: 'a day of the month from 1 to 28 (every month has it), e.g. 25',
      SUPPLIES_SUMMARY_DAY: 'a day of the month from 1 to 28, after SUPPLIES_REPORT_DAY, e.g. 28',
    },
    check: (c) =>
      c.SUPPLIES_SUMMARY_DAY <= c.SUPPLIES_REPORT_DAY
        ? [
            'SUPPLIES_SUMMARY_DAY: the summary must come after the reminder, so leaders have time to report — set it later than SUPPLIES_REPORT_DAY',
          ]
        : [],
  },
);
export type SupplySettings = ReturnType<typeof supplySettings.of>;
