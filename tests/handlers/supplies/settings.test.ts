import { describe, expect, it } from 'vitest';
import { supplySettings } from '../../../handlers/supplies/settings.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { composition } from '../../../src/workflows.ts';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env, composition.settings);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('§4.2 monthly report settings', () => {
  it('reminds on the 25th at 09:00 and sums up on the 28th at 17:00 by default', () => {
    expect(supplySettings.of(loadConfig({}, composition.settings))).toEqual({
      reportDay: 25,
      remindTime: '09:00',
      summaryDay: 28,
      summaryTime: '17:00',
    });
  });

  it('refuses a day some months do not have, naming the variable and the fix', () => {
    expect(problems({ SUPPLIES_REPORT_DAY: '31' })).toMatch(/SUPPLIES_REPORT_DAY: .*1 to 28/);
  });

  it('refuses a summary that would come before leaders are reminded', () => {
    expect(problems({ SUPPLIES_REPORT_DAY: '20', SUPPLIES_SUMMARY_DAY: '10' })).toContain(
      'SUPPLIES_SUMMARY_DAY: the summary must come after the reminder',
    );
  });

  it('refuses a time that is not HH:mm', () => {
    expect(problems({ SUPPLIES_REMIND_TIME: '9点' })).toContain('SUPPLIES_REMIND_TIME');
  });
});
