import { defineSettings, intIn } from '../../src/core/settings.ts';

/** Binding chat accounts to staff records. */
export const foundationSettings = defineSettings(
  'foundation',
  { BIND_CODE_TTL_MINUTES: intIn(1, 30 * 24 * 60, 24 * 60) },
  (c) => ({ bindCodeTtlMinutes: c.BIND_CODE_TTL_MINUTES }),
);
