/*
 * A claim as 周报 reads it, in as few bytes as FerretDB will store: FerretDB 1.24 keeps each document
 * as JSON with a type entry per field and per array element, and a filter on the rows costs ~85 ms
 * of its CPU per MB stored. The claim's steps and items kept as fields (arrays of objects) were
 * ~2.2 KB a row, 43 MB for a year's 20,000 claims (3.6 s a query); as two short texts, ~0.5 KB.
 * No imports: models.ts builds the rows with these before the claim model exists.
 */

export interface StepTimes {
  key: string;
  label: string;
  status: string;
  at: Date | null;
}

export interface ItemAmount {
  category: string;
  amount: number;
}

// keys, statuses and categories are [a-z_]; a label never has these, and loses them if it had
const STEP = ';';
const FIELD = '|';

/** key|status|at (ms, base 36)|label for each step, `;` between them. */
export function packSteps(steps: readonly { key: string; label: string; status?: string | null; at?: Date | null }[]) {
  return steps
    .map((s) =>
      [s.key, s.status ?? '', s.at ? s.at.getTime().toString(36) : '', s.label.replace(/[;|]/g, ' ')].join(FIELD),
    )
    .join(STEP);
}

export function unpackSteps(text: string): StepTimes[] {
  if (!text) return [];
  return text.split(STEP).map((s) => {
    const [key = '', status = '', at = '', label = ''] = s.split(FIELD);
    return { key, label, status, at: at ? new Date(Number.parseInt(at, 36)) : null };
  });
}

/** category:amount (fen) for each item, `,` between them. */
export function packItems(items: readonly ItemAmount[]): string {
  return items.map((i) => `${i.category}:${i.amount}`).join(',');
}

export function unpackItems(text: string): ItemAmount[] {
  if (!text) return [];
  return text.split(',').map((i) => {
    const at = i.lastIndexOf(':');
    return { category: i.slice(0, at), amount: Number(i.slice(at + 1)) };
  });
}

/** The latest decision's time: a claim with a step decided in a week has it on or after the week's start. */
export function lastDecision(steps: readonly { at?: Date | null }[]): Date | null {
  let last: Date | null = null;
  for (const s of steps) if (s.at && (!last || s.at > last)) last = s.at;
  return last;
}
