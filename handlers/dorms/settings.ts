import { defineSettings, intIn, timeOfDay } from '../../src/core/settings.ts';
import { type EveningTimes, eveningOrderProblem, parseClock } from './rules.ts';

/*
 * The dorm workflow's settings. Times are HH:mm in BOT_TIMEZONE; a time before 12:00 belongs to
 * the morning after the roll call (a 08:00 cut-off is the next morning).
 */

type Raw = {
  DORM_ROLLCALL_TIME: string;
  DORM_CHASE_TIME: string;
  DORM_ESCALATE_TIME: string;
  DORM_CORRECTION_CUTOFF: string;
  DORM_RENT_REMIND_DAY: number;
  DORM_RENT_ESCALATE_DAY: number;
};

function timesOf(raw: Raw): EveningTimes {
  return {
    rollCall: parseClock(raw.DORM_ROLLCALL_TIME)!,
    chase: parseClock(raw.DORM_CHASE_TIME)!,
    escalate: parseClock(raw.DORM_ESCALATE_TIME)!,
    cutoff: parseClock(raw.DORM_CORRECTION_CUTOFF)!,
  };
}

/** Rules across variables; each problem names the variables and how to fix them. */
export function checkDormSettings(raw: Raw): string[] {
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

export const dormSettings = defineSettings(
  'dorms',
  {
    DORM_ROLLCALL_TIME: timeOfDay('21:45'),
    DORM_CHASE_TIME: timeOfDay('22:15'),
    DORM_ESCALATE_TIME: timeOfDay('22:45'),
    DORM_CORRECTION_CUTOFF: timeOfDay('08:00'),
    DORM_SUMMARY_WEEKDAY: intIn(1, 7, 1),
    DORM_SUMMARY_TIME: timeOfDay('09:00'),
    DORM_REPEAT_ABSENCES: intIn(2, 31, 2),
    DORM_HYGIENE_WEEKDAY: intIn(0, 7, 6),
    DORM_RENT_REMIND_DAY: intIn(1, 28, 1),
    DORM_RENT_ESCALATE_DAY: intIn(1, 28, 10),
  },
  (raw) => ({
    times: timesOf(raw),
    /** ISO weekday (1 = Monday) and time of day of the weekly summary to 综合部; daily reminders go out at that time too. */
    summary: { weekday: raw.DORM_SUMMARY_WEEKDAY, time: parseClock(raw.DORM_SUMMARY_TIME)! },
    /** 未归 this many times in the summary's week is a repeat case. */
    repeatAbsences: raw.DORM_REPEAT_ABSENCES,
    /** ISO weekday leaders are reminded to record the hygiene evaluation (0 = no reminder). */
    hygieneWeekday: raw.DORM_HYGIENE_WEEKDAY,
    rent: { remindDay: raw.DORM_RENT_REMIND_DAY, escalateDay: raw.DORM_RENT_ESCALATE_DAY },
  }),
  {
    fixes: {
      DORM_ROLLCALL_TIME: 'write a time like 21:45 (BOT_TIMEZONE)',
      DORM_SUMMARY_WEEKDAY: 'use 1 (Monday) … 7 (Sunday)',
      DORM_HYGIENE_WEEKDAY: 'use 1 (Monday) … 7 (Sunday), or 0 for no reminder',
    },
    check: checkDormSettings,
  },
);
export type DormSettings = ReturnType<typeof dormSettings.of>;
