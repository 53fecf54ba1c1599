import { describe, expect, it, vi } from 'vitest';
import { reports } from '../../../handlers/reports/index.ts';
import type { Services } from '../../../src/core/context.ts';
import { testConfig } from '../../helpers/harness.ts';

/*
 * The first 周报 drawn as pictures waited ~0.7 s for ECharts to be imported (bench:reports: 3.5 s
 * against 2.8 s for the next ones). A bot with a channel that shows charts as pictures loads the
 * libraries soon after start; one on Lark only (cards draw their own charts) never loads them.
 */

const preload = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../../src/core/chart-image.ts', async (original) => ({
  ...(await original<typeof import('../../../src/core/chart-image.ts')>()),
  preloadChartLibraries: () => {
    preload.calls++;
  },
}));

const servicesWith = (env: Record<string, string>) =>
  ({ config: testConfig(env), log: { warn() {} } }) as unknown as Services;

describe('the chart libraries after start', () => {
  it('are loaded by a bot with the console (pictures for charts), not by one without it', async () => {
    await reports.start!(servicesWith({}));
    expect(preload.calls).toBe(0);
    await reports.start!(servicesWith({ BOT_CONSOLE: 'on' }));
    expect(preload.calls).toBe(1);
  });
});
