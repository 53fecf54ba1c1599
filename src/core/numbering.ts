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

/** A date as staff read it, in the bot's time zone: 2026-11-27 14:05. */
export function formatDateTime(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyy-LL-dd HH:mm');
}

export function formatDate(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyy-LL-dd');
}
