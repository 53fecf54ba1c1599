import { escapeRegex, normalizeText, tidyText, typedTail } from './text.ts';

/*
 * `字段: 值` in a message: one field a line, or several on one line with the form's own labels as the
 * delimiters (`姓名: 李四 电话: 138… 角色: 队员`, or `；` between them), since the console sends one
 * line per message and people on phones write it that way too.
 */

/** One `label: value` found in a message: the label as the form names it, the value as typed. */
export interface LabelledValue {
  label: string;
  value: string;
}

/** What may stand right before a label on the same line: the start, a space or a separator. */
const BEFORE_LABEL = '(?<=^|[\\s，,；;。、])';
/** Separators a value may end with when the next label follows (`姓名：李四；电话：…`). */
const TRAILING_SEPARATOR = /[\s，,；;、]+$/;

/** The fields a form is filled by: its labels anywhere on a line, its keys at the start of one. */
export interface FieldNames {
  labels: readonly string[];
  keys?: readonly string[];
}

/**
 * Each line of `text` as typed (see typedLine), split where a field's label starts: the text before
 * the first label (the command's own words, or a line of free text), then each `label: value`.
 */
function splitLines(
  text: string,
  names: FieldNames,
  typed: string,
): { given: string; head: string; fields: LabelledValue[] }[] {
  const known = [...new Set(names.labels)].filter(Boolean).sort((a, b) => b.length - a.length);
  const labelRe = known.length
    ? new RegExp(`${BEFORE_LABEL}(${known.map(escapeRegex).join('|')})\\s*[:：]`, 'g')
    : undefined;
  const typedLines = tidyText(typed).split('\n');
  const seen = new Set<string>();
  return tidyText(text)
    .split('\n')
    .map((given) => {
      const source = typedLine(given, typedLines);
      // a line may start with a field's key (`phone: …`), as one-message forms always allowed
      const byKey = /^([A-Za-z][\w.]*)\s*[:：]/.exec(source);
      const starts: { label: string; at: number; end: number }[] = [];
      if (byKey && names.keys?.includes(byKey[1]!)) starts.push({ label: byKey[1]!, at: 0, end: byKey[0].length });
      for (const m of labelRe ? source.matchAll(labelRe) : []) {
        if (starts.some((s) => m.index! < s.end)) continue;
        starts.push({ label: m[1]!, at: m.index!, end: m.index! + m[0].length });
      }
      // the first time a label is named is the field; a second time it is part of the value before it
      const cuts = starts.filter((s) => {
        if (seen.has(s.label)) return false;
        seen.add(s.label);
        return true;
      });
      const fields = cuts.map((f, i) => {
        const next = cuts[i + 1];
        const raw = source.slice(f.end, next ? next.at : undefined);
        return { label: f.label, value: (next ? raw.replace(TRAILING_SEPARATOR, '') : raw).trim() };
      });
      const head = (cuts.length ? source.slice(0, cuts[0]!.at) : source).replace(TRAILING_SEPARATOR, '').trim();
      return { given, head, fields };
    });
}

/**
 * The `label: value` pairs of `text` for a form whose fields are `names`. A label is a delimiter
 * only where it is followed by a colon and stands apart, and only its first time in the message: a
 * colon in free text that follows no label of this form (`沟通内容: 客户说: 满意`) stays in the value.
 * A line that does not start with a label is no field (nor is the text before its first label).
 *
 * `typed` is the message as sent: each value is read from it when the line came from it, so free
 * text keeps its punctuation; `text` is what the command read (folded, maybe rebuilt by a handler).
 */
export function labelledValues(
  text: string,
  labels: readonly string[],
  keys: readonly string[] = [],
  typed = '',
): LabelledValue[] {
  return splitLines(text, { labels, keys }, typed).flatMap((line) => (line.head ? [] : line.fields));
}

/**
 * `text` with one `label: value` a line, as handlers that look at a one-message form's lines read
 * it: `万达物业 联系人: 张经理 沟通内容: 满意` → `万达物业` / `联系人: 张经理` / `沟通内容: 满意`. Values
 * are as typed in `typed` (the message), so the form still stores free text as it was written; the
 * rest is left as the command read it.
 */
export function oneFieldPerLine(text: string, names: FieldNames, typed = ''): string {
  return splitLines(text, names, typed)
    .flatMap((line) => {
      // a line with no field, and the words before the first label, stay as the command read them (folded)
      if (!line.fields.length) return [line.given];
      return [...(line.head ? [normalizeText(line.head)] : []), ...line.fields.map((f) => `${f.label}: ${f.value}`)];
    })
    .join('\n');
}

/**
 * The line as it was typed, for a line of the folded text a command read: the same line, or the end
 * of a typed line (the first line also holds the command word); else the folded line itself.
 */
function typedLine(folded: string, typedLines: readonly string[]): string {
  const key = normalizeText(folded);
  if (!key) return folded;
  for (const line of typedLines) if (normalizeText(line) === key) return line;
  for (const line of typedLines) {
    if (!normalizeText(line).endsWith(key)) continue;
    const tail = typedTail(line, key);
    if (normalizeText(tail) === key) return tail;
  }
  return folded;
}
