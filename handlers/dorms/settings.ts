import { z } from 'zod';
import { eveningOrderProblem, parseClock, type EveningTimes } from './rules.ts';

/*
 * The dorm workflow's settings (env var → zod with defaults), checked once at start with messages
 * that name the variable and the fix. Times are HH:mm in BOT_TIMEZONE; a time before 12:00 belongs
 * to the morning after the roll call (a 08:00 cut-off is the next morning).
 */

const empty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const clock = (dflt: string) =>
  z.preprocess(empty, z.string().default(dflt)).refine((v) => parseClock(v) !== undefined, 'must be a time like 21:45');
const intIn = (min: number, max: number, dflt: number) => z.preprocess(empty, z.coerce.number().int().min(min).max(max).default(dflt));

export const dormEnv = z.object({
  DORM_ROLLCALL_TIME: clock('21:45'),
  DORM_CHASE_TIME: clock('22:15'),
  DORM_ESCALATE_TIME: clock('22:45'),
  DORM_CORRECTION_CUTOFF: clock('08:00'),
  DORM_SUMMARY_WEEKDAY: intIn(1, 7, 1),
  DORM_SUMMARY_TIME: clock('09:00'),
  DORM_REPEAT_ABSENCES: intIn(2, 31, 2),
  DORM_HYGIENE_WEEKDAY: intIn(0, 7, 6),
  DORM_RENT_REMIND_DAY: intIn(1, 28, 1),
  DORM_RENT_ESCALATE_DAY: intIn(1, 28, 10),
});
export type DormEnv = z.infer<typeof dormEnv>;

export interface DormSettings {
  times: EveningTimes;
  /** ISO weekday (1 = Monday) and time of the weekly summary to 综合部. */
  summary: { weekday: number; time: number };
  /** 未归 this many times in the summary's week is a repeat case. */
  repeatAbsences: number;
  /** ISO weekday leaders are reminded to record the hygiene evaluation (0 = no reminder). */
  hygieneWeekday: number;
  rent: { remindDay: number; escalateDay: number };
}

/** Rules across variables; each problem names the variable and how to fix it. */
export function checkDormEnv(raw: DormEnv): string[] {
  const problems: string[] = [];
  const order = eveningOrderProblem(timesOf(raw));
  if (order) {
    problems.push(
      `DORM_ROLLCALL_TIME / DORM_CHASE_TIME / DORM_ESCALATE_TIME / DORM_CORRECTION_CUTOFF: ${order} — e.g. 21:45, 22:15, 22:45, 08:00`,
    );
  }
  if (raw.DORM_RENT_ESCALATE_DAY <= raw.DORM_RENT_REMIND_DAY) {
    problems.push('DORM_RENT_ESCALATE_DAY: must be later in the month than DORM_RENT_REMIND_DAY — e.g. 1 and 10');
  }
  return problems;
}

function timesOf(raw: DormEnv): EveningTimes {
  return {
    rollCall: parseClock(raw.DORM_ROLLCALL_TIME)!,
    chase: parseClock(raw.DORM_CHASE_TIME)!,
    escalate: parseClock(raw.DORM_ESCALATE_TIME)!,
    cutoff: parseClock(raw.DORM_CORRECTION_CUTOFF)!,
  };
}

export function buildDormSettings(raw: DormEnv): DormSettings {
  return {
    times: timesOf(raw),
    summary: { weekday: raw.DORM_SUMMARY_WEEKDAY, time: parseClock(raw.DORM_SUMMARY_TIME)! },
    repeatAbsences: raw.DORM_REPEAT_ABSENCES,
    hygieneWeekday: raw.DORM_HYGIENE_WEEKDAY,
    rent: { remindDay: raw.DORM_RENT_REMIND_DAY, escalateDay: raw.DORM_RENT_ESCALATE_DAY },
  };
}

export const DEFAULT_DORM_SETTINGS: DormSettings = buildDormSettings(dormEnv.parse({}));

/**
 * The one place handlers and jobs read the settings from the running config. Until the settings
 * slices of the workflow layout land, the config carries them as `dorms` (absent = defaults).
 */
export function dormSettingsOf(config: object): DormSettings {
  return (config as { dorms?: DormSettings }).dorms ?? DEFAULT_DORM_SETTINGS;
}
