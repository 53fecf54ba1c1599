import type { Services } from '../../src/core/context.ts';
import { type CardRef, notify, recipientsOf, recipientsWithRole, updateCards } from '../../src/core/notify.ts';
import type { Outgoing, Role } from '../../src/core/types.ts';
import { approvalCard, decidedCard } from './cards.ts';
import { type ClaimRecord, ReimbursementCard, ReimbursementClaim } from './models.ts';
import { decidedForAnotherDepartment } from './rules.ts';

/*
 * Telling people about a claim: the current step's approvers get an approval card (Lark: buttons and
 * forms; WeChat/console: the same as text with numbered answers and a command to type), every copy is
 * updated in place after a decision, and the claimant hears about every step.
 */

export async function loadClaim(no: string): Promise<ClaimRecord | null> {
  return ReimbursementClaim.findById(no).lean<ClaimRecord>();
}

/**
 * Who may decide the current step (§3.5.1, see mayDecide): its role, but neither the claimant, a
 * staff companion named on it (§3.5.3), nor anyone who already decided an earlier step for another
 * department. Cards and reminders go only here.
 */
export async function deciders(
  services: Services,
  claim: Pick<ClaimRecord, 'steps' | 'stepIndex' | 'claimantId'> & { companionChecks?: ClaimRecord['companionChecks'] },
) {
  const step = claim.steps[claim.stepIndex];
  if (!step) return [];
  const companions = (claim.companionChecks ?? []).flatMap((c) => (c.staffId ? [c.staffId] : []));
  const people = await recipientsWithRole(services, [step.role as Role], [claim.claimantId, ...companions]);
  return people.filter((p) => !decidedForAnotherDepartment(claim.steps, claim.stepIndex, p.staffId));
}

/** Sends the current step's card to everyone who may decide it; returns how many got it. */
export async function notifyStep(services: Services, claim: ClaimRecord): Promise<number> {
  const step = claim.steps[claim.stepIndex];
  if (!step || claim.status !== 'pending') return 0;
  const people = await deciders(services, claim);
  if (!people.length) return 0;
  const refs = await notify(services, people, approvalCard(claim, services.config.timezone));
  if (refs.length) {
    // bookkeeping only: which messages show this step, so they can be updated after the decision
    await ReimbursementCard.insertMany(
      refs.map((r) => ({
        claimNo: claim._id,
        step: step.key,
        channel: r.channel,
        userId: r.userId,
        messageId: r.messageId ?? null,
      })),
    );
  }
  return new Set(people.map((p) => p.staffId)).size;
}

/**
 * Something on a pending claim changed that its current approvers must see (a companion answered):
 * every copy of the step's card shows it again, in place where the channel can update cards, as a
 * new card elsewhere (its buttons carry the claim's new version).
 */
export async function refreshStepCards(services: Services, claim: ClaimRecord): Promise<void> {
  const step = claim.steps[claim.stepIndex];
  if (!step || claim.status !== 'pending') return;
  const card = approvalCard(claim, services.config.timezone);
  const sent = await ReimbursementCard.find({ claimNo: claim._id, step: step.key }).lean();
  const refs: CardRef[] = sent.map((c) => ({
    channel: c.channel as CardRef['channel'],
    userId: c.userId,
    messageId: c.messageId ?? undefined,
  }));
  const inPlace = refs.filter((r) => r.messageId && services.outbox.capabilities(r.channel).updatesCards);
  await updateCards(services, inPlace, card);
  const anew = refs.filter((r) => !inPlace.includes(r)).map((r) => ({ channel: r.channel, userId: r.userId }));
  const people = (await deciders(services, claim)).filter((p) =>
    anew.some((r) => r.channel === p.channel && r.userId === p.userId),
  );
  const more = await notify(services, people, card);
  if (more.length)
    await ReimbursementCard.insertMany(
      more.map((r) => ({
        claimNo: claim._id,
        step: step.key,
        channel: r.channel,
        userId: r.userId,
        messageId: r.messageId ?? null,
      })),
    );
}

/** Updates every copy of the card of `stepKey` to show the decision (Lark, in place). */
export async function updateStepCards(services: Services, no: string, stepKey: string): Promise<string[]> {
  const claim = await loadClaim(no);
  if (!claim) return [];
  const sent = await ReimbursementCard.find({ claimNo: no, step: stepKey }).lean();
  const refs: CardRef[] = sent.map((c) => ({
    channel: c.channel as CardRef['channel'],
    userId: c.userId,
    messageId: c.messageId ?? undefined,
  }));
  await updateCards(services, refs, decidedCard(claim, stepKey, services.config.timezone));
  return refs.map((r) => r.messageId ?? '').filter(Boolean);
}

export async function tellClaimant(
  services: Services,
  claim: Pick<ClaimRecord, 'claimantId' | 'claimantName'>,
  message: Outgoing,
): Promise<void> {
  const people = await recipientsOf(services, [{ id: claim.claimantId, name: claim.claimantName }]);
  await notify(services, people, message);
}
