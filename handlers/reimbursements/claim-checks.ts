import type { Services } from '../../src/core/context.ts';
import { extensionPoint } from '../../src/core/extensions.ts';
import type { ClaimItem, RuleMessage } from './rules.ts';

/**
 * A rule another workflow holds about claims, e.g. §3.4.5 出车记录…按规定报账 from the vehicles
 * workflow: a fuel or repair item must name one of the claimant's trips. It runs on each item as it
 * is added and on the whole claim at submission, like the rules of §3.5; without that workflow
 * installed there is nothing to check against, and the rule does not apply.
 */
export type ClaimCheck = (claim: { staffId: string | undefined; items: readonly ClaimItem[] }, services: Services) => Promise<RuleMessage | undefined>;

export const claimChecks = extensionPoint<ClaimCheck>('reimbursements', 'claimChecks');

/** The first problem an installed workflow's check finds with these items. */
export async function otherWorkflowsProblem(services: Services, staffId: string | undefined, items: readonly ClaimItem[]): Promise<RuleMessage | undefined> {
  for (const check of services.extensions.of(claimChecks)) {
    const problem = await check({ staffId, items }, services);
    if (problem) return problem;
  }
  return undefined;
}
