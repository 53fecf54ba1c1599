import type { StaffContext } from '../../src/core/context.ts';
import { draftCard } from './cards.ts';
import { ReimbursementDraft } from './models.ts';
import { draftAddedCard } from './replies.ts';
import { checkClaim } from './rules.ts';
import { reimbursementSettings } from './settings.ts';

/* The sender's draft as a reply: in short after something went into it (#21), or the whole of it. */

/** The draft in short after something went into it (#21); 查看草稿 shows the whole of it (showDraft). */
export async function showDraftAdded(ctx: StaffContext, staffId: string, added: string): Promise<void> {
  const draft = await ReimbursementDraft.findById(staffId).lean();
  const items = draft?.items ?? [];
  const { config } = ctx.services;
  const { errors, flags } = checkClaim(
    items,
    ctx.services.now(),
    config.timezone,
    reimbursementSettings.of(config).amounts,
  );
  await ctx.reply(draftAddedCard(added, items, [...errors, ...flags], draft?.resubmitOf));
}

/** The whole draft, numbered (for 删除明细), with what the rules say so far. */
export async function showDraft(ctx: StaffContext, staffId: string, note?: string): Promise<void> {
  const draft = await ReimbursementDraft.findById(staffId).lean();
  const items = draft?.items ?? [];
  if (!items.length) {
    await ctx.reply('你还没有填写报销明细。发送「报销」开始填写第一项。');
    return;
  }
  const { config } = ctx.services;
  const { errors, flags } = checkClaim(
    items,
    ctx.services.now(),
    config.timezone,
    reimbursementSettings.of(config).amounts,
  );
  const card = draftCard(items, [...errors, ...flags], draft?.resubmitOf);
  if (note) card.lines.unshift(note);
  await ctx.reply(card);
}
