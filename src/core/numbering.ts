import { DateTime } from 'luxon';
import { nextSequence } from './once.ts';

/**
 * Human-readable numbers with a daily sequence, e.g. `TS-20261127-003`. The sequence is an atomic
 * `$inc` upsert on one counter per prefix and day, so two registrations in the same second differ.
 */
export async function dailyNumber(prefix: string, at: Date, timezone: string): Promise<string> {
  const day = DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyyLLdd');
  const seq = await nextSequence(`${prefix}-${day}`);
  return `${prefix}-${day}-${String(seq).padStart(3, '0')}`;
}

/*
 * Reading those numbers back: one grammar for every prefix, so a number is typed the same way for a
 * complaint, a claim or a trip. Any case, dashes optional, the sequence without its leading zeros
 * (ts20261127003, TS-20261127-3 → TS-20261127-003).
 */
const escapeText = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The record number in `text` and the text without it: `驳回 BX-20261127-001 金额不对` gives
 * BX-20261127-001 and `驳回 金额不对`. Text that is only the number may leave out the prefix too
 * (20261127-3); within a sentence the prefix is required, since bare digits there may be a phone
 * number or an amount. Another prefix's number is not this one's.
 */
export function parseRecordNumber(prefix: string, text: string): { number: string; rest: string } | undefined {
  const p = escapeText(prefix);
  const alone = new RegExp(`^(?:${p})?-?(\\d{8})-?(\\d{1,4})$`, 'i').exec(text.trim());
  const m = alone ?? new RegExp(`(?<![A-Za-z0-9])${p}-?(\\d{8})-?(\\d{1,4})(?![0-9])`, 'i').exec(text);
  if (!m) return undefined;
  const rest = alone
    ? ''
    : [text.slice(0, m.index).trim(), text.slice(m.index + m[0].length).trim()].filter(Boolean).join(' ');
  return { number: `${prefix}-${m[1]}-${m[2]!.padStart(3, '0')}`, rest };
}

/** A date as staff read it, in the bot's time zone: 2026-11-27 14:05. */
export function formatDateTime(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyy-LL-dd HH:mm');
}

export function formatDate(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyy-LL-dd');
}
