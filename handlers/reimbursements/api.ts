/*
 * What other workflows may use of reimbursements (§3.5); everything else in this folder is its own.
 * Another workflow fills a person's draft (addToDraft, then showDraft), or adds a rule every claim
 * must pass (claimChecks, listed in its `extends`).
 */
export type { ClaimItem, RuleMessage } from './rules.ts';
export { claimChecks, type ClaimCheck } from './claim-checks.ts';
export { addToDraft, draftHasRoomFor, whereItemsNaming } from './drafts.ts';
export { showDraft } from './items.ts';
