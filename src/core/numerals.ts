import { chinese_parseInt as chineseParseInt } from 'chinese-parseint2';

/*
 * Chinese numerals as people write them (五十, 二百, 一千二百五, 两万五, 壹佰). The library reads the
 * colloquial forms (一千二百五 = 1250: a trailing digit takes the next lower unit); it is lenient with
 * nonsense (二十二十 = 40, 万 = 0), so the shape is checked here first.
 */

const DIGIT = '[零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖]';
/** One group below 万: 千, 百, 十 each at most once, in that order, an optional digit last (一千二百五). */
const GROUP = `(?:${DIGIT}[千仟])?(?:零?${DIGIT}[百佰])?(?:零?${DIGIT}?[十拾])?(?:零?${DIGIT})?`;
const SHAPE = new RegExp(`^(?:(?=.)${GROUP}亿)?(?:(?=.)零?${GROUP}万)?零?${GROUP}$`);

/** The characters a Chinese numeral is written with, for callers that pick numerals out of text. */
export const NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟';

/** A whole number written in Chinese numerals → its value; undefined for anything else (also digits). */
export function chineseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!t || !SHAPE.test(t)) return undefined;
  // a group may not be empty before 万/亿 (「万」 alone, 「亿万」)
  if (/^[万亿]|[万亿][万亿]/.test(t)) return undefined;
  const n = chineseParseInt(t);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A whole number in digits or Chinese numerals (12, 十二) → its value. */
export function wholeNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  return chineseNumber(t);
}
