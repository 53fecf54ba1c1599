import type { Card } from '../../src/core/types.ts';
import type { ReportView } from './cards.ts';

/*
 * The short replies of a 物资管理月报 being filed (#21): what happened, for which post and month, the
 * differences in one line, the requests' numbers and what comes next; the whole report (every item)
 * is one command away, 「查看月报 驻点 月份」. cards.ts draws the report itself.
 */

/** Where the whole report is. */
export function seeReport(post: string, month: string): string {
  return `发送「查看月报 ${post} ${month}」查看明细`;
}

/** A report just filed, as its leader and 综合部 hear of it; `next` says what happens now and for whom. */
export function reportFiledCard(r: ReportView, next: string): Card {
  const bad = r.flags.some((f) => f.kind === 'shortage' || f.kind === 'damage' || f.kind === 'loss');
  const differs = r.flags.length ? `，${r.flags.length} 处与配置不符` : '，与配置一致 ✓';
  return {
    title: `物资管理月报：${r.post} ${r.month}`,
    color: bad ? 'orange' : 'green',
    lines: [
      `${r.leaderName} 填报，共 ${r.lines.length} 种物品${differs}。`,
      ...(r.flags.length ? [flagsLine(r.flags.map((f) => f.message))] : []),
      ...(r.requestNos.length ? [`申领：${r.requestNos.join('、')}`] : []),
    ],
    note: `${next}${seeReport(r.post, r.month)}`,
  };
}

/** The differences in one line: the first three, and how many more the report lists. */
function flagsLine(messages: readonly string[]): string {
  const more = messages.length > 3 ? ` 等 ${messages.length} 处` : '';
  return `${messages
    .slice(0, 3)
    .map((m) => `⚠ ${m}`)
    .join('；')}${more}`;
}
