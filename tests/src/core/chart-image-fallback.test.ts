import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { chartPng } from '../../../src/core/chart-image.ts';

// a font the cutter does not understand (another package's, a TrueType one): it throws
const cut = vi.hoisted(() => ({ tried: 0 }));
vi.mock('../../../src/core/chart-font.ts', () => ({
  subsetFont: async () => {
    cut.tried++;
    throw new Error('not a CFF OpenType font');
  },
}));

const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(b: Buffer): { data: Buffer } } };
};
const dark = (png: Buffer) => {
  const { data } = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 600) n++;
  return n;
};

describe('a chart picture when the font cannot be cut down', () => {
  it('is drawn with the whole font, Chinese title and all', async () => {
    const chart = { kind: 'bar' as const, title: '', categories: ['一般性'], series: [{ name: 'n', values: [3] }] };
    const titled = await chartPng({ ...chart, title: '投诉按类别与现状统计表' });
    expect(dark(titled) - dark(await chartPng(chart))).toBeGreaterThan(300);
    expect(cut.tried).toBe(2);
  });
});
