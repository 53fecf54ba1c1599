import type { Types } from 'mongoose';
import { randomInt } from 'node:crypto';
import { Identity, Staff } from '../../src/models/index.ts';
import { isDuplicateKey, takeOnce } from '../../src/core/once.ts';
import { BindCode } from './models.ts';
import { foundationSettings } from './settings.ts';
import type { BotContext } from '../../src/core/context.ts';
import { roleNames } from '../../src/core/roles.ts';
import type { Role } from '../../src/core/types.ts';
import { findStaffForAdmin } from './staff.ts';

/** No 0/O, 1/I/L: codes are read aloud and typed on phones. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

export function generateBindCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** 绑定码 <姓名或电话>: an admin issues a one-time code for a staff member. */
export async function issueBindCode(ctx: BotContext): Promise<void> {
  const found = await findStaffForAdmin(ctx, ctx.args, '绑定码 张三');
  if (!found) return;
  await replyWithNewCode(ctx, found._id, found.name);
}

export async function replyWithNewCode(ctx: BotContext, staffId: Types.ObjectId, name: string): Promise<void> {
  const now = ctx.services.now();
  const ttl = foundationSettings.of(ctx.services.config).bindCodeTtlMinutes;
  const expiresAt = new Date(now.getTime() + ttl * 60_000);
  const code = generateBindCode();
  await BindCode.create({ _id: code, staffId, createdBy: ctx.sender?.staffId, expiresAt });
  const hours = ttl >= 60 ? `${Math.round(ttl / 60)} 小时` : `${ttl} 分钟`;
  await ctx.reply(`${name} 的绑定码：${code}\n有效期 ${hours}，只能用一次。\n请让本人在微信或飞书里给我发送：绑定 ${code}`);
}

/** 绑定 <code>: links the sender's chat identity to the staff record the code was issued for. */
export async function bind(ctx: BotContext): Promise<void> {
  const code = ctx.args.replace(/\s+/g, '').toUpperCase();
  if (!code) {
    await ctx.reply('请在「绑定」后面加上绑定码，例如：绑定 K7P2QX9M');
    return;
  }
  if (ctx.sender?.staffId) {
    await ctx.reply(`这个账号已经绑定为 ${ctx.sender.name}，无需再绑定。如需更换请联系行政部。`);
    return;
  }
  const now = ctx.services.now();
  const identity = `${ctx.channel}:${ctx.event.userId}`;
  const existing = await BindCode.findById(code).lean();
  if (!existing) {
    await ctx.reply('绑定码不正确，请核对后重新发送（注意区分字母和数字）。');
    return;
  }
  if (existing.expiresAt <= now) {
    await ctx.reply('这个绑定码已过期。请向行政部重新索取。');
    return;
  }
  // the claim, not a filter precondition, makes a code work once under races (see takeOnce)
  if (existing.usedAt || !(await takeOnce(`bindcode:${code}`, identity))) {
    await ctx.reply('这个绑定码已经用过了。请向行政部重新索取。');
    return;
  }
  await BindCode.updateOne({ _id: code }, { $set: { usedAt: now, usedBy: identity } });
  const claimed = existing;
  const staff = await Staff.findOne({ _id: claimed.staffId, active: true }).lean();
  if (!staff) {
    await ctx.reply('这个绑定码对应的员工档案已停用。请联系行政部。');
    return;
  }
  try {
    await Identity.create({
      _id: identity,
      staffId: staff._id,
      channel: ctx.channel,
      userId: ctx.event.userId,
      displayName: ctx.event.userName ?? '',
      boundAt: now,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await ctx.reply('这个账号已经绑定过了。发送「我是谁」查看。');
    return;
  }
  ctx.log.info({ staffId: String(staff._id) }, 'identity bound');
  await ctx.reply(`绑定成功！你好，${staff.name}（${roleNames(staff.roles as Role[])}）。\n发送「帮助」查看你能用的命令。`);
}
