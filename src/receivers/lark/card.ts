import type { Card } from '../../core/types.ts';

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
  if (card.form) {
    const formElements: Record<string, unknown>[] = card.form.fields.map((f) => ({
      tag: 'input',
      name: f.key,
      required: false,
      label: { tag: 'plain_text', content: f.required ? `${f.label} *` : f.label },
      placeholder: { tag: 'plain_text', content: f.placeholder ?? `请输入${f.label}` },
      default_value: f.value ?? '',
      ...(f.error ? {} : {}),
    }));
    const withErrors: Record<string, unknown>[] = [];
    card.form.fields.forEach((f, i) => {
      withErrors.push(formElements[i]!);
      if (f.error) withErrors.push({ tag: 'markdown', content: `<font color='red'>${escapeMd(f.error)}</font>` });
    });
    withErrors.push({
      tag: 'button',
      name: 'submit',
      text: { tag: 'plain_text', content: card.form.submitLabel ?? '提交' },
      type: 'primary',
      form_action_type: 'submit',
      behaviors: [{ type: 'callback', value: { action: card.form.action, ...(card.form.value ?? {}) } }],
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

function escapeMd(s: string): string {
  return s.replace(/([*_~`<>])/g, '\\$1');
}
