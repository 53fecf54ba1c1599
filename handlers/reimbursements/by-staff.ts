import { isDuplicateKey, takeOnce } from '../../src/core/once.ts';
import { transition } from '../../src/core/transition.ts';
import { OnceKey } from '../../src/models/index.ts';
import { type ClaimRecord, ClaimsByStaff, ReimbursementClaim } from './models.ts';

/** Numbers kept per claimant: 我的报销 shows 10; the rest is room for corrections and withdrawals. */
const KEEP = 50;
const FILLED = 'reimburse:claims-by-staff:v1';

let filled: Promise<void> | undefined;

/**
 * Claims stored before the per-staff lists existed: listed once per database (one full read),
 * marked done only afterwards so a crash part-way fills again (adding a number twice is a no-op).
 */
function ensureFilled(): Promise<void> {
  filled ??= (async () => {
    if (await OnceKey.findById(FILLED, { _id: 1 }).lean()) return;
    const rows = await ReimbursementClaim.find({}, { claimantId: 1, submittedAt: 1 }).lean();
    const byStaff = new Map<string, { no: string; at: number }[]>();
    for (const r of rows)
      byStaff.set(r.claimantId, [
        ...(byStaff.get(r.claimantId) ?? []),
        { no: String(r._id), at: new Date(r.submittedAt ?? 0).getTime() },
      ]);
    for (const [staffId, list] of byStaff)
      await addClaims(
        staffId,
        list.sort((a, b) => b.at - a.at).map((c) => c.no),
        { older: true },
      );
    await takeOnce(FILLED, 'fill');
  })().catch((err: unknown) => {
    filled = undefined;
    throw err;
  });
  return filled;
}

/**
 * Puts `nos` (newest first) at the front of the claimant's list, or behind it when they are
 * `older` than what it holds (the fill). Call before creating the claim: a crash in between leaves
 * a number without a claim, which the reader skips, never a claim missing from the list.
 */
export async function addClaims(staffId: string, nos: readonly string[], o: { older?: boolean } = {}): Promise<void> {
  for (;;) {
    const doc = await ClaimsByStaff.findById(staffId).lean();
    const next = (old: readonly string[]) => {
      const fresh = nos.filter((n) => !old.includes(n));
      return (o.older ? [...old, ...fresh] : [...fresh, ...old]).slice(0, KEEP);
    };
    if (!doc) {
      try {
        await ClaimsByStaff.create({ _id: staffId, claims: next([]), version: 0 });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue;
      }
    }
    if (nos.every((n) => doc.claims.includes(n))) return;
    if (await transition(ClaimsByStaff, staffId, doc.version, { $set: { claims: next(doc.claims) } }, 'reimburse'))
      return;
  }
}

/**
 * The claimant's latest `n` claims, newest first, each read by `_id`. A number whose claim was
 * never saved (its submission failed after the list was written) is skipped.
 */
export async function recentClaims(staffId: string, n: number): Promise<ClaimRecord[]> {
  await ensureFilled();
  const nos = (await ClaimsByStaff.findById(staffId, { claims: 1 }).lean())?.claims ?? [];
  const claims = await Promise.all(nos.slice(0, n).map((no) => ReimbursementClaim.findById(no).lean<ClaimRecord>()));
  return claims.filter((c): c is ClaimRecord => !!c && c.claimantId === staffId);
}
