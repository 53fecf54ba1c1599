import { CardPrompt } from '../models/index.ts';
import type { Card, CardButton, Channel, Target } from './types.ts';

/** Kept this long for housekeeping; a number works only CARD_NUMBER_MINUTES after the card was sent. */
const PROMPT_KEEP_MS = 7 * 24 * 3600_000;

/**
 * Whose card it is: a private chat's card is the chat's; in a group, a card sent in answer to
 * someone's message is that person's, so another member's `2` cannot press it. A card sent to the
 * whole group (a scheduled notice) is everyone's there.
 */
export function promptKey(channel: Channel, chatId: string, audience?: string): string {
  return audience && audience !== chatId ? `${channel}:${chatId}:${audience}` : `${channel}:${chatId}`;
}

/**
 * Remembers a card shown as text as the latest card in that chat (for that person). A card without
 * buttons is remembered too: it is the latest card then, and a number presses nothing on it.
 */
export async function rememberCard(target: Target, card: Card, at: Date, audience?: string): Promise<void> {
  const chatId = 'chatId' in target ? target.chatId : target.userId;
  await CardPrompt.updateOne(
    { _id: promptKey(target.channel, chatId, audience) },
    {
      $set: {
        card,
        buttons: card.buttons ?? [],
        at,
        usedAt: null,
        usedBy: null,
        expiresAt: new Date(at.getTime() + PROMPT_KEEP_MS),
      },
    },
    { upsert: true },
  );
}

export interface Prompt {
  _id: string;
  card: Card | null;
  buttons: CardButton[];
  at: Date;
  usedAt: Date | null;
  usedBy: string | null;
}

/** The latest card `userId` got in this chat: their own in a group, or one sent to the whole group, whichever is newer. */
export async function latestPrompt(
  channel: Channel,
  chat: { id: string; isGroup: boolean },
  userId: string,
): Promise<Prompt | undefined> {
  // two reads by _id rather than one `$in`: FerretDB 1.24 pushes a plain `_id` down, not an `$in`
  const keys = chat.isGroup
    ? [promptKey(channel, chat.id, userId), promptKey(channel, chat.id)]
    : [promptKey(channel, chat.id)];
  const found = (await Promise.all(keys.map((k) => CardPrompt.findById(k).lean()))).filter((p) => p !== null);
  const prompts = found.map(
    (p): Prompt => ({
      _id: p._id,
      card: (p.card as Card | null) ?? null,
      buttons: (p.buttons ?? []) as CardButton[],
      at: p.at ?? new Date(p.expiresAt.getTime() - PROMPT_KEEP_MS),
      usedAt: p.usedAt ?? null,
      usedBy: p.usedBy ?? null,
    }),
  );
  return prompts.sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

/** Why a number may not press a button of `prompt` now (`eventId`: the number's own event, whose re-run still may). */
export function promptClosed(prompt: Prompt, now: Date, minutes: number, eventId: string): 'used' | 'old' | undefined {
  if (prompt.usedAt && prompt.usedBy !== eventId) return 'used';
  if (now.getTime() - prompt.at.getTime() > minutes * 60_000) return 'old';
  return undefined;
}

/** A button was pressed by number: the card is closed, unless a newer card replaced it meanwhile. */
export async function markUsed(prompt: Prompt, now: Date, eventId: string): Promise<void> {
  await CardPrompt.updateOne({ _id: prompt._id, at: prompt.at }, { $set: { usedAt: now, usedBy: eventId } });
}
