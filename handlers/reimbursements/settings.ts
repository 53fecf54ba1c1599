import { defineSettings, intIn } from '../../src/core/settings.ts';

/** Reminders and sanity limits of expense reimbursements (§3.5). */
export const reimbursementSettings = defineSettings(
  'reimbursements',
  {
    REIMBURSE_REMIND_AFTER_HOURS: intIn(1, 30 * 24, 24),
    REIMBURSE_MAX_ITEM_YUAN: intIn(1, 1_000_000, 5000),
  },
  (c) => ({
    /** A step waiting this long reminds its approvers, and again after each further period. */
    remindAfterHours: c.REIMBURSE_REMIND_AFTER_HOURS,
    /** Ceiling per item, in fen; a larger amount is refused as not sane. */
    maxItemFen: c.REIMBURSE_MAX_ITEM_YUAN * 100,
  }),
);
