/*
 * Issue #21: step confirmations fit a phone. A reply as a text channel shows it, counted without
 * its numbered buttons and the line that says how to answer them: at most five lines.
 */

export const MAX_LINES = 5;

/** The lines a person reads, not counting a card's button row and its 「回复数字选择」 hint. */
export function readLines(text: string): string[] {
  return text.split('\n').filter((l) => !/^\[1\] /.test(l) && !l.startsWith('回复数字选择'));
}
