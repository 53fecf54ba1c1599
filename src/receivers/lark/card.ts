import type { Card, CardFormField, CardSection } from '../../core/types.ts';
import { LARK_CHARTS_PER_CARD, larkChartElement } from './chart.ts';

const TEMPLATE: Record<NonNullable<Card['color']>, string> = {
  blue: 'blue',
  green: 'green',
  red: 'red',
  orange: 'orange',
  grey: 'grey',
};

/**
 * A card as Lark card JSON 2.0. `update_multi` lets the bot patch it in place after an action;
 * button values carry the route key so the callback can be routed like a command.
 */
export function renderLarkCard(card: Card): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [];
  if (card.lines.length) elements.push({ tag: 'markdown', content: card.lines.map(escapeMd).join('\n') });
  for (const section of card.sections ?? []) elements.push(panel(section));
  for (const chart of (card.charts ?? []).slice(0, LARK_CHARTS_PER_CARD)) elements.push(larkChartElement(chart));
  if (card.form) {
    const withErrors: Record<string, unknown>[] = [];
    for (const f of card.form.fields) {
      withErrors.push(...(f.options ? tickList(f) : [textInput(f)]));
      if (f.error) withErrors.push({ tag: 'markdown', content: `<font color='red'>${escapeMd(f.error)}</font>` });
    }
    withErrors.push({
      tag: 'button',
      name: 'submit',
      text: { tag: 'plain_text', content: card.form.submitLabel ?? '提交' },
      type: 'primary',
      form_action_type: 'submit',
      behaviors: [{ type: 'callback', value: { action: card.form.action, ...(card.form.value ?? {}) } }],
      ...dialog(card.form.submitLabel ?? '提交', card.form.confirm),
    });
    elements.push({ tag: 'form', name: 'form', elements: withErrors });
  }
  if (card.buttons?.length) {
    elements.push({
      tag: 'column_set',
      flex_mode: 'flow',
      columns: card.buttons.map((b) => ({
        tag: 'column',
        width: 'auto',
        elements: [
          {
            tag: 'button',
            text: { tag: 'plain_text', content: b.label },
            type: b.style === 'danger' ? 'danger' : b.style === 'primary' ? 'primary' : 'default',
            behaviors: [{ type: 'callback', value: { action: b.action, ...(b.value ?? {}) } }],
            ...dialog(b.label, b.confirm),
          },
        ],
      })),
    });
  }
  if (card.note) elements.push({ tag: 'markdown', content: `<font color='grey'>${escapeMd(card.note)}</font>` });
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: card.title }, template: TEMPLATE[card.color ?? 'blue'] },
    body: { elements },
  };
}

/**
 * A button that submits money or an approval asks first: JSON 2.0's `confirm` shows a dialog with
 * this title and text, and the callback is sent only after 确定.
 */
function dialog(label: string, text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  return {
    confirm: { title: { tag: 'plain_text', content: `确认${label}？` }, text: { tag: 'plain_text', content: text } },
  };
}

/**
 * A section as a JSON 2.0 `collapsible_panel`: the title is the header the reader taps, the lines
 * are its content. Panels may not hold a form, so a card's form stays outside them.
 */
function panel(section: CardSection): Record<string, unknown> {
  return {
    tag: 'collapsible_panel',
    expanded: section.expanded ?? false,
    header: {
      title: { tag: 'markdown', content: `**${escapeMd(section.title)}**` },
      width: 'fill',
      vertical_align: 'center',
    },
    border: { color: 'grey', corner_radius: '5px' },
    vertical_spacing: '8px',
    padding: '8px 8px 8px 8px',
    elements: [{ tag: 'markdown', content: section.lines.map(escapeMd).join('\n') }],
  };
}

function textInput(f: CardFormField): Record<string, unknown> {
  return {
    tag: 'input',
    name: f.key,
    required: false,
    label: { tag: 'plain_text', content: f.required ? `${f.label} *` : f.label },
    placeholder: { tag: 'plain_text', content: f.placeholder ?? `请输入${f.label}` },
    // a refused value comes back to be corrected, never at any length
    default_value: cutChars(f.value ?? '', INPUT_MAX_CHARS),
  };
}

/**
 * A list to tick from: JSON 2.0 `multi_select_static` inside the form, which submits the ticked
 * option values as an array under its name. It has no label of its own, so a line above names it.
 * `required` stays false: the bot checks, so the error shows under the field instead of Lark's own.
 */
function tickList(f: CardFormField): Record<string, unknown>[] {
  const offered = new Set(f.options!.map((o) => o.value));
  return [
    { tag: 'markdown', content: `**${escapeMd(f.label)}${f.required ? ' &#42;' : ''}**` },
    {
      tag: 'multi_select_static',
      name: f.key,
      required: false,
      width: 'fill',
      placeholder: { tag: 'plain_text', content: f.placeholder ?? `选择${f.label}` },
      options: f.options!.map((o) => ({ text: { tag: 'plain_text', content: o.label }, value: o.value })),
      selected_values: (f.value ?? '').split(/\s+/).filter((v) => offered.has(v)),
    },
  ];
}

/**
 * Text shown as itself in a card's markdown. Lark's rich-text component asks for HTML escapes, not
 * backslashes ("如果要展示的字符命中了 markdown 语法使用的特殊字符（例如 *、~、>、< 这些特殊符号），
 * 需要对特殊字符进行 HTML 转义，才可正常展示…转义后的格式为 &#实体编号;", 富文本（Markdown）组件,
 * 特殊字符转义说明): with backslashes a masked 139****0001 showed as 139\*\*\*\*0001. `&` is
 * escaped too, so typed text that looks like an entity stays as typed; a `#`, `-`, `+` or `>` that
 * starts a line would make a heading, list or quote, so that one is escaped as well.
 */
export function escapeMd(s: string): string {
  return s
    .replace(/[&*_~`<>[\]\\$|]/g, (c) => `&#${c.codePointAt(0)};`)
    .replace(/^([ \t]*)([#+-])/gm, (_m, lead: string, c: string) => `${lead}&#${c.codePointAt(0)};`);
}

/** The most a Lark input holds (its max_length is 1 to 1,000): a value shown in one is never longer. */
export const INPUT_MAX_CHARS = 1000;

function cutChars(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

/**
 * A card dealt out over as many cards as it takes for each to fit (`fits`: Lark refuses a card
 * request over 30 KB). The lines and sections go out first, in order, titled 1/n, 2/n…; the last
 * card keeps the form, the buttons and the note, so the message an action updates is the one with
 * them. A section too long for one card goes on over the next (its title marked 续), a line too
 * long for any card is cut. Undefined when the form, buttons and note alone do not fit: a form
 * cannot be split (its submit sends one card's fields), its caller must page it.
 */
export function splitCard(card: Card, fits: (c: Card) => boolean): Card[] | undefined {
  if (fits(card)) return [card];
  type Atom = { line: string } | { section: CardSection; index: number; line?: string };
  type Piece = { lines: string[]; sections: { from: CardSection; shown: CardSection }[] };
  const tail: Card = { ...card, lines: [], sections: undefined };
  const asCard = (p: Piece, withTail: boolean, title = `${card.title}（99/99）`): Card => ({
    ...(withTail ? tail : { color: card.color }),
    title,
    lines: p.lines,
    ...(p.sections.length ? { sections: p.sections.map((s) => s.shown) } : {}),
  });
  if (!fits(asCard({ lines: [], sections: [] }, true))) return undefined;
  const atoms: Atom[] = [
    ...card.lines.map((line) => ({ line })),
    ...(card.sections ?? []).flatMap((section): Atom[] =>
      section.lines.length ? section.lines.map((line, index) => ({ section, index, line })) : [{ section, index: 0 }],
    ),
  ];
  /** The piece of `atoms` (the first one's line replaced by `first` when given). */
  const build = (from: Atom[], first?: string): Piece => {
    const p: Piece = { lines: [], sections: [] };
    for (const [i, atom] of from.entries()) {
      const line = i === 0 && first !== undefined ? first : atom.line;
      if (!('section' in atom)) {
        p.lines.push(line!);
        continue;
      }
      const open = p.sections.at(-1);
      if (open?.from === atom.section) {
        if (line !== undefined) open.shown.lines.push(line);
        continue;
      }
      const title = atom.index > 0 ? `${atom.section.title}（续）` : atom.section.title;
      p.sections.push({
        from: atom.section,
        shown: { ...atom.section, title, lines: line === undefined ? [] : [line] },
      });
    }
    return p;
  };
  // each piece takes as many atoms as fit (found by halving: a longer piece is never smaller)
  const pieces: Piece[] = [];
  for (let i = 0; i < atoms.length; ) {
    if (!fits(asCard(build(atoms.slice(i, i + 1)), false))) {
      const atom = atoms[i]!;
      pieces.push(
        build(
          [atom],
          cutToFit(atom.line ?? '', (l) => fits(asCard(build([atom], l), false))),
        ),
      );
      i++;
      continue;
    }
    let lo = 1;
    let hi = atoms.length - i;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(asCard(build(atoms.slice(i, i + mid)), false))) lo = mid;
      else hi = mid - 1;
    }
    pieces.push(build(atoms.slice(i, i + lo)));
    i += lo;
  }
  // the last piece goes with the form, buttons and note when they fit together
  const last = pieces.at(-1);
  let withTail: Piece = { lines: [], sections: [] };
  if (last && fits(asCard(last, true))) withTail = pieces.pop()!;
  const cards = [...pieces.map((p) => asCard(p, false)), asCard(withTail, true)];
  return cards.map((c, i) => ({
    ...c,
    title: cards.length > 1 ? `${card.title}（${i + 1}/${cards.length}）` : card.title,
  }));
}

/** The longest start of `line` (with an ellipsis) that `fits`. */
function cutToFit(line: string, fits: (l: string) => boolean): string {
  const chars = Array.from(line);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(`${chars.slice(0, mid).join('')}…`)) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('')}…`;
}
