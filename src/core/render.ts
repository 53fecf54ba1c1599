import type { Card } from './types.ts';

/** A card as text for WeChat and the console: numbered buttons are answered by sending the number. */
export function renderCardText(card: Card): string {
  const out = [`【${card.title}】`, ...card.lines];
  for (const section of card.sections ?? []) out.push(`【${section.title}】`, ...section.lines);
  if (card.note) out.push(`（${card.note}）`);
  if (card.buttons?.length) {
    out.push(card.buttons.map((b, i) => `[${i + 1}] ${b.label}`).join('  '));
    out.push('回复数字选择，例如回复 1');
  }
  if (card.form) {
    for (const f of card.form.fields) {
      out.push(`${f.label}：${f.value ?? ''}${f.error ? `  ⚠ ${f.error}` : ''}`);
    }
  }
  return out.join('\n');
}
