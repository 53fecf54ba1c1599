import type { Model } from 'mongoose';

/*
 * The small arithmetic every report section shares, and the one aggregation they may use. FerretDB
 * 1.24 (the embedded database) runs `$match` and `$group` with `$sum: 1`, but not `$max`, `$min`,
 * `$avg`, `$push`, `$cond` or computed `$project` fields, and it answers `$sum: '$field'` with 0
 * (checked against it): so counts are grouped in the database, and sums, medians and rates are
 * worked out here from the period's records, read with a projection of the fields they need.
 */

/** How many records match, by the values of `fields`: one row per combination present. */
export async function countBy<K extends string>(
  model: Pick<Model<unknown>, 'aggregate'>,
  match: Record<string, unknown>,
  fields: readonly K[],
): Promise<{ key: Record<K, string>; n: number }[]> {
  const id = Object.fromEntries(fields.map((f) => [f.replace(/\./g, '_'), `$${f}`]));
  const rows = await model.aggregate<{ _id: Record<string, unknown>; n: number }>([
    { $match: match },
    { $group: { _id: id, n: { $sum: 1 } } },
  ]);
  return rows.map((r) => ({
    key: Object.fromEntries(fields.map((f) => [f, String(r._id[f.replace(/\./g, '_')] ?? '')])) as Record<K, string>,
    n: r.n,
  }));
}

/** The median of some numbers (the mean of the middle two for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One decimal, as figures are shown: 2.25 → 2.3, 3 → 3. */
export function oneDecimal(v: number): number {
  return Math.round(v * 10) / 10;
}

/** A share as a whole percentage: 2 of 3 → 67; none of none → 100 (nothing was missed). */
export function percent(part: number, whole: number): number {
  return whole ? Math.round((part / whole) * 100) : 100;
}

export const HOUR_MS = 3600_000;

/** Sums numbers by a key, in first-seen order. */
export function sumBy<T>(rows: readonly T[], key: (r: T) => string, value: (r: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}
