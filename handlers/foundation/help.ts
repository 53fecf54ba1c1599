import { unknownSenderText } from '../../src/core/app.ts';
import type { BotContext, StaffContext } from '../../src/core/context.ts';
import { roleNames } from '../../src/core/roles.ts';
import { type CommandRoute, commandsFor } from '../../src/core/router.ts';
import { echo } from '../../src/core/text.ts';
import type { Card, CardSection } from '../../src/core/types.ts';

/*
 * 帮助 on a phone: the first screen is what this person can do now, most used first, short enough
 * for one screen (FIRST_SCREEN_LINES on text channels; on Lark a card with a folded panel per
 * workflow). 帮助 <workflow> (帮助 报销) gives that workflow in full, each command with its example.
 * Clause numbers (§3.4.2) are for the rulebook, not for staff, and are left out.
 */

/** What a phone shows without scrolling, in lines of text; the help test measures every role against it. */
export const FIRST_SCREEN_LINES = 15;
/** Commands listed on the first screen; the rest is one 帮助 <workflow> away. */
const FIRST_SCREEN_COMMANDS = 8;

/** 帮助 [workflow]: only what the sender's roles allow (and what makes sense for them now). */
export async function help(ctx: BotContext): Promise<void> {
  if (!ctx.sender) {
    await ctx.reply(await unknownSenderText(ctx.event));
    return;
  }
  const staff = ctx as StaffContext;
  const allowed = commandsFor(ctx.services.routes, ctx).filter((r) => r.name !== 'help' && r.name !== 'bind');
  const who = `${ctx.sender.name}（${roleNames([...ctx.sender.roles])}）`;
  const asked = ctx.args.trim();
  if (asked) {
    await ctx.reply(topicHelp(allowed, asked, who, ctx.can.clickableButtons));
    return;
  }
  const now = await usableNow(staff, allowed);
  await ctx.reply(ctx.can.clickableButtons ? helpCard(who, now) : firstScreen(who, now));
}

/** The allowed commands that make sense for this person now (出车 only with a valid permit). */
async function usableNow(ctx: StaffContext, routes: readonly CommandRoute[]): Promise<CommandRoute[]> {
  const ok = await Promise.all(routes.map((r) => (r.available ? r.available(ctx) : true)));
  return routes.filter((_, i) => ok[i]);
}

/**
 * Most used first (declared rank); among equals what the person's roles are for (待审批 for 财务部)
 * before what everyone has, then table order. Unranked ones are only in the full help.
 */
function mostUsed(routes: readonly CommandRoute[]): CommandRoute[] {
  const everyone = (r: CommandRoute) => (r.allow === 'staff' || r.allow === 'anyone' ? 1 : 0);
  return routes
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.rank !== undefined)
    .sort((a, b) => a.r.rank! - b.r.rank! || everyone(a.r) - everyone(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

/** The workflows of `routes`, the one holding the most used command first. */
function topics(routes: readonly CommandRoute[]): { topic: string; title: string; routes: CommandRoute[] }[] {
  const byTopic = new Map<string, { topic: string; title: string; routes: CommandRoute[] }>();
  for (const r of routes) {
    const topic = r.topic ?? r.group ?? '其他';
    if (!byTopic.has(topic)) byTopic.set(topic, { topic, title: r.group ?? topic, routes: [] });
    byTopic.get(topic)!.routes.push(r);
  }
  const best = (rs: CommandRoute[]) => Math.min(...rs.map((r) => r.rank ?? 9));
  return [...byTopic.values()]
    .map((t, i) => ({ t, i }))
    .sort((a, b) => best(a.t.routes) - best(b.t.routes) || a.i - b.i)
    .map(({ t }) => t);
}

/** A summary without its rulebook references: 「确认已告知客户（§4.2）」 → 「确认已告知客户」. */
export function plain(summary: string): string {
  return summary
    .replace(/[（(][^（）()]*(?:§|\b[IVX]+\.\d)[^（）()]*[）)]/g, '')
    .replace(/\s*§\s*[\d.]+\s*/g, '')
    .trim();
}

/** The first clause of a summary: enough next to the command on one line of a phone screen. */
function short(summary: string): string {
  const first = plain(summary)
    .replace(/[（(][^（）()]*[）)]/g, '')
    .split(/[；;：:]/)[0]!
    .trim();
  return first.length > 14 ? first.split(/[，,]/)[0]!.trim() : first;
}

/** The text first screen: a line per command, then where the rest is. */
function firstScreen(who: string, routes: readonly CommandRoute[]): string {
  const top = mostUsed(routes).slice(0, FIRST_SCREEN_COMMANDS);
  const lines = [`${who}常用的命令：`, ...top.map((r) => `• ${r.words[0]} — ${short(r.summary)}`)];
  lines.push(...moreLines(routes));
  lines.push('群里请 @我 或以 / 开头发送。');
  return lines.join('\n');
}

/** Where the full help is: 帮助 <the first workflow>, and the other workflows' words. */
function moreLines(routes: readonly CommandRoute[]): string[] {
  const words = topics(routes).map((t) => t.topic);
  if (!words.length) return [];
  const [first, ...rest] = words;
  return [`全部用法：发「帮助 ${first}」`, ...(rest.length ? [`也可换成：${rest.join('、')}`] : [])];
}

/** A command with its example, as listed in a workflow's section. */
function exampleLine(r: CommandRoute): string {
  return `• ${r.example.split('\n')[0]}　${short(r.summary)}`;
}

/**
 * Where buttons are clicked (Lark): the most used commands, then one folded panel per workflow with
 * that workflow's commands, each with one example.
 */
export function helpCard(who: string, routes: readonly CommandRoute[]): Card {
  const top = mostUsed(routes).slice(0, FIRST_SCREEN_COMMANDS - 2);
  const sections: CardSection[] = topics(routes).map((t) => ({
    title: `${t.title}（帮助 ${t.topic}）`,
    lines: t.routes.map(exampleLine),
  }));
  return {
    title: `${who}常用的命令`,
    color: 'blue',
    lines: top.map(exampleLine),
    sections,
    note: '点开一项看它的命令；发送例子里的命令即可。群里请 @我 或以 / 开头。',
  };
}

/**
 * 帮助 <word>: the workflow named by its word (报销), its title (费用报销) or one of its commands
 * (帮助 出车), in full — every command the person's roles allow, with its summary and example.
 */
function topicHelp(allowed: readonly CommandRoute[], asked: string, who: string, card: boolean): string | Card {
  const groups = topics(allowed);
  const word = asked
    .replace(/^[「『"]|[」』"]$/g, '')
    .trim()
    .toLowerCase();
  const found =
    groups.find((t) => t.topic === word || t.title === word) ??
    groups.find((t) => t.routes.some((r) => r.words.some((w) => w.toLowerCase() === word))) ??
    groups.find((t) => t.title.includes(word) || (word.length >= 2 && t.topic.includes(word)));
  if (!found) {
    const list = groups.map((t) => t.topic).join('、');
    return `没有「${echo(asked)}」这一项的帮助。你可以看：${list}。例如发「帮助 ${groups[0]?.topic ?? '报销'}」。`;
  }
  const lines: string[] = [];
  for (const r of found.routes) {
    lines.push(`• ${r.words[0]} — ${plain(r.summary)}`);
    const [first, ...more] = r.example.split('\n');
    lines.push(`  例：${first}`, ...more.map((l) => `　　${l}`));
  }
  if (card)
    return { title: `${found.title}：${who}可用的命令`, color: 'blue', lines, note: '发送「帮助」回到常用命令。' };
  return [`【${found.title}】${who}可用的命令：`, ...lines, '发送「帮助」回到常用命令。'].join('\n');
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
