import { PersonKeys } from '../../src/core/person-keys.ts';
import { ReimbursementClaim } from './models.ts';

/*
 * 查找 <姓名>'s key to a person's claims: for each claimant (staff id), every claim number they
 * submitted, in insert-only chunks read by `_id` (src/core/person-keys.ts PersonKeys: a DayIndex
 * keyed by staff id). `{claimantId}` is a read of all 154 MB of a year's claims on FerretDB 1.24, and the
 * per-staff lists of 我的报销 (by-staff.ts) keep only the latest 50. A claimant never changes.
 */
const keys = new PersonKeys('reimburse.claimant', 'reimburse:claimant-keys', async function* () {
  for await (const c of ReimbursementClaim.find({}, { claimantId: 1 }).lean().cursor({ batchSize: 1000 }))
    yield [String(c.claimantId), String(c._id)] as const;
});

export const claimantKeys = keys.index;
/** Keys the claims submitted before the keys existed: one full read of the claims, once per database. */
export const backfillClaimantKeys = (): Promise<number> => keys.backfill();
/** backfillClaimantKeys() in the background at start: 查找 waits for it (claimantKeysFilled). */
export const fillClaimantKeysInBackground = (onError: (err: unknown) => void): void => keys.fillInBackground(onError);
/** Resolves when no fill of these keys runs in this process. */
export const claimantKeysFilled = (): Promise<void> => keys.filled();
