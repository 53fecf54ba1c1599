/**
 * Phones type full-width characters (／，：１２３ and the ideographic space) and stray spaces;
 * NFKC folds them to their ASCII forms so commands and answers match however they were typed.
 */
export function normalizeText(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t\u3000]+/g, ' ').trim())
    .join('\n')
    .trim();
}

/**
 * Someone's text as it is stored and shown again: invisible characters removed, runs of spaces
 * folded and lines trimmed, but full-width punctuation and letters kept as typed (normalizeText is
 * for matching only).
 */
export function tidyText(input: string): string {
  return input
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t\u3000]+/g, ' ').trim())
    .join('\n')
    .trim();
}

/**
 * The end of a message as it was typed, for the folded `tail` a command read from it: a reason or a
 * note after the command word and number (`重开投诉 TS-… 客户又来电，说仍未改善`) is stored with its
 * full-width punctuation, while the command itself was matched folded. When the tail is not the end
 * of the message (it was rebuilt), it is returned as it is.
 */
export function typedTail(raw: string, tail: string): string {
  const folded = tail.trim();
  if (!folded) return folded;
  const typed = tidyText(raw);
  // folding keeps lengths nearly equal (NFKC, no invisible characters), so look near the expected start
  const guess = Math.max(0, typed.length - folded.length);
  for (let d = 0; d <= 8; d++) {
    for (const k of d ? [guess - d, guess + d] : [guess]) {
      if (k < 0 || k > typed.length) continue;
      const candidate = typed.slice(k).trim();
      if (normalizeText(candidate) === folded) return candidate;
    }
  }
  return folded;
}

/**
 * What a name is compared by: case and full/half width folded (NFKC), and every space and
 * punctuation mark dropped, so 「ABC 物业」, 「abc物业」 and 「ＡＢＣ·物业」 are one client, and 「城南 宿舍」
 * is 城南宿舍. Records keep and show a name as it was first written; only lookups use this.
 */
export function nameKey(name: string): string {
  const folded = name.normalize('NFKC').toLowerCase();
  // letters, digits and combining marks are the name; a name of punctuation alone keeps its marks
  return folded.replace(/[^\p{L}\p{N}\p{M}]/gu, '') || folded.replace(/\s+/g, '');
}

/** The one of `names` that `typed` means: written the same, else the first with the same nameKey. */
export function sameName(names: Iterable<string>, typed: string): string | undefined {
  const key = nameKey(typed);
  if (!key) return undefined;
  let folded: string | undefined;
  for (const n of names) {
    if (n === typed) return n;
    if (folded === undefined && nameKey(n) === key) folded = n;
  }
  return folded;
}

/**
 * Names as first written, for a batch (a roster file): the returned function gives back the known
 * name a spelling means (sameName), or keeps a new spelling as the one later spellings give back.
 */
export function nameBook(known: Iterable<string>): (typed: string) => string {
  const exact = new Set<string>();
  const byKey = new Map<string, string>();
  const add = (n: string) => {
    exact.add(n);
    if (!byKey.has(nameKey(n))) byKey.set(nameKey(n), n);
  };
  for (const n of known) add(n);
  return (typed) => {
    if (!typed || exact.has(typed)) return typed;
    const hit = byKey.get(nameKey(typed));
    if (hit) return hit;
    add(typed);
    return typed;
  };
}

/**
 * The name of `names` a text starts with, its words run together or apart (「城南 宿舍 全到」 →
 * 城南宿舍), the longest that names one, and the text after it (later lines kept as they are).
 */
export function leadingName(
  names: readonly string[],
  text: string,
  maxWords = 3,
): { name: string; rest: string } | undefined {
  const t = text.replace(/^\s+/, '');
  const line = t.split('\n')[0]!;
  const words = [...line.matchAll(/\S+/g)];
  for (let n = Math.min(maxWords, words.length); n >= 1; n--) {
    const last = words[n - 1]!;
    const end = last.index + last[0].length;
    const name = sameName(names, line.slice(0, end));
    if (name) return { name, rest: t.slice(end).replace(/^[ \t]+/, '') };
  }
  return undefined;
}

/** Text as a regex matching it literally (a name or number typed into a search). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Strips the leading command slash people use in groups (`/帮助`, `／帮助`). */
export function stripCommandPrefix(text: string): string {
  return text.replace(/^\/\s*/, '');
}

const CJK = /[\u3400-\u9fff]/;

/**
 * Finds which of `words` the text starts with. Chinese words may run straight into their argument
 * (`绑定AB12CD`); Latin words need a space after them so `helpme` is not `help`.
 */
export function matchWord(text: string, words: readonly string[]): { word: string; rest: string } | undefined {
  const lower = text.toLowerCase();
  const sorted = [...words].sort((a, b) => b.length - a.length);
  for (const word of sorted) {
    const w = word.toLowerCase();
    if (!lower.startsWith(w)) continue;
    const rest = text.slice(w.length);
    if (rest === '' || /^\s/.test(rest) || CJK.test(w.at(-1) ?? '')) {
      return { word, rest: rest.trim() };
    }
  }
  return undefined;
}

/** Full-width digits (０–９) as ASCII. */
function asciiDigits(s: string): string {
  return s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

const MOBILE = /^1[3-9]\d{9}$/;
/** 010 and 02x are the only three-digit area codes; every other one has four (0755, 0571). */
const LANDLINE = /^0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}$/;
const SERVICE = /^[48]00\d{7}$/;

export type PhoneKind = 'mobile' | 'landline' | 'service';

/**
 * The national number a run of digits is, or undefined: a mobile (13712345678), a landline with its
 * area code (075588886666), or a 400/800 number. A +86 / 0086 / 86 prefix is dropped, and a
 * landline written after it without the area code's 0 (+86 755 …) gets the 0 back.
 */
export function classifyPhone(digits: string): { kind: PhoneKind; national: string } | undefined {
  const d = asciiDigits(digits).replace(/\D/g, '');
  const bare = (n: string) =>
    MOBILE.test(n)
      ? ('mobile' as const)
      : LANDLINE.test(n)
        ? ('landline' as const)
        : SERVICE.test(n)
          ? ('service' as const)
          : undefined;
  const kind = bare(d);
  if (kind) return { kind, national: d };
  const rest = d.startsWith('0086') ? d.slice(4) : d.startsWith('86') ? d.slice(2) : undefined;
  if (rest === undefined) return undefined;
  for (const n of [rest, `0${rest}`]) {
    const k = bare(n);
    if (k === 'mobile' || k === 'landline') return { kind: k, national: n };
  }
  return undefined;
}

/** 13812345678 → 138****5678, 0755-88886666 → 0755-****6666: the one masked form every phone is shown in. */
export function maskPhone(phone: string): string {
  const p = classifyPhone(phone);
  if (p?.kind === 'landline') return `${phoneText(p).split('-')[0]}-****${p.national.slice(-4)}`;
  const digits = p?.national ?? asciiDigits(phone).replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return digits ? '****' : '';
}

/*
 * Phones inside free text. A "run" is digit groups joined by what people type between them
 * (spaces, dashes, brackets, at most 3 characters), maybe opened by "(" or "+". Each run is cut into
 * its groups and phones are read off whole groups, left to right, longest first: so 137 0000 3333,
 * (0755)8888 6666, +86 137-0000-3333 and two phones in a row are found, while an area code or a
 * mobile's first three digits is never taken from the tail of another number.
 */
const DIGIT = '[0-9０-９]';
const JOIN = '[ \\t\\u3000\\-‐‑‒–—－()（）]{1,3}';
const RUN = new RegExp(`(?:[(（][ \\u3000]?)?(?:[+＋][ \\u3000]?)?${DIGIT}+(?:${JOIN}${DIGIT}+)*`, 'g');
const GROUP = new RegExp(`${DIGIT}+`, 'g');
/** A phone's groups: a +86 prefix, then at most four more (0755 8888 6666, 137 0000 3333). */
const MAX_GROUPS = 5;

interface Group {
  start: number;
  end: number;
  digits: string;
}

/** Account-style numbers (6222 0212 3456 7890, an ID card typed in fours) hold no phone of their own. */
function looksLikeAccount(groups: readonly Group[]): boolean {
  const total = groups.reduce((n, g) => n + g.digits.length, 0);
  return groups.length >= 4 && total >= 15 && groups.slice(0, -1).every((g) => g.digits.length === 4);
}

/** A phone made of groups[i..j]: never one whose area code or first digits are split across groups. */
function phoneOfGroups(
  groups: readonly Group[],
  i: number,
  j: number,
): { kind: PhoneKind; national: string } | undefined {
  const digits = groups
    .slice(i, j + 1)
    .map((g) => asciiDigits(g.digits))
    .join('');
  const p = classifyPhone(digits);
  if (!p) return undefined;
  const first = asciiDigits(groups[i]!.digits);
  if (digits === p.national) return first.length >= 3 ? p : undefined;
  // after +86 / 0086: the prefix stands alone (then the area code or mobile is not cut short) or is glued on
  if (first === '86' || first === '0086') return j > i && groups[i + 1]!.digits.length >= 2 ? p : undefined;
  return first.length >= 5 ? p : undefined;
}
export interface FoundPhone {
  /** Where the phone stands in the text, as typed (brackets and + included). */
  start: number;
  end: number;
  text: string;
  kind: PhoneKind;
  /** Digits only, without +86: 13712345678, 075588886666, 4001234567. */
  national: string;
}

/** Every phone number in a text, however it was typed. */
export function findPhones(text: string): FoundPhone[] {
  const out: FoundPhone[] = [];
  for (const m of text.matchAll(RUN)) {
    const runStart = m.index;
    const run = m[0];
    // a decimal (1380000.50, 0.13800001111) is an amount, not a phone
    if (text[runStart + run.length] === '.' && /\d/.test(text[runStart + run.length + 1] ?? '')) continue;
    if (text[runStart - 1] === '.' && /\d/.test(text[runStart - 2] ?? '')) continue;
    const groups: Group[] = [...run.matchAll(GROUP)].map((g) => ({
      start: runStart + g.index,
      end: runStart + g.index + g[0].length,
      digits: g[0],
    }));
    const found: FoundPhone[] = [];
    let covered = 0;
    for (let i = 0; i < groups.length; ) {
      let hit: { j: number; p: { kind: PhoneKind; national: string } } | undefined;
      for (let j = Math.min(groups.length, i + MAX_GROUPS) - 1; j >= i && !hit; j--) {
        const p = phoneOfGroups(groups, i, j);
        if (p) hit = { j, p };
      }
      if (!hit) {
        i++;
        continue;
      }
      const end = groups[hit.j]!.end;
      // the + before the phone is part of it, and so is an opening bracket whose closing one is inside it
      const [, bracket = '', plus = ''] = /([(（][ \u3000]?)?([+＋][ \u3000]?)?$/.exec(
        text.slice(runStart, groups[i]!.start),
      )!;
      const closes = /[)）]/.test(text.slice(groups[i]!.start, end));
      const start = groups[i]!.start - plus.length - (bracket && closes ? bracket.length : 0);
      found.push({ start, end, text: text.slice(start, end), kind: hit.p.kind, national: hit.p.national });
      covered += groups.slice(i, hit.j + 1).length;
      i = hit.j + 1;
    }
    if (found.length && covered < groups.length && looksLikeAccount(groups)) continue;
    out.push(...found);
  }
  return out;
}

/**
 * Every phone number inside a text masked (maskPhone), everything else kept as it was: a contacts
 * list (张经理 138****5678), a note, a visit report. Amounts, dates, case numbers, plates and
 * odometer readings are left alone.
 */
export function maskPhonesIn(text: string): string {
  let out = '';
  let at = 0;
  for (const p of findPhones(text)) {
    out += text.slice(at, p.start) + maskPhone(p.national);
    at = p.end;
  }
  return out + text.slice(at);
}

/** A text that is one phone number and nothing else, however it was typed; undefined otherwise. */
export function parsePhone(text: string): { kind: PhoneKind; national: string } | undefined {
  const t = text.trim();
  if (!/^[(（]?[+＋]?[0-9０-９ \t\u3000\-‐‑‒–—－()（）]+$/.test(t)) return undefined;
  const found = findPhones(t);
  return found.length === 1 && found[0]!.start === 0 && found[0]!.end === t.length ? found[0] : undefined;
}

/** A phone as records keep it: 13712345678, 0755-88886666 (the area code split off), 4001234567. */
export function phoneText(p: { kind: PhoneKind; national: string }): string {
  if (p.kind !== 'landline') return p.national;
  const area = /^0[12]/.test(p.national) ? 3 : 4;
  return `${p.national.slice(0, area)}-${p.national.slice(area)}`;
}

/** Mainland mobile numbers, the only kind staff rosters carry. */
export const MOBILE_RE = /^1[3-9]\d{9}$/;
/** A mobile however it was typed (138 1234 5678, +86-138-1234-5678, (0086)13812345678) → 13812345678. */
export function parseMobile(text: string): string | undefined {
  const p = parsePhone(text);
  return p?.kind === 'mobile' ? p.national : undefined;
}

/** A phone number someone outside the company gives, as kept: a mainland mobile, or a landline with area code (0571-88886666); never a service number. */
export function parsePhoneNumber(text: string): string | undefined {
  const p = parsePhone(text);
  return p && p.kind !== 'service' ? phoneText(p) : undefined;
}

/** A yes or a no in the words a question allows (有效/无效, 满意/不满意); undefined for anything else. The no words are tried first (不满意 is not 满意). */
export function parseYesNo(text: string, yes: RegExp, noWords: RegExp): boolean | undefined {
  const t = text.trim();
  if (noWords.test(t)) return false;
  if (yes.test(t)) return true;
  return undefined;
}

/** What people type to skip a question or say "none": one list for forms and every parser. */
export const NONE_WORDS: ReadonlySet<string> = new Set(['跳过', '无', '没有', '-', 'skip', 'none']);
export function isNoneWord(text: string): boolean {
  return NONE_WORDS.has(text.trim().toLowerCase());
}

/** What people type to skip a question (not to answer 「无」): never an answer to a required one. */
const SKIP_WORDS: ReadonlySet<string> = new Set(['跳过', '略过', 'skip']);
export function isSkipWord(text: string): boolean {
  return SKIP_WORDS.has(text.trim().toLowerCase());
}

/** How much of someone's own text a reply quotes back. */
export const ECHO_MAX_CHARS = 20;

/**
 * Someone's text as a reply quotes it (「…」): control and invisible characters (NUL, zero-width,
 * bidi overrides) removed, line breaks and runs of spaces folded to one space, and cut to `max`
 * characters with an ellipsis. Counted in code points, so an emoji is never split in half.
 */
export function echo(text: string, max = ECHO_MAX_CHARS): string {
  const clean = String(text)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g,
      '',
    )
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(clean);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}
