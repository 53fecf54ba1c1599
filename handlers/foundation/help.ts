import type { BotContext } from '../../src/core/context.ts';
import { commandsFor } from '../../src/core/router.ts';
import { unknownSenderText } from '../../src/core/app.ts';
import { roleNames } from '../../src/core/roles.ts';

/** 帮助: only what the sender's roles may use, each with an example. */
export async function help(ctx: BotContext): Promise<void> {
  if (!ctx.sender) {
    await ctx.reply(await unknownSenderText(ctx.event));
    return;
  }
  const lines: string[] = [];
  let group: string | undefined;
  for (const r of commandsFor(ctx.services.routes, ctx)) {
    if (r.group && r.group !== group) lines.push(`【${(group = r.group)}】`);
    lines.push(`• ${r.words[0]} — ${r.summary}\n  例：${r.example}`);
  }
  await ctx.reply(
    [`${ctx.sender.name}（${roleNames([...ctx.sender.roles])}）可以使用：`, ...lines, '在群里请 @我 或以 / 开头发送命令。'].join('\n'),
  );
}

/** 我是谁: who the bot thinks you are. */
export async function whoami(ctx: BotContext): Promise<void> {
  const s = ctx.sender!;
  const parts = [`你是 ${s.name}`, `角色：${roleNames([...s.roles])}`];
  if (s.post) parts.push(`驻点：${s.post}`);
  if (s.dorm) parts.push(`宿舍：${s.dorm}`);
  if (!s.staffId) parts.push('（你是系统初始管理员，尚未绑定员工档案）');
  await ctx.reply(parts.join('\n'));
}
