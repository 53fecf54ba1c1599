import { describe, expect, it } from 'vitest';
import type { Chart } from '../../../../src/core/types.ts';
import { renderLarkCard } from '../../../../src/receivers/lark/card.ts';
import { LARK_CHARTS_PER_CARD, vchartSpec } from '../../../../src/receivers/lark/chart.ts';
import { chartProblem, LARK_LIMITS_DOC, renderedText } from '../../../helpers/lark-standin.ts';

const byStatus: Chart = {
  kind: 'bar',
  title: '投诉按类别与现状',
  categories: ['一般性', '扣服务费'],
  series: [
    { name: '已结案', values: [3, 1] },
    { name: '未结案', values: [2, 0] },
  ],
  unit: '件',
};
const pie: Chart = {
  kind: 'pie',
  title: '报销按类别',
  categories: ['交通', '餐费'],
  series: [{ name: '金额', values: [120.5, 1 / 3] }],
};

const elementsOf = (json: Record<string, unknown>) => (json.body as { elements: Record<string, unknown>[] }).elements;

describe('a card with charts on Lark (card JSON 2.0 chart element)', () => {
  it('draws each chart after the lines as a chart element with a VChart spec of the figures', () => {
    const json = renderLarkCard({ title: '周报', lines: ['本周受理 6 件'], charts: [byStatus, pie] });
    expect(json.schema).toBe('2.0');
    const [text, bars, slices] = elementsOf(json);
    expect(text!.tag).toBe('markdown');
    expect(bars).toMatchObject({ tag: 'chart', aspect_ratio: '16:9' });
    expect(bars!.chart_spec).toMatchObject({
      type: 'bar',
      xField: ['x', 'series'],
      yField: 'value',
      seriesField: 'series',
      title: { text: '投诉按类别与现状（件）' },
    });
    expect((bars!.chart_spec as { data: { values: unknown[] }[] }).data[0]!.values).toEqual([
      { x: '一般性', series: '已结案', value: 3 },
      { x: '扣服务费', series: '已结案', value: 1 },
      { x: '一般性', series: '未结案', value: 2 },
      { x: '扣服务费', series: '未结案', value: 0 },
    ]);
    expect(slices!.chart_spec).toMatchObject({ type: 'pie', categoryField: 'name', valueField: 'value' });
    expect((slices!.chart_spec as { data: { values: unknown[] }[] }).data[0]!.values).toEqual([
      { name: '交通', value: 120.5 },
      { name: '餐费', value: 0.33 },
    ]);
    expect(chartProblem(JSON.stringify(json))).toBeUndefined();
    expect(renderedText(json)).toContain('[图表：投诉按类别与现状（件）]');
  });

  it('puts at most four charts in one card, below the five Lark advises', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ ...byStatus, title: `图 ${i}` }));
    const json = renderLarkCard({ title: '周报', lines: [], charts: many });
    expect(elementsOf(json).filter((e) => e.tag === 'chart')).toHaveLength(LARK_CHARTS_PER_CARD);
    expect(chartProblem(JSON.stringify(json))).toBeUndefined();
  });

  it('the stand-in refuses what Lark refuses: no chart_spec type or data, an unknown ratio or property, a 1.0 card', () => {
    const card = (chart: Record<string, unknown>, schema = '2.0') =>
      JSON.stringify({ schema, header: {}, body: { elements: [chart] } });
    const spec = vchartSpec(byStatus);
    expect(chartProblem(card({ tag: 'chart', chart_spec: spec }))).toBeUndefined();
    expect(chartProblem(card({ tag: 'chart', chart_spec: { ...spec, type: undefined } }))).toMatch(/type/);
    expect(chartProblem(card({ tag: 'chart', chart_spec: { ...spec, data: {} } }))).toMatch(/values/);
    expect(chartProblem(card({ tag: 'chart', chart_spec: spec, aspect_ratio: '3:2' }))).toMatch(/aspect_ratio/);
    expect(chartProblem(card({ tag: 'chart', chart_spec: spec, width: 300 }))).toMatch(/unknown property/);
    expect(chartProblem(card({ tag: 'chart', chart_spec: spec }, '1.0'))).toMatch(/2\.0/);
  });

  it('keeps a report card of four charts with twelve categories each well under the 30 KB card limit', () => {
    const wide: Chart = {
      kind: 'bar',
      title: '各宿舍按时归宿率',
      categories: Array.from({ length: 12 }, (_, i) => `第${i + 1}宿舍（城南小区）`),
      series: [{ name: '按时率', values: Array.from({ length: 12 }, (_, i) => 100 - i * 3.3333) }],
      unit: '%',
    };
    const lines = Array.from(
      { length: 40 },
      (_, i) => `• TS-20261127-${String(i).padStart(3, '0')} 某某物业管理有限公司｜一般性｜已登记`,
    );
    const json = renderLarkCard({ title: '周报', lines, charts: [wide, wide, wide, wide] });
    const bytes = Buffer.byteLength(JSON.stringify({ msg_type: 'interactive', content: JSON.stringify(json) }));
    expect(bytes).toBeLessThan(LARK_LIMITS_DOC.cardBodyBytes - 2 * 1024);
  });
});
