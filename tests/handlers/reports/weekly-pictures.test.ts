import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChartPictures, sendReport } from '../../../handlers/reports/render.ts';
import { weeklyCards } from '../../../handlers/reports/weekly.ts';
import type { Services } from '../../../src/core/context.ts';
import { Extensions } from '../../../src/core/extensions.ts';
import { type Chart, type Period, REPORTING } from '../../../src/core/reporting.ts';
import { isFileMessage, type Outgoing, TEXT_ONLY } from '../../../src/core/types.ts';

// the drawing itself is chart-image.test.ts's; here only when and how often 周报 asks for a picture
const drawn = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/core/chart-image.ts', async (real) => ({
  ...(await real<typeof import('../../../src/core/chart-image.ts')>()),
  chartLibraries: async () => ({}),
  chartPng: async (chart: Chart) => {
    drawn.push(chart.title);
    return Buffer.from(`png of ${chart.title}`);
  },
}));

const chart = (title: string): Chart => ({
  kind: 'bar',
  title,
  categories: ['甲'],
  series: [{ name: 'n', values: [1] }],
});
const week: Period = { from: new Date('2026-11-23'), to: new Date('2026-11-30'), label: '2026-11-23 至 2026-11-29' };

const dir = await mkdtemp(join(tmpdir(), 'weekly-pictures-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  drawn.length = 0;
});

/** A fast section with a chart and a slow one that reads until `open()` is called. */
function twoSections() {
  let open!: () => void;
  const gate = new Promise<void>((go) => {
    open = go;
  });
  const services = {
    config: { dataDir: dir },
    now: () => new Date('2026-11-30T01:00:00Z'),
    onError: () => 'x',
    extensions: new Extensions([
      REPORTING.weekly.with({
        title: '慢的部分',
        build: async () => {
          await gate;
          return { title: '慢的部分', lines: ['读完了'], charts: [chart('慢图')] };
        },
      }),
      REPORTING.weekly.with({
        title: '快的部分',
        build: async () => ({ title: '快的部分', lines: ['很快'], charts: [chart('快图1'), chart('快图2')] }),
      }),
    ]),
  } as unknown as Services;
  return { services, open };
}

describe('周报 pictures for the text channels', () => {
  it('draws a section’s charts as soon as it is built, while a slower section still reads', async () => {
    const { services, open } = twoSections();
    const pictures = new ChartPictures(services);
    const cards = weeklyCards(services, week, pictures);
    await vi.waitFor(() => expect(drawn).toEqual(['快图1', '快图2']));
    open();
    const sent: Outgoing[] = [];
    await sendReport(pictures, TEXT_ONLY, await cards, async (m) => sent.push(m));
    // each chart drawn once, though the fast ones were drawn before the cards existed
    expect(drawn.sort()).toEqual(['快图1', '快图2', '慢图']);
    expect(sent.filter(isFileMessage).map((f) => f.name)).toEqual(['慢图.png', '快图1.png', '快图2.png']);
  });

  it('draws nothing for Lark, whose cards draw their charts', async () => {
    const { services, open } = twoSections();
    open();
    const pictures = new ChartPictures(services);
    const cards = await weeklyCards(services, week);
    const sent: Outgoing[] = [];
    await sendReport(pictures, { ...TEXT_ONLY, charts: true }, cards, async (m) => sent.push(m));
    expect(drawn).toEqual([]);
    expect(sent.filter(isFileMessage)).toEqual([]);
  });

  it('starts every card’s pictures before the first card is sent', async () => {
    const { services, open } = twoSections();
    open();
    const pictures = new ChartPictures(services);
    const many = ['一', '二', '三', '四', '五'].map((n) => chart(`图${n}`));
    const cards = [
      { title: '周报（1/2）', lines: [], charts: many.slice(0, 4) },
      { title: '周报（2/2）', lines: [], charts: many.slice(4) },
    ];
    const seen: string[][] = [];
    await sendReport(pictures, TEXT_ONLY, cards, async () => {
      seen.push([...drawn]);
    });
    // when the first card went out, the second card's chart was already being drawn
    expect(seen[0]).toContain('图五');
  });
});
