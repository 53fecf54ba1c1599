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

/** 13812345678 → 138****5678; used wherever a phone number is shown in a group chat. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return digits ? '****' : '';
}

/** Every phone number inside a text masked, the words kept (a contacts list: 张经理 138****5678). */
export function maskPhonesIn(text: string): string {
  return text.replace(/\+?\d[\d-]{5,}\d/g, (p) => maskPhone(p));
}

/** Mainland mobile numbers, the only kind staff rosters carry. */
export const MOBILE_RE = /^1[3-9]\d{9}$/;
export function parseMobile(text: string): string | undefined {
  const digits = text.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  return MOBILE_RE.test(digits) ? digits : undefined;
}

/** A phone number someone outside the company gives: a mainland mobile, or a landline with area code (0571-88886666). */
export function parsePhoneNumber(text: string): string | undefined {
  const t = text.replace(/[\s()（）]/g, '').replace(/^\+?86-?/, '');
  if (MOBILE_RE.test(t)) return t;
  const land = /^(0\d{2,3})-?(\d{7,8})$/.exec(t);
  if (land) return `${land[1]}-${land[2]}`;
  return undefined;
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
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(clean);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}
