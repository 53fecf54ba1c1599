import type { StaffContext } from '../../src/core/context.ts';
import { Forms } from '../../src/core/forms.ts';
import type { PictureTarget } from '../../src/core/router.ts';
import type { Attachment, Card, Role } from '../../src/core/types.ts';
import { FormSession } from '../../src/models/index.ts';
import { parseClaimNo } from './approval.ts';
import { loadClaim } from './chain.ts';
import { claimantOf, ITEM_FORM } from './items.ts';
import { ReimbursementDraft } from './models.ts';
import { categoryLabel } from './rules.ts';

/*
 * Receipt photos (§3.5.3 票据的审核, #20): each item carries the photo of its receipt, sent in the
 * private chat while the draft is open — right after the item, or later for any item with
 * 补票据 <序号> — and submission refuses an item without one (missingReceiptPhotos) unless it is under
 * REIMBURSE_RECEIPT_EXEMPT_YUAN. Only the platform's reference is kept; the photo stays on WeChat or
 * Lark, and an approver's 查看票据照片 has the bot send the photos to them (Card.pictures).
 */

/** Photos per item: enough for a roll of tickets, few enough to review on a phone. */
const MAX_RECEIPTS_PER_ITEM = 9;

/** The target id of an item whose questions are still being answered: its photos have nowhere to go yet. */
const ITEM_IN_PROGRESS = 'item-in-progress';

/** The draft item photos go to now: the one chosen with 补票据, else the last. */
function photoIndex(draft: { items: readonly unknown[]; photoItem?: number | null }): number {
  const chosen = draft.photoItem;
  return chosen !== null && chosen !== undefined && chosen >= 0 && chosen < draft.items.length
    ? chosen
    : draft.items.length - 1;
}

/**
 * A picture sent in private while a draft is open is a receipt of the draft's item photos go to
 * (the last one, or the one named with 补票据), as of when it was added or named; an item being
 * filled in right now wants it most.
 */
export async function wantsReceipt(ctx: StaffContext): Promise<PictureTarget | undefined> {
  const staffId = ctx.sender.staffId;
  if (!staffId) return undefined;
  if (await FormSession.exists({ _id: Forms.sessionId(ctx), form: ITEM_FORM }))
    return { id: ITEM_IN_PROGRESS, at: ctx.services.now(), label: '正在填写的报销明细' };
  const draft = await ReimbursementDraft.findById(staffId).lean();
  const items = draft?.items ?? [];
  if (!draft || !items.length) return undefined;
  // drafts from before itemAt was kept: their last write is the nearest there is
  const at = draft.itemAt ?? draft.updatedAt ?? new Date(0);
  const i = photoIndex(draft);
  return { id: draft.token, at, label: `报销明细第 ${i + 1} 项（${items[i]!.matter}）` };
}

/** A picture nothing wants: receipts come after an item. */
export async function receiptFirstItem(ctx: StaffContext): Promise<void> {
  if (!(await claimantOf(ctx))) return;
  await ctx.reply(
    '收到照片，但你还没有填写报销明细。请先发送「报销」填好这一项，再发票据照片，照片会附在最近填写的那一项上。',
  );
}

/** Only the platform's reference is kept; the photo stays on WeChat/Lark. */
export async function attachReceipt(
  ctx: StaffContext,
  target: PictureTarget,
  attachments: readonly Attachment[],
): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  if (target.id === ITEM_IN_PROGRESS || (await FormSession.exists({ _id: Forms.sessionId(ctx), form: ITEM_FORM }))) {
    await ctx.reply('先把这一项的问题答完，照片会附在这一项上：请在答完后再发一次照片。');
    return;
  }
  const draft = await ReimbursementDraft.findById(who.staffId).lean();
  const items = draft?.items ?? [];
  if (!draft || draft.token !== target.id || !items.length) {
    await ctx.reply('这份报销草稿已经提交或放弃，照片没有附上。请发送「我的报销」查看，或「报销」重新填写。');
    return;
  }
  const at = photoIndex(draft);
  const receipts = [...(items[at]!.receipts ?? [])];
  const refs = [...new Set(attachments.map((a) => a.ref))].filter((r) => !receipts.includes(r));
  if (receipts.length + refs.length > MAX_RECEIPTS_PER_ITEM) {
    await ctx.reply(`第 ${at + 1} 项最多附 ${MAX_RECEIPTS_PER_ITEM} 张票据照片，这张没有附上。`);
    return;
  }
  receipts.push(...refs);
  // one person's messages are processed in order, so rewriting their own draft's item is safe
  await ReimbursementDraft.updateOne({ _id: who.staffId }, { $set: { [`items.${at}.receipts`]: receipts } });
  const missing = items.flatMap((it, i) => (i !== at && !it.receipts?.length ? [i + 1] : []));
  const next = missing.length
    ? `第 ${missing.join('、')} 项还没有照片：发送「补票据 ${missing[0]}」再发。`
    : '继续发照片，或发送「提交报销」。';
  await ctx.reply(`已把票据照片附在第 ${at + 1} 项（${items[at]!.matter}），这一项共 ${receipts.length} 张。\n${next}`);
}

/** 补票据 <序号>: the next photos go to this item of the draft (a receipt found later, before submission). */
export async function choosePhotoItem(ctx: StaffContext): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  const draft = await ReimbursementDraft.findById(who.staffId).lean();
  const items = draft?.items ?? [];
  if (!items.length) {
    await ctx.reply('你没有未提交的报销草稿。票据照片要在提交前附上：发送「报销」填写明细。');
    return;
  }
  const n = Number(ctx.args.trim());
  if (!Number.isInteger(n) || n < 1 || n > items.length) {
    await ctx.reply(`请写给第几项补票据（1 到 ${items.length}），例如：补票据 1`);
    return;
  }
  await ReimbursementDraft.updateOne({ _id: who.staffId }, { $set: { photoItem: n - 1, itemAt: ctx.services.now() } });
  const it = items[n - 1]!;
  await ctx.reply(
    `请在这里发第 ${n} 项（${it.date} ${categoryLabel(it.category)}，${it.matter}）的票据照片，照片会附在这一项上${it.receipts?.length ? `（已有 ${it.receipts.length} 张）` : ''}。`,
  );
}

/**
 * Card button 查看票据照片: the claim's photos, sent to whoever may see the claim's receipts — the
 * claimant and anyone holding a role of one of its steps. The channel shows the pictures it can
 * (Card.pictures); a photo sent on another chat platform is named, not shown.
 */
export async function showPhotos(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? parseClaimNo(ctx.args) ?? '';
  const claim = await loadClaim(no);
  const approver = claim?.steps.some((s) => ctx.sender.roles.has(s.role as Role));
  if (!claim || (claim.claimantId !== ctx.sender.staffId && !approver)) {
    await ctx.toast(`没有找到报销单 ${no}，或你不能查看它的票据。`);
    return;
  }
  const here = `${ctx.event.channel}:`;
  const lines: string[] = [];
  const pictures: string[] = [];
  claim.items.forEach((it, i) => {
    const refs = it.receipts ?? [];
    const shown = refs.filter((r) => r.startsWith(here));
    pictures.push(...shown);
    const elsewhere = refs.length - shown.length;
    lines.push(
      `${i + 1}. ${it.date} ${categoryLabel(it.category)}｜${it.matter}：${refs.length ? `${refs.length} 张` : '无票据照片'}${elsewhere ? `（其中 ${elsewhere} 张在其他聊天平台上发送，这里无法显示）` : ''}`,
    );
  });
  const card: Card = {
    title: `报销单 ${claim._id} 的票据照片`,
    color: 'blue',
    lines,
    note: pictures.length ? '照片随后逐张发出。' : undefined,
  };
  if (pictures.length) card.pictures = pictures;
  await ctx.reply(card);
}
