import { escapeRegex, nameKey } from '../core/text.ts';
import { Staff } from '../models/index.ts';

/*
 * Staff looked up by name as people type it: 「张 三」, 「张三 」 and 「张·三」 are 张三 (core nameKey folds
 * case, width, spaces and punctuation). Names are kept as written on the roster.
 */

/** How many records a folded lookup reads before checking each name's key. */
const LOOSE_LIMIT = 200;

/**
 * A regex every name with this key matches (and a few more, which nameKey then refuses): the key's
 * characters in order, a Latin letter or digit also in its full-width form, with up to three other
 * characters (spaces, punctuation) around each. Plain syntax that FerretDB and MongoDB both read.
 */
function loosePattern(key: string): string {
  const chars = Array.from(key).map((c) => {
    if (!/^[0-9a-z]$/.test(c)) return escapeRegex(c);
    const wide = String.fromCharCode(c.charCodeAt(0) + 0xfee0);
    const wideUpper = String.fromCharCode(c.toUpperCase().charCodeAt(0) + 0xfee0);
    return `[${c}${wide}${wideUpper}]`;
  });
  return `^.{0,3}${chars.join('.{0,3}')}.{0,3}$`;
}

/**
 * The staff of this name (and `filter`), at most `limit`: those written exactly so first, one
 * indexed read; only when there are none, a folded lookup (a scan, as rare as a misspacing).
 */
export async function staffNamed(name: string, filter: Record<string, unknown> = {}, limit = 10) {
  const typed = name.trim();
  if (!typed) return [];
  const exact = await Staff.find({ ...filter, name: typed })
    .limit(limit)
    .lean();
  if (exact.length) return exact;
  const key = nameKey(typed);
  const loose = await Staff.find({ ...filter, name: { $regex: loosePattern(key), $options: 'i' } })
    .limit(LOOSE_LIMIT)
    .lean();
  return loose.filter((s) => nameKey(s.name) === key).slice(0, limit);
}
