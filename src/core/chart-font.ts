import subset from 'subset-font';

/*
 * The chart font cut down to one picture's characters. resvg 2.6 (the native build) reads the whole
 * font file again for every <text> it lays out (thx/resvg-js#367), and Noto Sans SC is 8 MB: a chart
 * with 60 labels read half a gigabyte. HarfBuzz's subsetter (subset-font, the maintained wrapper of
 * harfbuzzjs) keeps the outlines, metrics and layout of the characters asked for: the picture is
 * drawn the same from a file of a few KB, in about 10 ms.
 */

/** Every printable ASCII character: axis numbers, units and Latin letters are always there. */
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

/** The font with only the glyphs of `text`'s characters (and of every printable ASCII one), as OpenType. */
export async function subsetFont(font: Buffer, text: string): Promise<Buffer> {
  return subset(font, ASCII + text, { targetFormat: 'sfnt' });
}
