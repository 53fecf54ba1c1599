import leven from 'leven';
import type { BotContext } from './context.ts';
import { type CommandRoute, isAllowed, type RouteTable } from './router.ts';
import { echo, normalizeText, stripCommandPrefix, typedTail } from './text.ts';
import type { Card } from './types.ts';

/*
 * Forgiving input (#21): a message that is no command gets the nearest command words the person may
 * use (报消 → 报销), as buttons (numbered on text channels) that run the command with the same
 * argument text; and a long free text that merely starts with a command word is not taken as it.
 */

/** The button of a suggestion: its value `text` is the message as it should have been typed. */
export const SUGGEST_ACTION = 'core.suggest';

/**
 * The longest first line a command has, in characters. A command, its number and a reason, or a
 * whole form written on one line (the console), stay well below it; a pasted letter of complaint
 * that starts with 投诉 does not, and is not the command 投诉.
 */
export const COMMAND_LINE_MAX = 500;

const CJK = /[\u3400-\u9fff]/;
const MAX_SUGGESTIONS = 3;

/** Whether the message is too long to be a command: its first line is past COMMAND_LINE_MAX. */
export function tooLongForCommand(text: string): number | undefined {
  const first = stripCommandPrefix(text).split('\n')[0]!;
  const n = Array.from(first).length;
  return n > COMMAND_LINE_MAX ? n : undefined;
}

export interface Suggestion {
  route: CommandRoute;
  word: string;
  /** What followed the mistyped word, kept for the suggested command. */
  args: string;
  distance: number;
}

/**
 * Command words of `routes` that the start of `text` is a typo of (one edit; two for words of six
 * or more characters), nearest first. A two-character word must stand alone or before a space, digit
 * or letter (报消 50, 报消50元), so ordinary words that share a character with it (已经到了 ≠ 已阅) are
 * not read as typos.
 */
export function nearestCommands(routes: readonly CommandRoute[], text: string): Suggestion[] {
  const t = stripCommandPrefix(normalizeText(text));
  const token = t.split(/\s/)[0] ?? '';
  if (!token) return [];
  const found = new Map<CommandRoute, Suggestion & { order: number }>();
  routes.forEach((route, order) => {
    for (const word of route.words) {
      const hit = CJK.test(word) ? chineseTypo(t, token, word) : latinTypo(t, token, word);
      if (!hit) continue;
      const had = found.get(route);
      if (!had || hit.distance < had.distance)
        found.set(route, { route, word: route.words[0]!, args: hit.args, distance: hit.distance, order });
    }
  });
  return [...found.values()]
    .sort((a, b) => a.distance - b.distance || (a.route.rank ?? 9) - (b.route.rank ?? 9) || a.order - b.order)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ order: _order, ...s }) => s);
}

function allowedEdits(word: string): number {
  return Array.from(word).length >= 6 ? 2 : 1;
}

/** A Chinese word may run into its argument (报消50元), so the start of the token is compared at lengths near the word's. */
function chineseTypo(text: string, token: string, word: string): { distance: number; args: string } | undefined {
  const len = word.length;
  let best: { distance: number; args: string } | undefined;
  for (let l = Math.max(1, len - 1); l <= Math.min(token.length, len + 1); l++) {
    const typed = token.slice(0, l);
    const after = token.slice(l);
    // a short word followed straight by more Chinese is more likely another word than a typo of this one
    if (len <= 2 && (l !== len || CJK.test(after[0] ?? ''))) continue;
    const distance = leven(typed, word, { maxDistance: 3 });
    if (distance === 0 || distance > allowedEdits(word)) continue;
    if (!best || distance < best.distance) best = { distance, args: text.slice(l).trim() };
  }
  return best;
}

/** A Latin alias is a whole token (hlep, reimbuse). */
function latinTypo(text: string, token: string, word: string): { distance: number; args: string } | undefined {
  if (word.length < 4) return undefined;
  const distance = leven(token.toLowerCase(), word.toLowerCase(), { maxDistance: 3 });
  if (distance === 0 || distance > allowedEdits(word)) return undefined;
  return { distance, args: text.slice(token.length).trim() };
}

/** The suggested message: the right word, then what followed the wrong one. */
export function suggestedText(s: Pick<Suggestion, 'word' | 'args'>): string {
  return s.args ? `${s.word} ${s.args}` : s.word;
}

/**
 * The answer to a message that is no command: 「你是不是要：报销」 with a button per suggestion (on
 * text channels numbered, answered with the number), or where there is none, the pointer to 帮助.
 */
export function unknownCommandReply(
  table: RouteTable,
  ctx: Pick<BotContext, 'sender' | 'text' | 'event'>,
): string | Card {
  const typed = echo(stripCommandPrefix(ctx.text));
  const usable = table.commands.filter((r) => isAllowed(r.allow, ctx));
  // the argument text goes on as it was typed (full-width punctuation kept), like any command's
  const found = nearestCommands(usable, ctx.text).map((s) => ({ ...s, args: typedTail(ctx.event.text ?? '', s.args) }));
  if (!found.length) return `没有听懂「${typed}」。发送「帮助」查看你能用的命令。`;
  return {
    title: `你是不是要：${found.map((s) => s.word).join(' / ')}`,
    color: 'orange',
    lines: [`没有「${echo(stripCommandPrefix(ctx.text).split(/\s/)[0] ?? '', 12)}」这个命令。`],
    buttons: found.map((s, i) => ({
      label: echo(suggestedText(s), 16),
      action: SUGGEST_ACTION,
      value: { text: suggestedText(s) },
      style: i === 0 ? 'primary' : 'default',
    })),
    note: '都不是？发送「帮助」查看你能用的命令。',
  };
}

/** The answer to a long free text that starts like a command. */
export function tooLongReply(chars: number): string {
  return `这条消息第一行有 ${chars} 字，不像命令，没有执行。命令写在第一行（${COMMAND_LINE_MAX} 字以内），较长的说明换行写在后面。发送「帮助」查看你能用的命令。`;
}
