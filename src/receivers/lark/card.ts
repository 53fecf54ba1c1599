import type { Card, CardFormField, CardSection } from '../../core/types.ts';

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
  return { confirm: { title: { tag: 'plain_text', content: `确认${label}？` }, text: { tag: 'plain_text', content: text } } };
}

/**
 * A section as a JSON 2.0 `collapsible_panel`: the title is the header the reader taps, the lines
 * are its content. Panels may not hold a form, so a card's form stays outside them.
 */
function panel(section: CardSection): Record<string, unknown> {
  return {
    tag: 'collapsible_panel',
    expanded: section.expanded ?? false,
    header: { title: { tag: 'markdown', content: `**${escapeMd(section.title)}**` }, width: 'fill', vertical_align: 'center' },
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
    default_value: f.value ?? '',
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
    { tag: 'markdown', content: `**${escapeMd(f.label)}${f.required ? ' \\*' : ''}**` },
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

function escapeMd(s: string): string {
  return s.replace(/([*_~`<>])/g, '\\$1');
}
