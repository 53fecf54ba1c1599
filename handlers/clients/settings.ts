import { z } from 'zod';
import type { Config } from '../../src/config.ts';
import { dailyCron, type CadenceDefaults } from './rules.ts';

/*
 * The clients workflow's settings (I.2.5 / I.2.7 follow-up plans): env names → zod with defaults.
 * The customer-service head is the one complaints escalate to (COMPLAINT_CS_HEAD_PHONES): the same
 * person heads 客服部 for both.
 */

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const days = (dflt: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(365).default(dflt));

export const clientSettingsSchema = {
  CLIENT_CALL_DAYS_CURRENT: days(30),
  CLIENT_VISIT_DAYS_CURRENT: days(90),
  CLIENT_CALL_DAYS_POTENTIAL: days(60),
  CLIENT_VISIT_DAYS_POTENTIAL: days(0),
  CLIENT_DAILY_AT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('08:30')
      .refine((v) => dailyCron(v) !== undefined, 'must be a time of day such as 08:30'),
  ),
  CLIENT_ESCALATE_AFTER_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(365).default(7)),
  CLIENT_PROMISE_LEAD_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(60).default(2)),
};

export type RawClientSettings = { [K in keyof typeof clientSettingsSchema]: z.output<(typeof clientSettingsSchema)[K]> };

export interface ClientSettings {
  /** Days between phone follow-ups and between visits, per status (0 = none). */
  cadence: CadenceDefaults;
  /** The morning list's time of day (HH:mm, BOT_TIMEZONE). */
  dailyAt: string;
  /** A follow-up or promise overdue by more than this many days goes to the customer-service head. */
  escalateAfterDays: number;
  /** An open promise is in its owner's list from this many days before its due day. */
  promiseLeadDays: number;
}

export function buildClientSettings(raw: RawClientSettings): ClientSettings {
  return {
    cadence: {
      current: { callDays: raw.CLIENT_CALL_DAYS_CURRENT, visitDays: raw.CLIENT_VISIT_DAYS_CURRENT },
      potential: { callDays: raw.CLIENT_CALL_DAYS_POTENTIAL, visitDays: raw.CLIENT_VISIT_DAYS_POTENTIAL },
    },
    dailyAt: raw.CLIENT_DAILY_AT,
    escalateAfterDays: raw.CLIENT_ESCALATE_AFTER_DAYS,
    promiseLeadDays: raw.CLIENT_PROMISE_LEAD_DAYS,
  };
}

/** This workflow's settings out of the bot's config. */
export function clientSettingsOf(config: Config): ClientSettings {
  return (config as Config & { clients: ClientSettings }).clients;
}

/** The customer-service head(s) by phone; empty = every 客服部 member. */
export function csHeadPhonesOf(config: Config): string[] {
  return config.complaints.csHeadPhones;
}
