import { eveningStep } from '../handlers/dorms/evening.ts';
import { dailyStep } from '../handlers/dorms/periodic.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';

/**
 * §3.3.3 every minute: the roll call, chase and escalation times are settings, and catch-up means
 * "until the escalation time", not a fixed age, so one job asks the evening's state machine what is
 * due now. Each send is claimed once (per dorm and evening, or per evening) across instances.
 */
export const dormEvening: JobDefinition = {
  name: 'dorms.evening',
  cron: '* * * * *',
  description: '宿舍查房：发查房、催报、报综合部',
  catchUpMs: 2 * 60_000,
  run: async (deps) => {
    await eveningStep(deps);
  },
};

/**
 * From DORM_SUMMARY_TIME each day: the weekly summary (§3.3.3, §3.3.2), the hygiene reminder and
 * the monthly rent round (§3.3.4), each claimed once per day or month so a later start still sends it.
 */
export const dormDaily: JobDefinition = {
  name: 'dorms.daily',
  cron: '* * * * *',
  description: '宿舍周报、卫生评比提醒、房租申报提醒和上报',
  catchUpMs: 2 * 60_000,
  run: async (deps) => {
    await dailyStep(deps);
  },
};

export const dormJobs: JobDefinition[] = [dormEvening, dormDaily];
