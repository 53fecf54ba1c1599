import { randomUUID } from 'node:crypto';
import { MAX_ITEMS } from './items.ts';
import { ReimbursementClaim, ReimbursementDraft } from './models.ts';
import type { ClaimItem } from './rules.ts';

/*
 * A draft filled by another workflow (出车报销 puts a trip's costs in): the person then sees the §3.5
 * rule messages, attaches receipts and submits with 提交报销 like any claim, so submission,
 * numbering and the approval chain stay in one place (submit.ts).
 */

/** Whether the person's draft takes `count` more items (a claim has at most MAX_ITEMS). */
export async function draftHasRoomFor(staffId: string, count: number): Promise<boolean> {
  const draft = await ReimbursementDraft.findById(staffId, { items: 1 }).lean();
  return (draft?.items.length ?? 0) + count <= MAX_ITEMS;
}

/** Adds items after those already in the person's draft, starting one if there is none. */
export async function addToDraft(staffId: string, items: readonly ClaimItem[]): Promise<void> {
  const draft = await ReimbursementDraft.findById(staffId, { items: 1 }).lean();
  await ReimbursementDraft.updateOne(
    { _id: staffId },
    { $set: { items: [...(draft?.items ?? []), ...items] }, $setOnInsert: { token: randomUUID() } },
    { upsert: true },
  );
}

/**
 * Where the person's items whose 所办事项 names `text` (a trip number) already are: their draft, or
 * a claim that is pending or paid. A rejected or withdrawn claim does not hold them (重新报销 or
 * the other workflow may bring them back).
 */
export async function whereItemsNaming(staffId: string, text: string): Promise<string | undefined> {
  const draft = await ReimbursementDraft.findById(staffId, { items: 1 }).lean();
  if (draft?.items.some((it) => it.matter.includes(text))) return '你的报销草稿';
  const no = await claimNaming(staffId, text);
  return no ? `报销单 ${no}` : undefined;
}

/** The person's pending or paid claim with an item whose 所办事项 names `text`, if any (the draft does not count). */
export async function claimNaming(staffId: string, text: string): Promise<string | undefined> {
  const claims = await ReimbursementClaim.find(
    { claimantId: staffId, status: { $in: ['pending', 'paid'] } },
    { items: 1 },
  )
    .sort({ submittedAt: -1 })
    .limit(200)
    .lean();
  return claims.find((c) => c.items.some((it) => it.matter.includes(text)))?._id;
}
