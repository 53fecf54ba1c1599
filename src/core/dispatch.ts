import { choosePictureTarget, PICTURE_CHOICE_ACTION, routeAttachment } from './attachments.ts';
import { latestPrompt, markUsed, promptClosed } from './card-numbers.ts';
import { CANCEL_ACTION, CONFIRM_ACTION, confirmCard, confirmedAction } from './confirm.ts';
import type { BotContext, StaffContext } from './context.ts';
import { FORM_SUBMIT_ACTION } from './forms.ts';
import { ROLE_LABELS } from './roles.ts';
import { type Allow, isAllowed, matchAction, matchCommand, type RouteTable, runGuarded } from './router.ts';
import { unknownSenderText } from './senders.ts';
import { SUGGEST_ACTION, tooLongForCommand, tooLongReply, unknownCommandReply } from './suggest.ts';
import { normalizeText, stripCommandPrefix } from './text.ts';
import type { CardButton, Role } from './types.ts';

export { ATTACHMENT_UNUSED } from './attachments.ts';

/**
 * From a context to its handler, by the route table: a click to its action, a picture to the
 * sender's latest thing that wants one (src/core/attachments.ts), an answer to the form in
 * progress, a number to the button it names, text to its command — each after the role check.
 */
export async function dispatch(routes: RouteTable, ctx: BotContext): Promise<void> {
  if (ctx.event.kind === 'action' && ctx.action) {
    await runAction(routes, ctx, ctx.action.action);
    return;
  }
  if (ctx.event.attachments?.length && !ctx.text) {
    await runAttachment(routes, ctx);
    return;
  }
  if (ctx.sender && (await ctx.services.forms.continue(ctx))) return;

  const pressed = await numericAnswer(ctx);
  if (pressed === 'answered') return;
  if (pressed) {
    (ctx as { action?: BotContext['action'] }).action = {
      action: pressed.button.action,
      value: pressed.button.value ?? {},
    };
    await runAction(routes, ctx, pressed.button.action, pressed);
    return;
  }

  await runCommand(routes, ctx);
}

/** Text to its command, after the role check; what is no command gets the nearest command words. */
async function runCommand(routes: RouteTable, ctx: BotContext): Promise<void> {
  const long = tooLongForCommand(ctx.text);
  const match = long ? undefined : matchCommand(routes, ctx.text);
  if (!match) {
    if (!ctx.sender) await ctx.reply(await unknownSenderText(ctx.event));
    else await ctx.reply(long ? tooLongReply(long) : unknownCommandReply(routes, ctx));
    return;
  }
  ctx.args = match.args;
  if (!ctx.sender && match.route.allow !== 'anyone') {
    await ctx.reply(await unknownSenderText(ctx.event));
    return;
  }
  if (!isAllowed(match.route.allow, ctx)) {
    ctx.log.info({ command: match.route.name }, 'refused: role');
    await ctx.reply(refusal(match.route.allow, match.route.words[0]!));
    return;
  }
  ctx.log.debug({ command: match.route.name }, 'command');
  await runGuarded(match.route, ctx);
}

async function runAttachment(routes: RouteTable, ctx: BotContext): Promise<void> {
  if (!ctx.sender) {
    await ctx.reply(await unknownSenderText(ctx.event));
    return;
  }
  await routeAttachment(routes, ctx as StaffContext);
}

/**
 * A click, or a number that pressed a button (`pressed`: which one). A numbered press of a button
 * that submits money or an approval asks once first (confirmCard); its 确认 runs it.
 */
async function runAction(
  routes: RouteTable,
  ctx: BotContext,
  action: string,
  pressed?: { n: number; button: CardButton },
): Promise<void> {
  if (!ctx.sender) {
    await ctx.toast(await unknownSenderText(ctx.event));
    return;
  }
  if (action === CONFIRM_ACTION) {
    const confirmed = confirmedAction(ctx.action?.value ?? {});
    if (!confirmed) {
      await ctx.toast('这个按钮已失效，请重新发起。');
      return;
    }
    (ctx as { action?: BotContext['action'] }).action = { ...ctx.action, ...confirmed };
    await runAction(routes, ctx, confirmed.action);
    return;
  }
  if (action === CANCEL_ACTION) {
    await ctx.toast('已取消，什么都没有做。');
    return;
  }
  if (action === FORM_SUBMIT_ACTION) {
    await ctx.services.forms.submitCard(ctx);
    return;
  }
  if (action === PICTURE_CHOICE_ACTION) {
    await choosePictureTarget(routes, ctx as StaffContext);
    return;
  }
  if (action === SUGGEST_ACTION) {
    // 「你是不是要：报销」 pressed: the message as it should have been typed, run as if it had been
    const raw = ctx.action?.value.text ?? '';
    const event = { ...ctx.event, kind: 'message' as const, text: raw, action: undefined };
    await runCommand(routes, { ...ctx, event, text: normalizeText(raw), args: '', action: undefined });
    return;
  }
  const route = matchAction(routes, action);
  if (!route) {
    await ctx.toast('这个按钮已失效，请重新发起。');
    return;
  }
  if (!isAllowed(route.allow, ctx)) {
    ctx.log.info({ action }, 'refused: role');
    await ctx.toast(refusal(route.allow, '这个操作'));
    return;
  }
  if (pressed && route.confirm) {
    const question = await route.confirm(ctx as StaffContext);
    if (question) {
      await ctx.reply(confirmCard(pressed.n, pressed.button, question));
      return;
    }
  }
  await runGuarded(route, ctx);
}

/**
 * "2" presses button 2 of the latest card this person got in this chat (src/core/card-numbers.ts),
 * only while that card is open — none of its buttons used yet — and recent (CARD_NUMBER_MINUTES).
 * A card too old or already used is shown again, so its numbers work again: `answered`.
 */
async function numericAnswer(ctx: BotContext): Promise<{ n: number; button: CardButton } | 'answered' | undefined> {
  if (ctx.can.clickableButtons) return undefined;
  const m = /^(\d{1,2})$/.exec(stripCommandPrefix(ctx.text));
  if (!m) return undefined;
  const prompt = await latestPrompt(ctx.channel, ctx.chat, ctx.event.userId);
  // the latest card has no buttons: a number presses nothing on an older one
  if (!prompt?.buttons.length) return undefined;
  const n = Number(m[1]);
  const now = ctx.services.now();
  if (promptClosed(prompt, now, ctx.services.config.cardNumberMinutes, ctx.event.id)) {
    ctx.log.info({ prompt: prompt._id, sentAt: prompt.at, usedAt: prompt.usedAt }, 'number for a closed card');
    if (!prompt.card) {
      await ctx.reply('这张卡片已过期，请重新发送命令。');
      return 'answered';
    }
    await ctx.reply(`这张卡片已过期，没有执行「${n}」。下面重新发一次，请看清再回复数字：`);
    await ctx.reply(prompt.card);
    return 'answered';
  }
  const button = prompt.buttons[n - 1];
  if (!button) {
    const title = prompt.card?.title ? `「${prompt.card.title}」` : '';
    await ctx.reply(
      `最近的卡片${title}只有 ${prompt.buttons.length} 个按钮，请回复 1${prompt.buttons.length > 1 ? ` 到 ${prompt.buttons.length}` : ''}。`,
    );
    return 'answered';
  }
  await markUsed(prompt, now, ctx.event.id);
  return { n, button };
}

/** What someone without the roles of a command (or of a list 导出 writes) is told. */
export function refusal(allow: Allow, what: string): string {
  const need = Array.isArray(allow) ? (allow as Role[]).map((r) => ROLE_LABELS[r]).join('或') : '已绑定的员工';
  return `你没有权限使用「${what}」，需要${need}。如有需要请联系行政部。`;
}
