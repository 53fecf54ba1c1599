import type { Services } from '../../src/core/context.ts';
import { extensionPoint } from '../../src/core/extensions.ts';
import { takeOnce } from '../../src/core/once.ts';
import { OnceKey } from '../../src/models/index.ts';
import type { ClaimItem, RuleMessage } from './rules.ts';

/**
 * A rule another workflow holds about claims, e.g. §3.4.5 出车记录…按规定报账 from the vehicles
 * workflow: a fuel or repair item must name one of the claimant's trips. It runs on the items as an
 * item is added (the draft's items and the new one, last) and on the whole claim at submission, like
 * the rules of §3.5; without that workflow installed there is nothing to check against, and the rule
 * does not apply. A problem about the new item names it in `items` (its position, last).
 */
export type ClaimCheck = (
  claim: { staffId: string | undefined; items: readonly ClaimItem[] },
  services: Services,
) => Promise<RuleMessage | undefined>;

export const claimChecks = extensionPoint<ClaimCheck>('reimbursements', 'claimChecks');

/** The first problem an installed workflow's check finds with these items. */
export async function otherWorkflowsProblem(
  services: Services,
  staffId: string | undefined,
  items: readonly ClaimItem[],
): Promise<RuleMessage | undefined> {
  for (const check of services.extensions.of(claimChecks)) {
    const problem = await check({ staffId, items }, services);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Something a claim's items stand for that can be claimed once across everyone's claims, like a
 * ticket serial (§3.5.3): a trip's costs (§3.4.5, from the vehicles workflow). `key` is taken with a
 * unique insert when the claim is submitted, so of two claims submitted at once only one holds it;
 * a rejected or withdrawn claim gives it back for the corrected claim. `label` names it to people.
 */
export interface ClaimHold {
  key: string;
  label: string;
}

export type ClaimHolds = (items: readonly ClaimItem[]) => ClaimHold[];

export const claimHolds = extensionPoint<ClaimHolds>('reimbursements', 'claimHolds');

/** What these items hold, from every installed workflow, each key once. */
export function holdsOf(services: Services, items: readonly ClaimItem[]): ClaimHold[] {
  const all = services.extensions.of(claimHolds).flatMap((h) => h(items));
  return all.filter((h, i) => all.findIndex((x) => x.key === h.key) === i);
}

/** §3.5 claimed once: the holds another claim already has, named with that claim's number. */
export async function heldElsewhere(holds: readonly ClaimHold[]): Promise<RuleMessage | undefined> {
  if (!holds.length) return undefined;
  const taken = new Map(
    (await OnceKey.find({ _id: { $in: holds.map((h) => h.key) } }).lean()).map((k) => [String(k._id), k.by]),
  );
  const list = holds.filter((h) => taken.has(h.key)).map((h) => `${h.label}已在报销单 ${taken.get(h.key)} 中`);
  return list.length
    ? { clause: '§3.5', code: 'already_held', message: `${list.join('；')}，不能再报一次。` }
    : undefined;
}

/** Takes every hold for claim `no`, all or none: the first one another claim took is returned (and nothing is kept). */
export async function takeHolds(no: string, holds: readonly ClaimHold[]): Promise<ClaimHold | undefined> {
  const won: string[] = [];
  for (const h of holds) {
    if (await takeOnce(h.key, no)) won.push(h.key);
    else {
      await releaseHolds(no, won);
      return h;
    }
  }
  return undefined;
}

/** Gives back the keys claim `no` holds (only its own: a key another claim took since stays). */
export async function releaseHolds(no: string, keys: readonly string[]): Promise<void> {
  if (keys.length) await OnceKey.deleteMany({ _id: { $in: [...keys] }, by: no });
}
