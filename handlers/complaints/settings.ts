import type { Config } from '../../src/config.ts';
import { defineSettings, intIn, intList, phoneList, timeOfDay } from '../../src/core/settings.ts';

/** Time limits (§3.1.3) and follow-ups (§3.1.10) of client complaints. */
export const complaintSettings = defineSettings(
  'complaints',
  {
    COMPLAINT_LIMIT_HOURS_GENERAL: intIn(1, 90 * 24, 72),
    COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: intIn(1, 90 * 24, 24),
    COMPLAINT_LIMIT_HOURS_UNJUSTIFIED: intIn(1, 90 * 24, 120),
    COMPLAINT_REMIND_BEFORE_HOURS: intIn(0, 30 * 24, 6),
    COMPLAINT_FOLLOWUP_DAYS: intList(1, 365, '7,30', '7,30'),
    COMPLAINT_CS_HEAD_PHONES: phoneList,
    COMPLAINT_ACK_REMIND_HOURS: intIn(1, 72, 2),
    COMPLAINT_REPORT_WEEKDAY: intIn(1, 7, 1),
    COMPLAINT_REPORT_TIME: timeOfDay('09:00'),
  },
  (c) => ({
    /** Hours from acceptance to the result being told to the client, per category (§3.1.3). */
    limitHours: {
      general: c.COMPLAINT_LIMIT_HOURS_GENERAL,
      fee_deduction: c.COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION,
      unjustified: c.COMPLAINT_LIMIT_HOURS_UNJUSTIFIED,
    },
    remindBeforeHours: c.COMPLAINT_REMIND_BEFORE_HOURS,
    /** Follow-up calls this many days after the result was told (§3.1.10). */
    followUpDays: c.COMPLAINT_FOLLOWUP_DAYS,
    /** The customer-service head(s) overdue cases escalate to; empty = every 客服部 member. */
    csHeadPhones: c.COMPLAINT_CS_HEAD_PHONES,
    /** §4.2: a case not marked 已告知 this many hours after it was registered reminds its owners once. */
    ackRemindHours: c.COMPLAINT_ACK_REMIND_HOURS,
    /** §4.3 the weekly report to 行政部 and 董事长, of the seven days before: node-cron in BOT_TIMEZONE. */
    reportCron: weeklyCron(c.COMPLAINT_REPORT_WEEKDAY, c.COMPLAINT_REPORT_TIME),
  }),
  {
    fixes: {
      COMPLAINT_REPORT_WEEKDAY: 'use the weekday of the §4.3 report, 1 (Monday) to 7 (Sunday)',
      COMPLAINT_REPORT_TIME: 'use the time the weekly report goes out, e.g. COMPLAINT_REPORT_TIME=09:00',
    },
    check: (c) => [
      ...(c.COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION >
      Math.min(c.COMPLAINT_LIMIT_HOURS_GENERAL, c.COMPLAINT_LIMIT_HOURS_UNJUSTIFIED)
        ? [
            'COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: a 扣服务费 complaint must have the shortest time limit (§2.2: handle quickly to minimise the loss) — set it no higher than COMPLAINT_LIMIT_HOURS_GENERAL and COMPLAINT_LIMIT_HOURS_UNJUSTIFIED',
          ]
        : []),
      // §4.2 comes first: the client hears the case is being handled well before any result is due
      ...(c.COMPLAINT_ACK_REMIND_HOURS >= c.COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION
        ? [
            'COMPLAINT_ACK_REMIND_HOURS: the 已告知 reminder (§4.2) must come before the shortest time limit — set it below COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION',
          ]
        : []),
    ],
  },
);
export type ComplaintSettings = ReturnType<typeof complaintSettings.of>;

/** ISO weekday (1 = Monday … 7 = Sunday) and `HH:mm` → node-cron (Sunday is 0 there). */
export function weeklyCron(weekday: number, hhmm: string): string {
  const [h = '9', m = '0'] = hhmm.split(':');
  return `${Number(m)} ${Number(h)} * * ${weekday % 7}`;
}

/** The customer-service head(s) by phone (empty = every 客服部 member): the one person heading 客服部, for other workflows too. */
export function csHeadPhonesOf(config: Config): string[] {
  return complaintSettings.of(config).csHeadPhones;
}
