import { defineSettings, intIn } from '../../src/core/settings.ts';

/** Reminders and the amounts approvers are pointed to (§3.5). */
export const reimbursementSettings = defineSettings(
  'reimbursements',
  {
    REIMBURSE_REMIND_AFTER_HOURS: intIn(1, 30 * 24, 24),
    REIMBURSE_LARGE_ITEM_YUAN: intIn(1, 10_000_000, 5000),
    REIMBURSE_CHAIRMAN_NOTE_ABOVE_YUAN: intIn(1, 100_000_000, 20000),
    REIMBURSE_RECEIPT_EXEMPT_YUAN: intIn(0, 10_000, 0),
  },
  (c) => ({
    /** A step waiting this long reminds its approvers, and again after each further period. */
    remindAfterHours: c.REIMBURSE_REMIND_AFTER_HOURS,
    /** Never a refusal (the rulebook has no cap): larger items are flagged, larger claims get 董事长批示. */
    amounts: {
      largeItemFen: c.REIMBURSE_LARGE_ITEM_YUAN * 100,
      chairmanNoteAboveFen: c.REIMBURSE_CHAIRMAN_NOTE_ABOVE_YUAN * 100,
      /** §3.5.3 every item carries its receipt photo, except items under this (0: every item). */
      receiptExemptFen: c.REIMBURSE_RECEIPT_EXEMPT_YUAN * 100,
    },
  }),
);
