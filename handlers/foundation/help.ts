import type { BotContext, StaffContext } from '../../src/core/context.ts';
import { commandsFor, type CommandRoute } from '../../src/core/router.ts';
import type { Card } from '../../src/core/types.ts';
import { unknownSenderText } from '../../src/core/app.ts';
import { roleNames } from '../../src/core/roles.ts';

/**
 * 帮助: only what the sender's roles may use, each with an example. Where cards are real cards
 * (buttons are clicked), one card with a section per workflow; text channels keep the text list.
 */
export async function help(ctx: BotContext): Promise<void> {
  if (!ctx.sender) {
    await ctx.reply(await unknownSenderText(ctx.event));
    return;
  }
  const routes = commandsFor(ctx.services.routes, ctx);
  const who = `${ctx.sender.name}（${roleNames([...ctx.sender.roles])}）`;
  if (ctx.can.clickableButtons) {
    await ctx.reply(helpCard(who, routes));
    return;
  }
  const lines: string[] = [];
  let group: string | undefined;
  for (const r of routes) {
    if (r.group && r.group !== group) lines.push(`【${(group = r.group)}】`);
    lines.push(`• ${r.words[0]} — ${r.summary}\n  例：${r.example}`);
  }
  await ctx.reply([`${who}可以使用：`, ...lines, '在群里请 @我 或以 / 开头发送命令。'].join('\n'));
}

/** The first clause of a summary: enough next to its example on a phone screen. */
function short(summary: string): string {
  return summary.split(/[（(；;]/)[0]!.trim();
}

/** One section per workflow the person may use: its commands, each with one example. */
export function helpCard(who: string, routes: readonly CommandRoute[]): Card {
  const sections = new Map<string, CommandRoute[]>();
  for (const r of routes) {
    const key = r.group ?? '其他';
    sections.set(key, [...(sections.get(key) ?? []), r]);
  }
  const lines: string[] = [];
  for (const [title, list] of sections) {
    if (lines.length) lines.push('');
    lines.push(`【${title}】`);
    for (const r of list) lines.push(`• ${r.example.split('\n')[0]}　${short(r.summary)}`);
  }
  return {
    title: `${who}可以使用`,
    color: 'blue',
    lines,
    note: '直接发送例子里的命令即可；在群里请 @我 或以 / 开头。',
  };
}

/** 我是谁: who the bot thinks you are. */
export async function whoami(ctx: StaffContext): Promise<void> {
  const s = ctx.sender;
  const parts = [`你是 ${s.name}`, `角色：${roleNames([...s.roles])}`];
  if (s.post) parts.push(`驻点：${s.post}`);
  if (s.dorm) parts.push(`宿舍：${s.dorm}`);
  if (!s.staffId) parts.push('（你是系统初始管理员，尚未绑定员工档案）');
  await ctx.reply(parts.join('\n'));
}
