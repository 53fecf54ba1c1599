import type { Config } from '../../src/config.ts';
import { defineSettings, intIn, intList, phoneList } from '../../src/core/settings.ts';

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
  }),
  {
    check: (c) =>
      c.COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION > Math.min(c.COMPLAINT_LIMIT_HOURS_GENERAL, c.COMPLAINT_LIMIT_HOURS_UNJUSTIFIED)
        ? [
            'COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: a 扣服务费 complaint must have the shortest time limit (§2.2: handle quickly to minimise the loss) — set it no higher than COMPLAINT_LIMIT_HOURS_GENERAL and COMPLAINT_LIMIT_HOURS_UNJUSTIFIED',
          ]
        : [],
  },
);
export type ComplaintSettings = ReturnType<typeof complaintSettings.of>;

/** The customer-service head(s) by phone (empty = every 客服部 member): the one person heading 客服部, for other workflows too. */
export function csHeadPhonesOf(config: Config): string[] {
  return complaintSettings.of(config).csHeadPhones;
}
