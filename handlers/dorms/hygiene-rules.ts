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
  /** The dorm's own leader scored it (#20): shown, never ranked. */
  selfCheck?: boolean;
}

export interface RankRow {
  rank: number | null;
  dorm: string;
  evaluations: number;
  /** Mean score, one decimal. */
  average: number | null;
  failedItems: number;
  /** The leader's own checks of the dorm in the period, and their mean: not ranked. */
  selfChecks?: number;
  selfAverage?: number | null;
}

const mean = (list: readonly Evaluation[]) =>
  Math.round((10 * list.reduce((s, e) => s + e.score, 0)) / list.length) / 10;

/**
 * 评比: dorms by mean score (best first); equal means share a rank and are ordered by fewer failed
 * items, then name. Only evaluations by someone who does not lead the dorm count (#20: nobody
 * scores their own case); a leader's self-checks are counted beside the row. Dorms not evaluated
 * in the period come last without a rank, so a dorm that was skipped is visible rather than
 * absent from the list, with its self-checks if it had only those.
 */
export function rankDorms(all: readonly Evaluation[], allDorms: readonly string[] = []): RankRow[] {
  const selfBy = new Map<string, Evaluation[]>();
  for (const e of all) if (e.selfCheck) selfBy.set(e.dorm, [...(selfBy.get(e.dorm) ?? []), e]);
  const selfOf = (dorm: string) => {
    const list = selfBy.get(dorm);
    return list ? { selfChecks: list.length, selfAverage: mean(list) } : {};
  };
  const evals = all.filter((e) => !e.selfCheck);
  const by = new Map<string, Evaluation[]>();
  for (const e of evals) by.set(e.dorm, [...(by.get(e.dorm) ?? []), e]);
  const rows: RankRow[] = [...by.entries()].map(([dorm, list]) => ({
    rank: null,
    dorm,
    evaluations: list.length,
    average: mean(list),
    failedItems: list.reduce((s, e) => s + e.items.filter((i) => !i.pass).length, 0),
    ...selfOf(dorm),
  }));
  rows.sort((a, b) => b.average! - a.average! || a.failedItems - b.failedItems || a.dorm.localeCompare(b.dorm, 'zh'));
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    r.rank = prev && prev.average === r.average ? prev.rank : i + 1;
  });
  const missing = [...new Set([...allDorms, ...selfBy.keys()])]
    .filter((d) => !by.has(d))
    .sort((a, b) => a.localeCompare(b, 'zh'));
  return [
    ...rows,
    ...missing.map((dorm) => ({ rank: null, dorm, evaluations: 0, average: null, failedItems: 0, ...selfOf(dorm) })),
  ];
}

export function rankLine(r: RankRow): string {
  const self = r.selfChecks ? `队长自查 ${r.selfChecks} 次，平均 ${r.selfAverage} 分，不计入排名` : '';
  if (r.rank === null) return `• ${r.dorm}：本期未评比${self ? `（仅${self}）` : ''}`;
  return `${r.rank}. ${r.dorm}：平均 ${r.average} 分（${r.evaluations} 次，不合格 ${r.failedItems} 项${self ? `；另有${self}` : ''}）`;
}
