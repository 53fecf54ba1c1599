import type { Model, UpdateQuery } from 'mongoose';
import { takeOnce } from './once.ts';

/**
 * Any model whose records carry a `version`, whatever its hydrated and lean types (no casts at call
 * sites): the other generics differ per schema and transition() uses none of them.
 */
export type VersionedModel<T extends { version: number }> = Model<T, any, any, any, any, any, any>;

/**
 * Applies one state change to a record exactly once, however many people click at the same time.
 * The record carries a `version`; a change made from version v claims `<collection>:<id>:v<v>`
 * (see takeOnce: a unique insert, atomic on FerretDB and MongoDB alike) and only the winner
 * writes, moving the record to v + 1. A loser re-reads the record and tells the person who won.
 *
 * Read the record, check the rule (a pure function of it), then call this with the version read.
 */
export async function transition<T extends { version: number }>(
  model: VersionedModel<T>,
  id: string,
  fromVersion: number,
  update: UpdateQuery<T>,
  by: string,
): Promise<boolean> {
  if (!(await takeOnce(`${model.collection.name}:${id}:v${fromVersion}`, by))) return false;
  const $set = { ...((update.$set as object | undefined) ?? {}), version: fromVersion + 1 };
  // Only a bare `{_id}` filter reaches SQLite on FerretDB 1.24 (`{_id, version}` decodes every
  // record: 21 s at 100,000 complaints), so the version is compared here and the write filters on
  // `_id` alone. The claim makes us the only writer of this version; what can still happen is
  // FerretDB writing back a document that a concurrent write read before ours (version <= ours
  // again), so read, and re-apply only while the record is exactly at the version we claimed.
  for (let attempt = 0; ; attempt++) {
    const now = (await model.findById(id, { version: 1 }).lean()) as { version?: number } | null;
    const version = now?.version ?? 0;
    if (!now || version > fromVersion) return true;
    if (attempt === 5) break;
    if (version === fromVersion) await model.updateOne({ _id: id } as never, { ...update, $set } as never);
    // an older version put back: its own writer re-applies it, then ours goes on top
    else await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`transition of ${model.collection.name} ${id} from v${fromVersion} did not stick`);
}

/**
 * The record as the winner of a lost transition left it. The winner writes right after its claim,
 * so a loser that reads at once may still see the old version: wait (briefly) for the new one, so
 * "who already decided" names the right person and action.
 */
export async function readAfterTransition<T extends { version: number }>(
  model: VersionedModel<T>,
  id: string,
  fromVersion: number,
  timeoutMs = 2000,
): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = (await model.findById(id).lean()) as T | null;
    if (!doc || doc.version > fromVersion || Date.now() > deadline) return doc;
    await new Promise((r) => setTimeout(r, 20));
  }
}
