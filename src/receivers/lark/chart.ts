import type { Chart } from '../../core/types.ts';

/*
 * A Chart (plain data) as a card JSON 2.0 `chart` element (飞书卡片 图表组件, JSON 2.0 结构):
 * `tag: 'chart'`, `chart_spec` a VChart spec, `aspect_ratio` one of 1:1, 2:1, 4:3, 16:9. The
 * component runs no JavaScript, so the spec is data only: values in `data.values`, fields named.
 * The docs advise at most five charts in one card; LARK_CHARTS_PER_CARD keeps below that.
 */

/** At most this many charts go in one card (Lark: 单张卡片建议最多放置五个图表组件). */
export const LARK_CHARTS_PER_CARD = 4;

/** The aspect ratios the chart element accepts. */
export const LARK_CHART_RATIOS = ['1:1', '2:1', '4:3', '16:9'] as const;

/** Values as shown: two decimals at most, so a rate like 0.3333… does not fill the card's bytes. */
const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

/** The VChart spec of a chart: bar and line by category (one colour per series), pie by slice. */
export function vchartSpec(chart: Chart): Record<string, unknown> {
  const title = { visible: true, text: chart.unit ? `${chart.title}（${chart.unit}）` : chart.title };
  if (chart.kind === 'pie') {
    const values = chart.categories.map((c, i) => ({ name: c, value: round(chart.series[0]?.values[i] ?? 0) }));
    return {
      type: 'pie',
      title,
      data: [{ id: 'data', values }],
      categoryField: 'name',
      valueField: 'value',
      outerRadius: 0.8,
      innerRadius: 0.4,
      label: { visible: true },
      legends: { visible: true, orient: 'bottom' },
    };
  }
  const several = chart.series.length > 1;
  const values = chart.series.flatMap((s) =>
    chart.categories.map((c, i) => ({ x: c, series: s.name, value: round(s.values[i] ?? 0) })),
  );
  return {
    type: chart.kind,
    title,
    data: [{ id: 'data', values }],
    // grouped bars: VChart groups by the second x field
    xField: chart.kind === 'bar' && several ? ['x', 'series'] : 'x',
    yField: 'value',
    seriesField: 'series',
    label: { visible: true },
    legends: { visible: several, orient: 'bottom' },
  };
}

/** The card element: wide for bars and lines, nearly square for a pie. */
export function larkChartElement(chart: Chart): Record<string, unknown> {
  return { tag: 'chart', aspect_ratio: chart.kind === 'pie' ? '4:3' : '16:9', chart_spec: vchartSpec(chart) };
}
