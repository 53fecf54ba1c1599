import type { Card, CardButton } from './types.ts';

/**
 * One confirmation before a button that submits money or an approval (an ActionRoute with
 * `confirm`). On a text channel the number pressed gets a short card naming what would be done —
 * the claim's number, the total — with [1] 确认 [2] 取消, and only 确认 runs it. On Lark the button
 * itself carries a confirmation dialog (withDialogs), so the click arrives already confirmed.
 */
export const CONFIRM_ACTION = 'core.confirm';
export const CANCEL_ACTION = 'core.cancel';
/** The value key of 确认 that carries the action it confirms (button values never use it). */
export const CONFIRMED_ACTION_KEY = 'confirms';

/** The question asked after `number` pressed `button`: what it does, then 确认 / 取消. */
export function confirmCard(number: number, button: CardButton, question: string): Card {
  return {
    title: `请确认：${button.label}`,
    color: 'orange',
    lines: [`你回复了 ${number}（${button.label}）。`, question],
    buttons: [
      {
        label: '确认',
        action: CONFIRM_ACTION,
        value: { ...(button.value ?? {}), [CONFIRMED_ACTION_KEY]: button.action },
        style: 'primary',
      },
      { label: '取消', action: CANCEL_ACTION },
    ],
    note: '回复 1 确认；回复 2 或不回复就什么都不做',
  };
}

/** The action 确认 stands for, and its own value. */
export function confirmedAction(
  value: Readonly<Record<string, string>>,
): { action: string; value: Record<string, string> } | undefined {
  const { [CONFIRMED_ACTION_KEY]: action, ...rest } = value;
  return action ? { action, value: rest } : undefined;
}

/**
 * Every button of an action that asks first gets a dialog where the channel shows one (Lark): the
 * handler's own words (`confirm`, naming the number and total) or, if it gave none, the label.
 */
export function withDialogs(card: Card, asksFirst: ReadonlySet<string>): Card {
  const bare = (b: CardButton) => asksFirst.has(b.action) && !b.confirm;
  const formBare = !!card.form && asksFirst.has(card.form.action) && !card.form.confirm;
  if (!card.buttons?.some(bare) && !formBare) return card;
  return {
    ...card,
    ...(card.buttons
      ? { buttons: card.buttons.map((b) => (bare(b) ? { ...b, confirm: `确认「${b.label}」？` } : b)) }
      : {}),
    ...(card.form && formBare
      ? { form: { ...card.form, confirm: `确认「${card.form.submitLabel ?? '提交'}」？` } }
      : {}),
  };
}
