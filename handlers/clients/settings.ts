import { z } from 'zod';
import type { Config } from '../../src/config.ts';
import { defineSettings, emptyToUndefined, intIn, timeOfDay } from '../../src/core/settings.ts';
import { csHeadPhonesOf as complaintsCsHead } from '../complaints/api.ts';
import type { CadenceDefaults } from './cadence-rules.ts';
import { dailyCron } from './rules.ts';

/*
 * Follow-up plans (I.2.5 / I.2.7) and promises (II.7). The customer-service head the overdue ones
 * go to is the one complaints escalate to (COMPLAINT_CS_HEAD_PHONES): one person heads 客服部.
 */

const days = (dflt: number, min = 0) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(365).default(dflt));
const DAYS_FIX = 'use whole days from 0 (none planned) to 365';
// I.2.5 / I.2.7: existing clients are always called and visited, so their default cannot be 0
const CURRENT_FIX = 'use whole days from 1 to 365: a 现有 client is always called and visited (I.2.5, I.2.7)';

export const clientSettings = defineSettings(
  'clients',
  {
    CLIENT_CALL_DAYS_CURRENT: days(30, 1),
    CLIENT_VISIT_DAYS_CURRENT: days(90, 1),
    CLIENT_CALL_DAYS_POTENTIAL: days(60),
    CLIENT_VISIT_DAYS_POTENTIAL: days(0),
    CLIENT_DAILY_AT: timeOfDay('08:30'),
    CLIENT_ESCALATE_AFTER_DAYS: intIn(0, 365, 7),
    CLIENT_PROMISE_LEAD_DAYS: intIn(0, 60, 2),
  },
  (c) => ({
    /** Days between phone follow-ups and between visits, per status (0 = none planned). */
    cadence: {
      current: { callDays: c.CLIENT_CALL_DAYS_CURRENT, visitDays: c.CLIENT_VISIT_DAYS_CURRENT },
      potential: { callDays: c.CLIENT_CALL_DAYS_POTENTIAL, visitDays: c.CLIENT_VISIT_DAYS_POTENTIAL },
    } satisfies CadenceDefaults,
    /** The morning list's time of day (HH:mm in BOT_TIMEZONE), as a daily cron. */
    dailyAt: c.CLIENT_DAILY_AT,
    dailyCron: dailyCron(c.CLIENT_DAILY_AT)!,
    /** A follow-up or promise overdue by more than this many days goes to the customer-service head. */
    escalateAfterDays: c.CLIENT_ESCALATE_AFTER_DAYS,
    /** An open promise is in its owner's list from this many days before its due day. */
    promiseLeadDays: c.CLIENT_PROMISE_LEAD_DAYS,
  }),
  {
    fixes: {
      CLIENT_CALL_DAYS_CURRENT: CURRENT_FIX,
      CLIENT_VISIT_DAYS_CURRENT: CURRENT_FIX,
      CLIENT_CALL_DAYS_POTENTIAL: DAYS_FIX,
      CLIENT_VISIT_DAYS_POTENTIAL: DAYS_FIX,
      CLIENT_DAILY_AT: 'use the time the morning list goes out, e.g. CLIENT_DAILY_AT=08:30',
    },
  },
);
export type ClientSettings = ReturnType<typeof clientSettings.of>;

export function clientSettingsOf(config: Config): ClientSettings {
  return clientSettings.of(config);
}

/** The customer-service head(s) by phone; empty = every 客服部 member. */
export function csHeadPhonesOf(config: Config): string[] {
  return complaintsCsHead(config);
}
