import { join } from 'node:path';
import { writeChartPngs } from '../../src/core/chart-image.ts';
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
 * Sends the cards through `send`; where the channel cannot draw charts, each chart as a PNG after
 * its card. `images` sends one picture file; until the channels send files it may be undefined,
 * and the pictures are then only written (the text already holds every figure).
 */
export async function sendReport(
  services: Pick<Services, 'config'>,
  can: ChannelCapabilities,
  cards: readonly Card[],
  send: (m: Outgoing) => Promise<unknown>,
  images?: (png: { path: string; name: string }) => Promise<unknown>,
): Promise<void> {
  for (const card of cards) {
    if (can.charts || !card.charts?.length) {
      await send(card);
      continue;
    }
    await send(images ? withoutCharts(card) : { ...card, charts: undefined });
    if (images) for (const png of await chartFiles(services, card.charts)) await images(png);
  }
}

let seq = 0;

/** The charts as PNG files under DATA_DIR/reports, in a folder of their own per send. */
export async function chartFiles(services: Pick<Services, 'config'>, charts: readonly Chart[]) {
  const dir = join(services.config.dataDir, 'reports', `${Date.now()}-${process.pid}-${++seq}`);
  return writeChartPngs(charts, dir);
}
