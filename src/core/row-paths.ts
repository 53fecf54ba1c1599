/*
 * Paths of a record as a narrow row keeps them (narrow-copy.ts): a record cut down to some of its
 * paths in its own shape, and rows compared by a path for sorting.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v);

/** `value` cut down to `path` in its own shape: objects keep their keys on the path, arrays every element. */
export function project(value: unknown, parts: readonly string[]): unknown {
  if (!parts.length) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, parts) ?? {});
  if (!isObject(value)) return undefined;
  const [head, ...rest] = parts;
  const inner = project(value[head!], rest);
  return inner === undefined ? undefined : { [head!]: inner };
}

/** Two projections of one record put together (arrays element by element). */
export function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => merge(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  }
  return b === undefined ? a : b;
}

/** The value at `path` for sorting (the first element's, through arrays). */
function valueAt(value: unknown, parts: readonly string[]): unknown {
  let v = value;
  for (const p of parts) {
    if (Array.isArray(v)) v = v[0];
    v = isObject(v) ? v[p] : undefined;
  }
  return v;
}

/** A sort of rows by paths, as Mongo sorts them (missing values first when ascending). */
export function compareBy(sort: Record<string, 1 | -1>) {
  const entries = Object.entries(sort);
  return (a: unknown, b: unknown): number => {
    for (const [path, dir] of entries) {
      const x = valueAt(a, path.split('.')) as never;
      const y = valueAt(b, path.split('.')) as never;
      if (x === y) continue;
      if (x == null) return -dir;
      if (y == null) return dir;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    }
    return 0;
  };
}
