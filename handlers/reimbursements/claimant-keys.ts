import { takeOnce } from '../../src/core/once.ts';
import { DayIndex } from '../../src/core/period-keys.ts';
import { OnceKey } from '../../src/models/index.ts';
import { ReimbursementClaim } from './models.ts';

/*
 * 查找 <姓名>'s key to a person's claims: for each claimant (staff id), every claim number they
 * submitted, in insert-only chunks read by `_id` (src/core/period-keys.ts DayIndex, its "day" the
 * staff id). `{claimantId}` is a read of all 154 MB of a year's claims on FerretDB 1.24, and the
 * per-staff lists of 我的报销 (by-staff.ts) keep only the latest 50. A claimant never changes.
 */
export const claimantKeys = new DayIndex('reimburse.claimant');

const DONE = 'reimburse:claimant-keys';

/** Keys the claims submitted before the keys existed: one full read of the claims, once per database. */
export async function backfillClaimantKeys(): Promise<number> {
  if (await OnceKey.exists({ _id: DONE })) return 0;
  const byStaff = new Map<string, string[]>();
  let n = 0;
  for await (const c of ReimbursementClaim.find({}, { claimantId: 1 }).lean().cursor({ batchSize: 1000 })) {
    const id = String(c.claimantId);
    byStaff.set(id, [...(byStaff.get(id) ?? []), String(c._id)]);
    n++;
  }
  const staff = [...byStaff];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let e = staff.shift(); e; e = staff.shift()) await claimantKeys.add(e[0], ...e[1]);
    }),
  );
  await takeOnce(DONE, 'start');
  return n;
}

let filling: Promise<number> | undefined;

/**
 * backfillClaimantKeys() without holding up the start (on a year of records it reads for seconds): 查找 waits for
 * it (claimantKeysFilled); a failed fill is reported and tried again at the next start.
 */
export function fillClaimantKeysInBackground(onError: (err: unknown) => void): void {
  filling = backfillClaimantKeys();
  filling.catch(onError);
}

/** Resolves when no fill of these keys runs in this process. */
export async function claimantKeysFilled(): Promise<void> {
  await filling?.catch(() => 0);
}
