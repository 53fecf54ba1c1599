/*
 * 内务卫生 (§3.3.1) and 卫生评比 (§3.3.2): the checklist an inspector marks 合格/不合格, the score,
 * and the ranking across dorms. Pure functions.
 */

/** §3.3.1, item by item as the rulebook writes it; §3.3.2 adds 空气清洁无异味. */
export const HYGIENE_CHECKLIST = [
  { key: 'bed', label: '床铺平整清洁' },
  { key: 'sheet', label: '床单与床垫同宽' },
  { key: 'quilt', label: '棉被二折四叠放床头中间' },
  { key: 'cap', label: '帽子放被子中央' },
  { key: 'items', label: '物品摆放整齐不放床上' },
  { key: 'air', label: '空气清洁无异味' },
] as const;
export type ChecklistKey = (typeof HYGIENE_CHECKLIST)[number]['key'];

const PASS = new Set(['合格', '是', '好', '对', '√', '✓', '✔', 'ok', 'y', 'yes', '1', '通过']);
const FAIL = new Set(['不合格', '否', '差', '错', '×', '✗', '✘', 'x', 'n', 'no', '0', '不通过']);

/** 合格/不合格 as people type them; undefined when it is neither. */
export function parsePassFail(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (PASS.has(t)) return true;
  if (FAIL.has(t)) return false;
  return undefined;
}

/** An overall score 0–100 as typed ("85", "85分"). */
export function parseScore(text: string): number | undefined {
  const m = /^(\d{1,3})\s*分?$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : undefined;
}

/** Without a score from the inspector: the share of items passed, out of 100. */
export function defaultScore(items: readonly { pass: boolean }[]): number {
  return items.length ? Math.round((100 * items.filter((i) => i.pass).length) / items.length) : 0;
}

export interface Evaluation {
  dorm: string;
  score: number;
  items: { key: string; pass: boolean }[];
}

export interface RankRow {
  rank: number | null;
  dorm: string;
  evaluations: number;
  /** Mean score, one decimal. */
  average: number | null;
  failedItems: number;
}

/**
 * 评比: dorms by mean score (best first); equal means share a rank and are ordered by fewer failed
 * items, then name. Dorms not evaluated in the period come last without a rank, so a dorm that
 * was skipped is visible rather than absent from the list.
 */
export function rankDorms(evals: readonly Evaluation[], allDorms: readonly string[] = []): RankRow[] {
  const by = new Map<string, Evaluation[]>();
  for (const e of evals) by.set(e.dorm, [...(by.get(e.dorm) ?? []), e]);
  const rows: RankRow[] = [...by.entries()].map(([dorm, list]) => ({
    rank: null,
    dorm,
    evaluations: list.length,
    average: Math.round((10 * list.reduce((s, e) => s + e.score, 0)) / list.length) / 10,
    failedItems: list.reduce((s, e) => s + e.items.filter((i) => !i.pass).length, 0),
  }));
  rows.sort((a, b) => b.average! - a.average! || a.failedItems - b.failedItems || a.dorm.localeCompare(b.dorm, 'zh'));
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    r.rank = prev && prev.average === r.average ? prev.rank : i + 1;
  });
  const missing = allDorms.filter((d) => !by.has(d)).sort((a, b) => a.localeCompare(b, 'zh'));
  return [...rows, ...missing.map((dorm) => ({ rank: null, dorm, evaluations: 0, average: null, failedItems: 0 }))];
}

export function rankLine(r: RankRow): string {
  if (r.rank === null) return `• ${r.dorm}：本期未评比`;
  return `${r.rank}. ${r.dorm}：平均 ${r.average} 分（${r.evaluations} 次，不合格 ${r.failedItems} 项）`;
}
