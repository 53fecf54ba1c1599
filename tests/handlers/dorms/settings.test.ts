import { describe, expect, it } from 'vitest';
import { dormSettings } from '../../../handlers/dorms/settings.ts';
import { ConfigError } from '../../../src/config.ts';
import { testConfig } from '../../helpers/harness.ts';

function problems(env: Record<string, string>): string[] {
  try {
    testConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('§3.3 dorm settings', () => {
  it('default to a 21:45 roll call, 22:15 chase, 22:45 escalation, an 08:00 next-morning cut-off, a Monday summary and rent on the 1st/10th', () => {
    const s = dormSettings.of(testConfig());
    expect(s.times).toEqual({ rollCall: 21 * 60 + 45, chase: 22 * 60 + 15, escalate: 22 * 60 + 45, cutoff: 8 * 60 });
    expect(s.summary).toEqual({ weekday: 1, time: 9 * 60 });
    expect(s.rent).toEqual({ remindDay: 1, escalateDay: 10 });
  });

  it('take other times from the environment', () => {
    expect(dormSettings.of(testConfig({ DORM_ROLLCALL_TIME: '21:30', DORM_CHASE_TIME: '22:00' })).times.rollCall).toBe(
      21 * 60 + 30,
    );
  });

  it('refuse times out of order or unreadable, naming the variables', () => {
    expect(problems({ DORM_ESCALATE_TIME: '22:00' }).join('\n')).toContain('DORM_ESCALATE_TIME');
    expect(problems({ DORM_CORRECTION_CUTOFF: '22:30' }).join('\n')).toContain('cut-off');
    expect(problems({ DORM_ROLLCALL_TIME: '9点' }).join('\n')).toContain('DORM_ROLLCALL_TIME');
    expect(problems({ DORM_RENT_REMIND_DAY: '10', DORM_RENT_ESCALATE_DAY: '5' }).join('\n')).toContain(
      'DORM_RENT_ESCALATE_DAY',
    );
  });
});
