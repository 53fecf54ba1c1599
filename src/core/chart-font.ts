/*
 * The chart font cut down to one picture's characters. resvg 2.6 (the native build) reads the whole
 * font file again for every <text> it lays out (thx/resvg-js#367), and Noto Sans SC is 8 MB: a chart
 * with 60 labels read half a gigabyte. This copy keeps every table and every glyph number, and only
 * empties the outlines of the glyphs the picture does not use (a CFF charstring of one `endchar`),
 * so a text is drawn exactly as with the whole font from a file of under 1 MB.
 *
 * Dropped as well: GSUB, whose substitutions could reach a glyph that was emptied (for Chinese,
 * digits and Latin letters the font's default features substitute nothing), and the tables of
 * vertical writing. Anything unexpected in the file throws, and the caller uses the whole font.
 */

/** Tables a horizontal picture does without. */
const DROPPED = new Set(['GSUB', 'vhea', 'vmtx', 'VORG', 'BASE', 'DSIG']);
const ENDCHAR = 14;

interface Parsed {
  font: Buffer;
  tables: { tag: string; offset: number; length: number }[];
  /** Code point → glyph number. */
  glyphOf: (codePoint: number) => number;
  cff: Cff;
}

interface Cff {
  start: number;
  end: number;
  /** The CharStrings INDEX: where it starts and ends (relative to the CFF table), and each glyph's bytes. */
  charStrings: { start: number; end: number; glyphs: [number, number][] };
  /** Offsets (relative to the CFF table) written as 5-byte integers that point past the CharStrings. */
  offsetsAfter: { at: number; value: number }[];
}

const cache = new WeakMap<Buffer, Parsed>();

/** The font with only the outlines of `text`'s characters (and of every printable ASCII one). */
export function subsetFont(font: Buffer, text: string): Buffer {
  let parsed = cache.get(font);
  if (!parsed) {
    parsed = parse(font);
    cache.set(font, parsed);
  }
  const keep = new Set<number>([0]);
  for (let c = 0x20; c < 0x7f; c++) keep.add(parsed.glyphOf(c));
  for (const ch of text) keep.add(parsed.glyphOf(ch.codePointAt(0)!));
  return assemble(parsed, cutCff(parsed, keep));
}

function parse(font: Buffer): Parsed {
  if (font.toString('latin1', 0, 4) !== 'OTTO') throw new Error('not a CFF OpenType font');
  const count = font.readUInt16BE(4);
  const tables = Array.from({ length: count }, (_, i) => ({
    tag: font.toString('latin1', 12 + 16 * i, 16 + 16 * i),
    offset: font.readUInt32BE(20 + 16 * i),
    length: font.readUInt32BE(24 + 16 * i),
  }));
  const table = (tag: string) => {
    const t = tables.find((x) => x.tag === tag);
    if (!t) throw new Error(`no ${tag} table`);
    return t;
  };
  return { font, tables, glyphOf: cmap(font, table('cmap').offset), cff: cff(font, table('CFF ')) };
}

/** The Unicode mapping of the cmap table (format 12, or format 4 for the Basic Multilingual Plane). */
function cmap(font: Buffer, at: number): (codePoint: number) => number {
  const n = font.readUInt16BE(at + 2);
  const subtables = Array.from({ length: n }, (_, i) => ({
    platform: font.readUInt16BE(at + 4 + 8 * i),
    encoding: font.readUInt16BE(at + 6 + 8 * i),
    offset: at + font.readUInt32BE(at + 8 + 8 * i),
  }));
  const full = subtables.find((s) => s.platform === 3 && s.encoding === 10 && font.readUInt16BE(s.offset) === 12);
  if (full) {
    const groups = font.readUInt32BE(full.offset + 12);
    const map = new Map<number, number>();
    for (let g = 0; g < groups; g++) {
      const p = full.offset + 16 + 12 * g;
      const [first, last, glyph] = [font.readUInt32BE(p), font.readUInt32BE(p + 4), font.readUInt32BE(p + 8)];
      for (let c = first; c <= last; c++) map.set(c, glyph + c - first);
    }
    return (c) => map.get(c) ?? 0;
  }
  const bmp = subtables.find((s) => s.platform === 3 && s.encoding === 1 && font.readUInt16BE(s.offset) === 4);
  if (!bmp) throw new Error('no Unicode cmap');
  const o = bmp.offset;
  const segs = font.readUInt16BE(o + 6) / 2;
  const ends = o + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const ranges = deltas + 2 * segs;
  return (c) => {
    for (let s = 0; s < segs; s++) {
      if (font.readUInt16BE(ends + 2 * s) < c) continue;
      const start = font.readUInt16BE(starts + 2 * s);
      if (start > c) return 0;
      const delta = font.readInt16BE(deltas + 2 * s);
      const range = font.readUInt16BE(ranges + 2 * s);
      if (!range) return (c + delta) & 0xffff;
      const g = font.readUInt16BE(ranges + 2 * s + range + 2 * (c - start));
      return g ? (g + delta) & 0xffff : 0;
    }
    return 0;
  };
}

/** An INDEX at `p`: where it ends and each entry's [start, end). */
function index(b: Buffer, p: number): { end: number; items: [number, number][] } {
  const count = b.readUInt16BE(p);
  if (!count) return { end: p + 2, items: [] };
  const size = b[p + 2]!;
  const off = (i: number) => b.readUIntBE(p + 3 + i * size, size);
  const base = p + 2 + (count + 1) * size;
  const items: [number, number][] = [];
  for (let i = 0; i < count; i++) items.push([base + off(i), base + off(i + 1)]);
  return { end: base + off(count), items };
}

/** A DICT's operators with their operands, each operand with where it is and how it is written. */
function dict(b: Buffer, start: number, end: number) {
  const ops: { op: number; operands: { value: number; at: number; int32: boolean }[] }[] = [];
  let operands: { value: number; at: number; int32: boolean }[] = [];
  let i = start;
  while (i < end) {
    const v = b[i]!;
    if (v <= 21) {
      const op = v === 12 ? 1200 + b[i + 1]! : v;
      i += v === 12 ? 2 : 1;
      ops.push({ op, operands });
      operands = [];
    } else if (v === 28) {
      operands.push({ value: b.readInt16BE(i + 1), at: i, int32: false });
      i += 3;
    } else if (v === 29) {
      operands.push({ value: b.readInt32BE(i + 1), at: i, int32: true });
      i += 5;
    } else if (v === 30) {
      // a real number: nibbles up to the one that ends it; no offset is ever written so
      let j = i + 1;
      while ((b[j]! & 0x0f) !== 0x0f && b[j]! >> 4 !== 0x0f) j++;
      operands.push({ value: Number.NaN, at: i, int32: false });
      i = j + 1;
    } else if (v >= 32 && v <= 246) {
      operands.push({ value: v - 139, at: i++, int32: false });
    } else if (v >= 247 && v <= 250) {
      operands.push({ value: (v - 247) * 256 + b[i + 1]! + 108, at: i, int32: false });
      i += 2;
    } else if (v >= 251 && v <= 254) {
      operands.push({ value: -(v - 251) * 256 - b[i + 1]! - 108, at: i, int32: false });
      i += 2;
    } else throw new Error(`bad DICT byte ${v}`);
  }
  return ops;
}

const CHARSET = 15;
const ENCODING = 16;
const CHARSTRINGS = 17;
const PRIVATE = 18;
const FDARRAY = 1236;
const FDSELECT = 1237;

function cff(font: Buffer, t: { offset: number; length: number }): Cff {
  const b = font.subarray(t.offset, t.offset + t.length);
  const names = index(b, b[2]!);
  const tops = index(b, names.end);
  if (tops.items.length !== 1) throw new Error('not one Top DICT');
  const top = dict(b, ...tops.items[0]!);
  const operand = (op: number, i = 0) => top.find((o) => o.op === op)?.operands[i];
  const cs = operand(CHARSTRINGS);
  if (!cs) throw new Error('no CharStrings');
  const glyphs = index(b, cs.value);
  const charStrings = { start: cs.value, end: glyphs.end, glyphs: glyphs.items };
  // every offset that may point past the CharStrings, in the Top DICT and in each Font DICT
  const offsets = [operand(CHARSET), operand(ENCODING), operand(PRIVATE, 1), operand(FDARRAY), operand(FDSELECT)];
  const fdArray = operand(FDARRAY);
  if (fdArray)
    for (const fd of index(b, fdArray.value).items)
      offsets.push(dict(b, ...fd).find((o) => o.op === PRIVATE)?.operands[1]);
  const offsetsAfter: Cff['offsetsAfter'] = [];
  for (const o of offsets) {
    if (!o || o.value < charStrings.end) continue;
    if (!o.int32) throw new Error('an offset past the CharStrings is not a 5-byte integer');
    offsetsAfter.push({ at: o.at, value: o.value });
  }
  return { start: t.offset, end: t.offset + t.length, charStrings, offsetsAfter };
}

/** The CFF table with the CharStrings INDEX rebuilt: kept glyphs as they were, the others empty. */
function cutCff(p: Parsed, keep: Set<number>): Buffer {
  const b = p.font.subarray(p.cff.start, p.cff.end);
  const { start, end, glyphs } = p.cff.charStrings;
  // one buffer written in place: thirty thousand small buffers joined cost more than the cut saves
  let dataLength = 0;
  for (const [g, [s, e]] of glyphs.entries()) dataLength += keep.has(g) ? e - s : 1;
  const headLength = 3 + (glyphs.length + 1) * 4;
  const out = Buffer.alloc(start + headLength + dataLength + (b.length - end));
  b.copy(out, 0, 0, start);
  out.writeUInt16BE(glyphs.length, start);
  out[start + 2] = 4;
  let at = start + headLength;
  for (const [g, [s, e]] of glyphs.entries()) {
    out.writeUInt32BE(at - start - headLength + 1, start + 3 + g * 4);
    if (keep.has(g)) at += b.copy(out, at, s, e);
    else out[at++] = ENDCHAR;
  }
  out.writeUInt32BE(at - start - headLength + 1, start + 3 + glyphs.length * 4);
  b.copy(out, at, end);
  const shift = headLength + dataLength - (end - start);
  // the Font DICTs lie past the CharStrings themselves, so where their operands are moves too
  for (const o of p.cff.offsetsAfter) out.writeInt32BE(o.value + shift, (o.at >= end ? o.at + shift : o.at) + 1);
  return out;
}

/** The font file again: its tables in the same order, the new CFF in place of the old. */
function assemble(p: Parsed, cffTable: Buffer): Buffer {
  const tables = p.tables
    .filter((t) => !DROPPED.has(t.tag))
    .map((t) => ({ tag: t.tag, data: t.tag === 'CFF ' ? cffTable : p.font.subarray(t.offset, t.offset + t.length) }));
  const n = tables.length;
  const pad = (x: number) => (x + 3) & ~3;
  const header = Buffer.alloc(12 + 16 * n);
  p.font.copy(header, 0, 0, 4);
  const log2 = Math.floor(Math.log2(n));
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(16 * 2 ** log2, 6);
  header.writeUInt16BE(log2, 8);
  header.writeUInt16BE(16 * n - 16 * 2 ** log2, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  for (const [i, t] of tables.entries()) {
    const data = Buffer.alloc(pad(t.data.length));
    t.data.copy(data);
    let sum = 0;
    for (let j = 0; j < data.length; j += 4) sum = (sum + data.readUInt32BE(j)) >>> 0;
    header.write(t.tag, 12 + 16 * i, 'latin1');
    header.writeUInt32BE(sum, 16 + 16 * i);
    header.writeUInt32BE(offset, 20 + 16 * i);
    header.writeUInt32BE(t.data.length, 24 + 16 * i);
    parts.push(data);
    offset += data.length;
  }
  return Buffer.concat(parts);
}
