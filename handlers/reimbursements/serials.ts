import { isNoneWord } from '../../src/core/text.ts';

/*
 * Bus-ticket serial numbers (§3.5.3 票号) as text: parsing what people type, and which serials are
 * next to each other. The clause rules that use them are in rules.ts.
 */

/** "12345, 12346、12347" → ['12345', '12346', '12347']; an error for anything that is not a serial. */
export function parseSerials(text: string): { serials: string[] } | { error: string } {
  const t = text.trim();
  // 0 is what people type for "no ticket number" as well as the usual skip words
  if (!t || t === '0' || isNoneWord(t)) return { serials: [] };
  const parts = t.split(/[,，、;；\s]+/).filter(Boolean).map((s) => s.toUpperCase());
  const bad = parts.filter((p) => !/^[A-Z0-9-]{3,30}$/.test(p) || !/\d$/.test(p));
  if (bad.length) return { error: `票号「${bad.join('、')}」格式不对：应为票面上的编号（数字结尾），多张用逗号隔开。` };
  return { serials: parts };
}

/** Prefix and numeric tail of a serial: "A00123" → ['A', 123n, 5]. */
function splitSerial(s: string): { prefix: string; num: bigint; width: number } {
  const m = /^(.*?)(\d+)$/.exec(s)!;
  return { prefix: m[1]!, num: BigInt(m[2]!), width: m[2]!.length };
}

export function areConsecutive(a: string, b: string): boolean {
  const x = splitSerial(a);
  const y = splitSerial(b);
  if (x.prefix !== y.prefix) return false;
  const d = x.num - y.num;
  return d === 1n || d === -1n;
}

/** The serials one before and one after `s`, written the same way (prefix and zero padding kept). */
export function adjacentSerials(s: string): string[] {
  if (!/\d$/.test(s)) return [];
  const { prefix, num, width } = splitSerial(s);
  return [num - 1n, num + 1n].filter((n) => n >= 0n).map((n) => `${prefix}${n.toString().padStart(width, '0')}`);
}

