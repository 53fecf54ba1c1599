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
  // FerretDB writes a whole document back from what it read: a concurrent write that read the old
  // version can put it back over ours. The claim makes us the only writer of this version, so
  // re-applying until the new version is there is safe.
  for (let attempt = 0; attempt < 5; attempt++) {
    await model.updateOne({ _id: id, version: fromVersion } as never, { ...update, $set } as never);
    const now = (await model.findById(id, { version: 1 }).lean()) as { version?: number } | null;
    if (!now || (now.version ?? 0) > fromVersion) return true;
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
