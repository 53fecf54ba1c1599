import type { StaffContext } from './context.ts';
import { type CommandRoute, isAllowed, matchCommand, runGuarded } from './router.ts';
import { tooLongForCommand } from './suggest.ts';
import { echo, matchWord, normalizeText, stripCommandPrefix } from './text.ts';

/*
 * A command typed at a guided form's question (`提交报销` at 同行人数, `投诉列表 2026-13` at 客户地址) is
 * not an answer: the form asks whether to leave for it, or leaves at once when nothing was typed in.
 */

/** Answers to 「要退出表单去执行它吗？」: run the command, or go on with the form. */
export const LEAVE_WORDS: ReadonlySet<string> = new Set(['1', '执行', '是', '是的', '好', '离开']);
export const STAY_WORDS: ReadonlySet<string> = new Set(['2', '继续', '填写', '继续填写', '否', '不', '不是']);
/**
 * An answer a field accepts that is this long is that answer even when it starts with a command
 * word: a complaint's story that begins 「投诉…」 is not the command 投诉.
 */
export const LONG_ANSWER = 50;
const CJK = /[\u3400-\u9fff]/;

/**
 * The command a message at a form question is: one the sender may use whose word stands apart
 * (the whole message, or followed by a space, a number, a code…). A word running on into Chinese
 * (「车辆维修」 as a category, 「客户说已改善」 as a note) is an answer.
 */
export function commandAt(ctx: StaffContext, text: string): CommandRoute | undefined {
  // a first line too long for a command is none anywhere (src/core/suggest.ts)
  const m = tooLongForCommand(text) ? undefined : matchCommand(ctx.services.routes, text);
  if (!m || !isAllowed(m.route.allow, ctx)) return undefined;
  const head = stripCommandPrefix(text);
  const word = matchWord(head, m.route.words)?.word ?? '';
  const next = head.slice(word.length, word.length + 1);
  return next === '' || !CJK.test(next) ? m.route : undefined;
}

/** The question: leave `title` for the command `text`, or go on (with `text` as the answer to `label` when it is one). */
export function leaveQuestion(
  text: string,
  route: CommandRoute,
  title: string,
  label: string,
  answers: boolean,
): string {
  const stay = answers ? `2 把它填为「${label}」` : `2 继续填写「${label}」`;
  return [
    `「${echo(text)}」是命令「${route.words[0]}」。要退出「${title}」去执行它吗？`,
    '1 执行（已填的内容不保存）',
    stay,
  ].join('\n');
}

/** Runs `command` (the message as typed at the question) as if it had just been sent. */
export async function runCommand(ctx: StaffContext, command: string): Promise<void> {
  const m = matchCommand(ctx.services.routes, normalizeText(command));
  // the roles may have changed since the question
  if (!m || !isAllowed(m.route.allow, ctx)) {
    await ctx.reply(`你现在不能使用「${echo(normalizeText(command))}」。发送「帮助」查看你能用的命令。`);
    return;
  }
  // the command runs on the message it was typed in (handlers read the typed text for notes)
  const run = Object.create(ctx, {
    event: { value: { ...ctx.event, text: command } },
    text: { value: normalizeText(command) },
    args: { value: m.args, writable: true },
  }) as StaffContext;
  ctx.log.debug({ command: m.route.name }, 'command typed at a form question');
  await runGuarded(m.route, run);
}
