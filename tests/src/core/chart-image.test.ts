import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, chartPng, chartSvg } from '../../../src/core/chart-image.ts';
import type { Chart } from '../../../src/core/types.ts';

// pngjs ships no types of its own; only its synchronous reader is used here
const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } };
};

const bars: Chart = {
  kind: 'bar',
  title: '投诉按类别与现状',
  categories: ['一般性', '扣服务费', '非正当理由'],
  series: [
    { name: '已结案', values: [3, 1, 0] },
    { name: '未结案', values: [2, 0, 1] },
  ],
  unit: '件',
};

/** Pixels that are not (near) white, and how many distinct colours the picture has. */
function ink(png: { width: number; height: number; data: Buffer }) {
  let dark = 0;
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    if (r + g + b < 600) dark++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { dark, colours: colours.size };
}

describe('a chart as a PNG for text channels', () => {
  it('draws a bar chart of 800×450 that is not blank, in a few dozen KB', async () => {
    const png = await chartPng(bars);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(3_000);
    expect(png.length).toBeLessThan(150_000);
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    const { dark, colours } = ink(image);
    // the bars alone cover thousands of pixels; a blank or text-less picture has a handful of colours
    expect(dark).toBeGreaterThan(5_000);
    expect(colours).toBeGreaterThan(20);
  });

  it('draws the Chinese title with the packaged font, not as missing glyphs: the title adds ink', async () => {
    const titled = ink(PNG.sync.read(await chartPng({ ...bars, title: '投诉按类别与现状统计表' })));
    const bare = ink(PNG.sync.read(await chartPng({ ...bars, title: '' })));
    // with no CJK font resvg draws nothing for 汉字 and the two pictures would have the same ink
    expect(titled.dark - bare.dark).toBeGreaterThan(300);
  });

  it('draws a pie and a line chart too', async () => {
    const pie = PNG.sync.read(
      await chartPng({
        kind: 'pie',
        title: '报销按类别',
        categories: ['交通', '餐费'],
        series: [{ name: '金额', values: [120.5, 80] }],
      }),
    );
    expect(ink(pie).dark).toBeGreaterThan(5_000);
    const svg = await chartSvg({
      kind: 'line',
      title: '按日',
      categories: ['一', '二'],
      series: [{ name: 'n', values: [1, 2] }],
    });
    expect(svg).toContain('<svg');
    expect(svg).toContain('按日');
  });

  it('draws two charts at once, each whole and of its own title', async () => {
    const [a, b] = await Promise.all([
      chartPng({ ...bars, title: '投诉按类别与现状统计表' }),
      chartPng({ ...bars, title: '' }),
    ]);
    const [titled, bare] = [PNG.sync.read(a), PNG.sync.read(b)];
    expect([titled.width, titled.height, bare.width, bare.height]).toEqual([
      CHART_WIDTH,
      CHART_HEIGHT,
      CHART_WIDTH,
      CHART_HEIGHT,
    ]);
    expect(ink(titled).dark - ink(bare).dark).toBeGreaterThan(300);
  });

  it('does not draw 300 dorms’ value labels over each other, only those with room', async () => {
    const dorms: Chart = {
      kind: 'bar',
      title: '各宿舍点名按时率',
      categories: Array.from({ length: 300 }, (_, i) => `宿舍${String(i + 1).padStart(3, '0')}`),
      series: [{ name: '按时率', values: Array.from({ length: 300 }, (_, i) => (i < 40 ? 86 : 100)) }],
      unit: '%',
    };
    const labels = (await chartSvg(dorms)).match(/<text[^>]*>(86|100)<\/text>/g) ?? [];
    // 800 px hold a few dozen labels side by side; 300 would be a black smear (and 300 font reads)
    expect(labels.length).toBeGreaterThan(5);
    expect(labels.length).toBeLessThan(80);
    const few = await chartSvg({ ...bars, title: '少' });
    expect(few).toContain('>3</text>');
    expect(few).toContain('>2</text>');
  });

  it('leaves no font file behind in the temp dir once a picture is drawn', async () => {
    await chartPng(bars);
    const left = await readdir(join(tmpdir(), 'guard-desk-chart-fonts')).catch(() => [] as string[]);
    expect(left.filter((f) => f.startsWith(`${process.pid}-`))).toEqual([]);
  });
});
