import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { subsetFont } from './chart-font.ts';
import type { Chart } from './types.ts';

/*
 * A Chart as a PNG picture, for the channels whose cards cannot draw one (WeChat, the console):
 * ECharts renders it to SVG on the server (no browser, no canvas), resvg turns the SVG into a PNG.
 * Chinese needs a CJK font and this machine, like many servers, has none: the font comes from an
 * npm package (@embedpdf/fonts-sc, Noto Sans SC) and is the only one resvg may use, so the picture
 * is the same on every machine. Both libraries are loaded on first use: most processes draw no chart.
 *
 * What a picture costs: resvg 2.6 (the native build) re-reads the whole 8 MB font file for every
 * <text> it lays out (thx/resvg-js#367; only the WASM build takes font buffers), ~4 ms a text. So
 * each picture gets a copy of the font with only its own characters' outlines (chart-font.ts, under
 * 1 MB, the same pixels), the labels that would overlap anyway are left out (a week's 300 dorms drew
 * 300 labels on top of each other: a black smear), and the drawing runs on libuv's thread pool
 * (renderAsync), a couple at a time, so the event loop stays free while a report's charts are drawn.
 */

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 450;
const FONT_FAMILY = 'Noto Sans Hans';
const PALETTE = ['#3370ff', '#ff8800', '#34c724', '#f54a45', '#7f3bf5', '#14c0ff', '#ffc60a', '#8f959e'];

let fontFile: string | undefined;
function cjkFont(): string {
  // the package exports only its font list, so the file is found beside its entry point
  fontFile ??= join(
    dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')),
    '..',
    'fonts',
    'NotoSansHans-Regular.otf',
  );
  return fontFile;
}

let fontBytes: Promise<Buffer> | undefined;
let fontDir: Promise<string> | undefined;
let fontSeq = 0;

/**
 * A font file for one picture: the packaged font cut down to the SVG's characters, written under the
 * temp dir (resvg takes files only), and removed by `done`. Should the cut fail (another font file,
 * say), the whole font does: slower, the same picture.
 */
async function fontFor(svg: string): Promise<{ path: string; done: () => Promise<void> }> {
  try {
    fontBytes ??= readFile(cjkFont());
    // one folder for every process (the files carry the pid), so none is left behind per process
    fontDir ??= mkdir(join(tmpdir(), 'guard-desk-chart-fonts'), { recursive: true }).then(() =>
      join(tmpdir(), 'guard-desk-chart-fonts'),
    );
    const cut = await subsetFont(await fontBytes, svg);
    const path = join(await fontDir, `${process.pid}-${++fontSeq}.otf`);
    await writeFile(path, cut);
    return { path, done: () => rm(path, { force: true }) };
  } catch {
    return { path: cjkFont(), done: async () => {} };
  }
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

/** The ECharts option of a chart: the same kinds and labels as the Lark card's VChart spec. */
export function echartsOption(chart: Chart): Record<string, unknown> {
  const base = {
    animation: false,
    backgroundColor: '#ffffff',
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: chart.unit ? `${chart.title}（${chart.unit}）` : chart.title, left: 'center', top: 10 },
  };
  if (chart.kind === 'pie') {
    return {
      ...base,
      legend: { bottom: 10 },
      series: [
        {
          type: 'pie',
          radius: ['30%', '60%'],
          center: ['50%', '50%'],
          label: { formatter: '{b}：{c}' },
          data: chart.categories.map((c, i) => ({ name: c, value: round(chart.series[0]?.values[i] ?? 0) })),
        },
      ],
    };
  }
  const several = chart.series.length > 1;
  return {
    ...base,
    legend: several ? { bottom: 10 } : undefined,
    grid: { left: 60, right: 30, top: 60, bottom: several ? 70 : 50, containLabel: true },
    xAxis: { type: 'category', data: [...chart.categories], axisLabel: { interval: 0, hideOverlap: true } },
    // counts (件, 项, 次) get whole-number ticks, not 0.2, 0.4…
    yAxis: { type: 'value', minInterval: chart.series.every((s) => s.values.every(Number.isInteger)) ? 1 : 0 },
    series: chart.series.map((s) => ({
      type: chart.kind,
      name: s.name,
      data: s.values.map(round),
      label: { show: true, position: 'top' },
      // with many bars the values would be drawn over each other: only those with room are shown
      labelLayout: { hideOverlap: true },
    })),
  };
}

/**
 * Imports the chart libraries a little after start (`afterMs`), in the background: a process that
 * will draw pictures pays the import while idle rather than in its first report. Never throws.
 */
export function preloadChartLibraries(log: { warn(o: object, m: string): void }, afterMs = 2000): void {
  setTimeout(() => {
    chartLibraries().catch((err: unknown) => log.warn({ err }, 'chart libraries could not be loaded'));
  }, afterMs).unref();
}

type Libraries = { echarts: typeof import('echarts'); resvg: typeof import('@resvg/resvg-js') };
let libraries: Promise<Libraries> | undefined;

/**
 * ECharts and resvg, imported once. Importing ECharts costs about a second of CPU, so a report that
 * will draw calls this when it starts, and the import runs while its sections still read.
 */
export function chartLibraries(): Promise<Libraries> {
  libraries ??= Promise.all([import('echarts'), import('@resvg/resvg-js')]).then(([echarts, resvg]) => ({
    echarts,
    resvg,
  }));
  return libraries;
}

/** The chart as SVG text, drawn by ECharts without a browser. */
export async function chartSvg(chart: Chart, width = CHART_WIDTH, height = CHART_HEIGHT): Promise<string> {
  const { echarts } = await chartLibraries();
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    instance.setOption(echartsOption(chart));
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

/**
 * Pictures drawn at once on the thread pool: two keep both cores of a small server busy without
 * starving the database and the pool's other users (file reads and writes), which have four threads.
 */
export const DRAWN_AT_ONCE = 2;
let drawing = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (drawing >= DRAWN_AT_ONCE) await new Promise<void>((go) => waiting.push(go));
  else drawing++;
  try {
    return await work();
  } finally {
    // the turn passes straight to the next waiting drawing, so `drawing` counts it still
    const next = waiting.shift();
    if (next) next();
    else drawing--;
  }
}

/** The chart as a PNG (800×450 by default, about 10–40 KB), with the packaged CJK font only. */
export async function chartPng(chart: Chart, width = CHART_WIDTH, height = CHART_HEIGHT): Promise<Buffer> {
  const svg = await chartSvg(chart, width, height);
  const { resvg } = await chartLibraries();
  const font = await fontFor(svg);
  try {
    const image = await inTurn(() =>
      resvg.renderAsync(svg, {
        fitTo: { mode: 'width', value: width },
        font: { fontFiles: [font.path], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
      }),
    );
    return image.asPng();
  } finally {
    await font.done();
  }
}

/** File names that stay readable and safe: the title without what a file system would refuse. */
export function chartFileName(chart: Chart): string {
  return `${chart.title.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40) || '图表'}.png`;
}

/**
 * Writes each chart's PNG under `dir` (made if missing) and returns where, for file messages, in the
 * charts' order. The charts are drawn side by side; `draw` may give pictures drawn earlier.
 */
export async function writeChartPngs(
  charts: readonly Chart[],
  dir: string,
  draw: (chart: Chart) => Promise<Buffer> = (c) => chartPng(c),
): Promise<{ path: string; name: string; bytes: number }[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    charts.map(async (chart, i) => {
      const png = await draw(chart);
      const name = chartFileName(chart);
      const path = join(dir, `${i + 1}-${name}`);
      await writeFile(path, png);
      return { path, name, bytes: png.length };
    }),
  );
}
