import { Counter, OnceKey } from '../models/infra.ts';

/** MongoDB's duplicate-key error (E11000): the one way a unique insert says "someone else has it". */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/** True for exactly one caller per key, on MongoDB and FerretDB alike (see OnceKey). */
export async function takeOnce(key: string, by = ''): Promise<boolean> {
  try {
    await OnceKey.create({ _id: key, at: new Date(), by });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** The next number of a sequence, unique even when many callers ask at the same moment. */
export async function nextSequence(key: string): Promise<number> {
  const hint = (await Counter.findById(key).lean())?.seq ?? 0;
  for (let n = hint + 1; ; n++) {
    if (await takeOnce(`seq:${key}:${n}`)) {
      await Counter.updateOne({ _id: key }, { $max: { seq: n } }, { upsert: true }).catch(() => {
        // a concurrent first upsert may collide on _id; the hint is only an optimisation
      });
      return n;
    }
  }
}
