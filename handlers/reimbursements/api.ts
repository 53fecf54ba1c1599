/*
 * What other workflows may use of reimbursements (§3.5); everything else in this folder is its own.
 * Another workflow fills a person's draft (addToDraft, then showDraft), adds a rule every claim
 * must pass (claimChecks), or says what a claim's items hold once across all claims (claimHolds),
 * each listed in its `extends`.
 */

export { type ClaimCheck, type ClaimHold, type ClaimHolds, claimChecks, claimHolds } from './claim-checks.ts';
export { showDraft, showDraftAdded } from './draft-view.ts';
export { addToDraft, claimNaming, draftHasRoomFor, whereItemsNaming } from './drafts.ts';
export type { ClaimItem, RuleMessage } from './rules.ts';
