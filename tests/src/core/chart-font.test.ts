import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { subsetFont } from '../../../src/core/chart-font.ts';
import { chartSvg } from '../../../src/core/chart-image.ts';

const FONT = join(
  dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')),
  '..',
  'fonts',
  'NotoSansHans-Regular.otf',
);
const whole = readFileSync(FONT);
const dir = await mkdtemp(join(tmpdir(), 'chart-font-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
/** The picture's pixels with a font file, or with these font bytes written to a file (resvg takes files). */
async function pixels(svg: string, font: Buffer | string): Promise<Buffer> {
  const file = typeof font === 'string' ? font : join(dir, `${++files}.otf`);
  if (typeof font !== 'string') await writeFile(file, font);
  return new Resvg(svg, {
    font: { fontFiles: [file], loadSystemFonts: false, defaultFontFamily: 'Noto Sans Hans' },
  }).render().pixels;
}

describe('the chart font cut down to one picture’s characters', () => {
  it('draws a chart with the same pixels as the whole 8 MB font, from a file under 1 MB', async () => {
    const svg = await chartSvg({
      kind: 'bar',
      title: '各车每公里费用',
      categories: ['粤BH1221', '粤BL1369', '宿舍124（§3.3.3）'],
      series: [
        { name: '已结案', values: [3.25, 1, 0] },
        { name: '未结案', values: [2, 0, 1] },
      ],
      unit: '元',
    });
    const cut = await subsetFont(whole, svg);
    expect(whole.length).toBeGreaterThan(8_000_000);
    expect(cut.length).toBeLessThan(1_000_000);
    expect((await pixels(svg, cut)).equals(await pixels(svg, FONT))).toBe(true);
  });

  it('really leaves out the characters the picture lacks: they are not drawn as the font draws them', async () => {
    const text = (t: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#fff"/><text x="10" y="40" font-size="30">${t}</text></svg>`;
    const ink = (p: Buffer) => p.filter((v, i) => i % 4 === 0 && v < 128).length;
    const cut = await subsetFont(whole, text('报销'));
    expect(ink(await pixels(text('报销'), cut))).toBeGreaterThan(50);
    expect(cut.length).toBeLessThan(100_000);
    expect((await pixels(text('投诉'), cut)).equals(await pixels(text('投诉'), FONT))).toBe(false);
    expect((await pixels(text('报销'), cut)).equals(await pixels(text('报销'), FONT))).toBe(true);
  });
});
