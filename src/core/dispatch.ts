import { CardPrompt } from '../models/index.ts';
import { PICTURE_CHOICE_ACTION, choosePictureTarget, routeAttachment } from './attachments.ts';
import type { BotContext, StaffContext } from './context.ts';
import { FORM_SUBMIT_ACTION } from './forms.ts';
import { ROLE_LABELS } from './roles.ts';
import { isAllowed, matchAction, matchCommand, runGuarded, type Allow, type RouteTable } from './router.ts';
import { unknownSenderText } from './senders.ts';
import { normalizeText, stripCommandPrefix } from './text.ts';
import { SUGGEST_ACTION, tooLongForCommand, tooLongReply, unknownCommandReply } from './suggest.ts';
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

  const button = await numericAnswer(ctx);
  if (button) {
    (ctx as { action?: BotContext['action'] }).action = { action: button.action, value: button.value ?? {} };
    await runAction(routes, ctx, button.action);
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

async function runAction(routes: RouteTable, ctx: BotContext, action: string): Promise<void> {
  if (!ctx.sender) {
    await ctx.toast(await unknownSenderText(ctx.event));
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
  await runGuarded(route, ctx);
}

/** "2" answers button 2 of the last text-rendered card in this chat. */
async function numericAnswer(ctx: BotContext): Promise<CardButton | undefined> {
  if (ctx.can.clickableButtons) return undefined;
  const m = /^(\d{1,2})$/.exec(stripCommandPrefix(ctx.text));
  if (!m) return undefined;
  const prompt = await CardPrompt.findById(`${ctx.channel}:${ctx.chat.id}`).lean();
  if (!prompt || prompt.expiresAt < new Date()) return undefined; // stamped by the outbox with the wall clock
  return (prompt.buttons as CardButton[])[Number(m[1]) - 1];
}

function refusal(allow: Allow, what: string): string {
  const need = Array.isArray(allow) ? (allow as Role[]).map((r) => ROLE_LABELS[r]).join('或') : '已绑定的员工';
  return `你没有权限使用「${what}」，需要${need}。如有需要请联系行政部。`;
}
