import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chartLibraries, chartPng, writeChartPngs } from '../../src/core/chart-image.ts';
import type { Services } from '../../src/core/context.ts';
import type { Chart, ReportPart } from '../../src/core/reporting.ts';
import type { Card, ChannelCapabilities, Outgoing } from '../../src/core/types.ts';

/*
 * A report's parts as cards, and as what a channel can show. Lark draws the charts in the card (at
 * most four a card, so a week of six sections is two cards); on WeChat and the console each chart
 * becomes a PNG, written under DATA_DIR/reports and sent after the text.
 */

/** Charts per card: Lark advises five at most; four keeps a card's JSON well under 30 KB. */
export const CHARTS_PER_CARD = 4;

/** The parts dealt over cards in order, each card taking parts while their charts fit in it. */
export function reportCards(title: string, parts: readonly ReportPart[], color: Card['color'] = 'blue'): Card[] {
  const groups: ReportPart[][] = [];
  let charts = 0;
  for (const part of parts) {
    const n = part.charts?.length ?? 0;
    if (!groups.length || charts + n > CHARTS_PER_CARD) {
      groups.push([]);
      charts = 0;
    }
    groups.at(-1)!.push(part);
    charts += n;
  }
  return groups.map((g, i) => ({
    title: groups.length > 1 ? `${title}（${i + 1}/${groups.length}）` : title,
    color,
    lines: g.flatMap((p) => [`【${p.title}】`, ...p.lines]),
    charts: g.flatMap((p) => [...(p.charts ?? [])]),
  }));
}

/** A card as sent to a channel that draws no charts: the charts are named, their pictures follow. */
function withoutCharts(card: Card): Card {
  const { charts, ...rest } = card;
  return charts?.length ? { ...rest, note: `图表 ${charts.length} 张见随后的图片。` } : rest;
}

/**
 * The PNG files of each card's charts, drawn once however many people the report goes to. They are
 * written under DATA_DIR/reports/<day>; folders older than a week are removed when a new one is made,
 * so a file message queued for a retry still finds its file. A report may start drawing a part's
 * charts (`early`) as soon as the part is built, while the other parts still read.
 */
export class ChartPictures {
  private readonly drawn = new Map<Card, Promise<{ path: string; name: string }[]>>();
  private readonly pngs = new Map<Chart, Promise<Buffer>>();

  constructor(private readonly services: Pick<Services, 'config' | 'now'>) {}

  /** Loads the drawing libraries now, so that it overlaps what the report reads first. */
  warm(): void {
    chartLibraries().catch(() => {});
  }

  /** Starts drawing these charts; `of` then writes the pictures already drawn. */
  early(charts: readonly Chart[]): void {
    // a failure is reported where the picture is awaited (`of`), not here
    for (const c of charts) this.png(c).catch(() => {});
  }

  of(card: Card): Promise<{ path: string; name: string }[]> {
    let files = this.drawn.get(card);
    if (!files) {
      // drawing starts now, not after the folder is made
      this.early(card.charts ?? []);
      files = chartFiles(this.services, card.charts ?? [], (c) => this.png(c));
      this.drawn.set(card, files);
    }
    return files;
  }

  private png(chart: Chart): Promise<Buffer> {
    let png = this.pngs.get(chart);
    if (!png) {
      png = chartPng(chart);
      this.pngs.set(chart, png);
    }
    return png;
  }
}

/**
 * Sends the cards through `send`; where the channel cannot draw charts, each card without them and
 * then each chart as a PNG picture (a file message with `image: true`). Every card's pictures are
 * started before the first is sent, so they are drawn side by side rather than card after card.
 */
export async function sendReport(
  pictures: ChartPictures,
  can: ChannelCapabilities,
  cards: readonly Card[],
  send: (m: Outgoing) => Promise<unknown>,
): Promise<void> {
  const drawn = can.charts ? [] : cards.map((card) => (card.charts?.length ? pictures.of(card) : undefined));
  // awaited in order below; a failed drawing is not also an unhandled rejection meanwhile
  for (const d of drawn) d?.catch(() => {});
  for (const [i, card] of cards.entries()) {
    const files = drawn[i];
    if (!files) {
      await send(card);
      continue;
    }
    await send(withoutCharts(card));
    for (const png of await files) await send({ kind: 'file', path: png.path, name: png.name, image: true });
  }
}

const KEEP_DAYS = 7;
let seq = 0;

/** The charts as PNG files under DATA_DIR/reports/<day>/<a folder of their own>. */
export async function chartFiles(
  services: Pick<Services, 'config' | 'now'>,
  charts: readonly Chart[],
  draw?: (chart: Chart) => Promise<Buffer>,
) {
  const root = join(services.config.dataDir, 'reports');
  const now = services.now();
  const day = now.toISOString().slice(0, 10);
  await pruneOlderThan(root, new Date(now.getTime() - KEEP_DAYS * 24 * 3600_000).toISOString().slice(0, 10));
  return writeChartPngs(charts, join(root, day, `${Date.now()}-${process.pid}-${++seq}`), draw);
}

/** Removes the day folders (yyyy-MM-dd) before `day`; nothing when there are none. */
async function pruneOlderThan(root: string, day: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n) && n < day)
      .map((n) => rm(join(root, n), { recursive: true, force: true })),
  );
}
