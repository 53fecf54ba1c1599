import { echo, isNoneWord } from '../../src/core/text.ts';

/*
 * Bus-ticket serial numbers (§3.5.3 票号) as text: parsing what people type, one normal form for
 * every comparison, and which serials are next to each other. The clause rules are in rules.ts.
 *
 * The same ticket is typed A0123, a-0123, A 0123 or A123: case, spaces, separators and the leading
 * zeros of the number part do not make a different ticket, so every comparison (within a claim,
 * across claims, and the once-only key) uses normalizeSerial. Items keep the serial as typed.
 */

const SEPARATORS = /[\s\-_./·—–－＿．]/g;

/** The part of a serial that counts: letters before, the number (no leading zeros), letters after. */
function parts(s: string): { prefix: string; num: bigint; suffix: string } | undefined {
  const m = /^(.*?)(\d+)([A-Z]*)$/.exec(s.toUpperCase().replace(SEPARATORS, ''));
  return m ? { prefix: m[1]!, num: BigInt(m[2]!), suffix: m[3]! } : undefined;
}

/** One form per ticket: A0123, a-0123, A 0123 → A123; 00123B → 123B. */
export function normalizeSerial(s: string): string {
  const p = parts(s);
  return p ? `${p.prefix}${p.num}${p.suffix}` : s.toUpperCase().replace(SEPARATORS, '');
}

/**
 * "12345, 12346、12347" or "A 0123 A 0124" → the serials as typed (upper case, spaces trimmed);
 * an error for anything that is not a serial. A word without digits (A in "A 0123") belongs to the
 * number after it, or, at the end, to the number before it (letters after the digits).
 */
export function parseSerials(text: string): { serials: string[] } | { error: string } {
  const t = text.trim();
  // 0 is what people type for "no ticket number" as well as the usual skip words
  if (!t || t === '0' || isNoneWord(t)) return { serials: [] };
  const serials: string[] = [];
  for (const group of t.split(/[,，、;；\n]+/)) {
    const words = group
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.toUpperCase());
    let pending = '';
    words.forEach((w, i) => {
      if (/\d/.test(w)) {
        serials.push(`${pending}${w}`);
        pending = '';
      } else if (i === words.length - 1 && i > 0 && /\d/.test(words[i - 1]!)) {
        serials[serials.length - 1] += w; // letters after the digits: 00123 B
      } else {
        pending += w;
      }
    });
    if (pending) serials.push(pending);
  }
  const bad = serials.filter((p) => !/^[A-Z0-9]{3,30}$/.test(p.replace(SEPARATORS, '')) || !/\d/.test(p));
  if (bad.length)
    return { error: `票号「${echo(bad.join('、'))}」格式不对：应为票面上的编号（字母和数字），多张用逗号隔开。` };
  return { serials };
}

/** Whether two serials are the same ticket however they were typed. */
export function sameSerial(a: string, b: string): boolean {
  return normalizeSerial(a) === normalizeSerial(b);
}

/** Consecutive tickets: the same letters around numbers one apart (A123 and A-0124). */
export function areConsecutive(a: string, b: string): boolean {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y || x.prefix !== y.prefix || x.suffix !== y.suffix) return false;
  const d = x.num - y.num;
  return d === 1n || d === -1n;
}

/** The normal forms of the serials one before and one after `s`. */
export function adjacentSerials(s: string): string[] {
  const p = parts(s);
  if (!p) return [];
  return [p.num - 1n, p.num + 1n].filter((n) => n >= 0n).map((n) => `${p.prefix}${n}${p.suffix}`);
}
