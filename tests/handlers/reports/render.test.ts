import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS_PER_CARD, ChartPictures, reportCards, sendReport } from '../../../handlers/reports/render.ts';
import type { Chart, ReportPart } from '../../../src/core/reporting.ts';
import { isFileMessage, type Outgoing, TEXT_ONLY } from '../../../src/core/types.ts';

const chart = (title: string): Chart => ({
  kind: 'bar',
  title,
  categories: ['甲', '乙'],
  series: [{ name: 'n', values: [1, 2] }],
});
const part = (title: string, charts: number): ReportPart => ({
  title,
  lines: [`${title}的一行`],
  charts: Array.from({ length: charts }, (_, i) => chart(`${title}图${i + 1}`)),
});

const dir = await mkdtemp(join(tmpdir(), 'weekly-render-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a report as cards', () => {
  it('deals the parts over cards of at most four charts, in order, each part whole under its title', () => {
    const cards = reportCards('周报', [
      part('投诉', 1),
      part('报销', 2),
      part('点名', 1),
      part('物资', 1),
      part('车辆', 0),
    ]);
    expect(cards.map((c) => c.title)).toEqual(['周报（1/2）', '周报（2/2）']);
    expect(cards.map((c) => c.charts!.length)).toEqual([CHARTS_PER_CARD, 1]);
    expect(cards[0]!.lines).toEqual(['【投诉】', '投诉的一行', '【报销】', '报销的一行', '【点名】', '点名的一行']);
    expect(cards[1]!.lines).toEqual(['【物资】', '物资的一行', '【车辆】', '车辆的一行']);
    expect(reportCards('周报', [part('投诉', 0)]).map((c) => c.title)).toEqual(['周报']);
  });

  it('on a text channel sends the card without charts and then each chart as a PNG picture', async () => {
    const sent: Outgoing[] = [];
    const [card] = reportCards('月报', [part('投诉', 2)]);
    await sendReport(
      new ChartPictures({ config: { dataDir: dir } as never, now: () => new Date() }),
      TEXT_ONLY,
      [card!],
      async (m) => sent.push(m),
    );
    expect(sent).toHaveLength(3);
    expect((sent[0] as { charts?: unknown }).charts).toBeUndefined();
    expect((sent[0] as { note?: string }).note).toBe('图表 2 张见随后的图片。');
    const files = sent.slice(1).filter(isFileMessage);
    expect(files.map((f) => [f.name, f.image])).toEqual([
      ['投诉图1.png', true],
      ['投诉图2.png', true],
    ]);
    const png = await readFile(files[0]!.path);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeLessThan(150_000);
  });

  it('on Lark sends the card with its charts and no pictures', async () => {
    const sent: Outgoing[] = [];
    const [card] = reportCards('月报', [part('投诉', 2)]);
    await sendReport(
      new ChartPictures({ config: { dataDir: dir } as never, now: () => new Date() }),
      { ...TEXT_ONLY, charts: true },
      [card!],
      async (m) => sent.push(m),
    );
    expect(sent).toHaveLength(1);
    expect((sent[0] as { charts?: unknown[] }).charts).toHaveLength(2);
  });

  it('draws a card’s pictures once for everyone, and removes picture folders older than a week', async () => {
    const { mkdir } = await import('node:fs/promises');
    const { existsSync } = await import('node:fs');
    await mkdir(join(dir, 'reports', '2026-11-01', 'old'), { recursive: true });
    const pictures = new ChartPictures({
      config: { dataDir: dir } as never,
      now: () => new Date('2026-11-30T01:00:00Z'),
    });
    const [card] = reportCards('周报', [part('投诉', 1)]);
    const [a, b] = await Promise.all([pictures.of(card!), pictures.of(card!)]);
    expect(a).toBe(b);
    expect(a![0]!.path).toContain(join(dir, 'reports', '2026-11-30'));
    expect(existsSync(join(dir, 'reports', '2026-11-01'))).toBe(false);
  });
});
