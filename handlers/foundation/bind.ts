import { randomInt } from 'node:crypto';
import type { Types } from 'mongoose';
import { type ChangeNote, trailOf } from '../../src/core/audit-trail.ts';
import type { BotContext } from '../../src/core/context.ts';
import { formatDate, formatDateTime } from '../../src/core/numbering.ts';
import { isDuplicateKey, takeOnce } from '../../src/core/once.ts';
import { takeRateLimited } from '../../src/core/rate-limit.ts';
import { roleNames } from '../../src/core/roles.ts';
import type { Card, Channel, Outgoing, Role } from '../../src/core/types.ts';
import { Identity, Staff } from '../../src/models/index.ts';
import { BindCode } from './models.ts';
import { foundationSettings } from './settings.ts';
import { findStaffForAdmin } from './staff.ts';

/** No 0/O, 1/I/L: codes are read aloud and typed on phones. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;
/** 绑定 attempts per account per clock quarter hour; 31^8 codes make guessing hopeless well before. */
export const BIND_ATTEMPTS = 5;
export const BIND_ATTEMPT_WINDOW_MS = 15 * 60_000;

const PLATFORM: Record<Channel, string> = { lark: '飞书', wechat: '微信', console: '控制台' };

export function generateBindCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** 绑定码 <姓名或电话>: an admin issues a one-time code for a staff member. */
export async function issueBindCode(ctx: BotContext): Promise<void> {
  const found = await findStaffForAdmin(ctx, ctx.args, '绑定码 张三');
  if (!found) return;
  await issueOrConfirm(ctx, found._id, found.name, false);
}

/** Card button on the staff card: 生成绑定码 */
export async function bindCodeFromCard(ctx: BotContext): Promise<void> {
  const { staffId } = ctx.action!.value;
  const s = staffId && /^[0-9a-f]{24}$/.test(staffId) ? await Staff.findById(staffId).lean() : null;
  if (!s) {
    await ctx.toast('找不到这位员工，可能已被删除。');
    return;
  }
  await issueOrConfirm(ctx, s._id, s.name, ctx.action!.value.rebind === '1');
}

/**
 * The code goes to the admin only, privately. A person already bound gets a confirmation step
 * first: the code it then issues (`rebind`) replaces their account on the platform it is used on.
 */
export async function issueOrConfirm(
  ctx: BotContext,
  staffId: Types.ObjectId,
  name: string,
  confirmed: boolean,
): Promise<void> {
  const accounts = await Identity.find({ staffId }).sort({ boundAt: 1 }).lean();
  if (accounts.length && !confirmed) {
    const tz = ctx.services.config.timezone;
    const card: Card = {
      title: `为 ${name} 生成绑定码`,
      color: 'orange',
      lines: [
        `${name} 已绑定：${accounts.map((a) => `${PLATFORM[a.channel as Channel] ?? a.channel}账号（${formatDate(a.boundAt, tz)} 绑定）`).join('、')}。`,
        '新账号用绑定码绑定后，同一平台上的旧账号会被解除，并收到通知；另一平台上的账号不变。',
        '确认是本人换了账号，再生成绑定码。',
      ],
      buttons: [
        {
          label: '确认换绑，生成绑定码',
          action: 'staff.bindCode',
          value: { staffId: String(staffId), rebind: '1' },
          style: 'primary',
        },
      ],
    };
    await toAdminPrivately(ctx, card, `${name} 已绑定过账号，换绑确认已私信发给你。`);
    return;
  }
  const now = ctx.services.now();
  const ttl = foundationSettings.of(ctx.services.config).bindCodeTtlMinutes;
  const code = generateBindCode();
  const hours = ttl >= 60 ? `${Math.round(ttl / 60)} 小时` : `${ttl} 分钟`;
  const trail = trailOf(ctx);
  // the code itself is a secret: the trail says that one was issued, to whom and by whom
  const about = {
    kind: 'bindcode' as const,
    record: { type: 'staff', id: String(staffId), label: name },
    subject: { staffId: String(staffId), name },
  };
  const issued: ChangeNote = {
    ...about,
    what: '生成绑定码',
    note: `有效期 ${hours}${accounts.length ? '，可换绑' : ''}`,
  };
  await trail.change(BindCode, code, issued, (carry) =>
    BindCode.create(
      carry.doc({
        _id: code,
        staffId,
        createdBy: ctx.sender?.staffId,
        expiresAt: new Date(now.getTime() + ttl * 60_000),
        rebind: accounts.length > 0,
      }),
    ),
  );
  const text = `${name} 的绑定码：${code}\n有效期 ${hours}，只能用一次。\n请只发给本人，让本人在微信或飞书里给我发送：绑定 ${code}`;
  if (!(await toAdminPrivately(ctx, text, `${name} 的绑定码已私信发给你。`))) {
    await trail.removal(
      BindCode,
      code,
      { ...about, what: '绑定码作废', note: '未能私信发出' },
      async () => (await BindCode.deleteOne({ _id: code })).deletedCount === 1,
    );
  }
}

/**
 * In a private chat, answers there; in a group, sends to the admin's private chat and tells the
 * group only that it did. False when the private message could not be sent.
 */
async function toAdminPrivately(ctx: BotContext, message: Outgoing, groupNote: string): Promise<boolean> {
  if (!ctx.chat.isGroup) {
    await ctx.reply(message);
    return true;
  }
  try {
    await ctx.send({ channel: ctx.channel, userId: ctx.event.userId }, message);
  } catch (err) {
    ctx.log.warn({ err }, 'could not message the admin privately');
    await ctx.toast('没能私信你。请先在私聊里给我发一条消息，再在私聊里生成绑定码。');
    return false;
  }
  await ctx.toast(groupNote);
  return true;
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
  // counted before the code is looked at, so a guesser learns nothing once over the limit
  const attempt = await takeRateLimited(`bind:${identity}`, BIND_ATTEMPTS, BIND_ATTEMPT_WINDOW_MS, now);
  if (!attempt.ok) {
    const at = formatDateTime(attempt.retryAt, ctx.services.config.timezone).slice(11);
    ctx.log.warn({ identity }, 'bind attempts over the limit');
    await ctx.reply(`绑定码试错次数太多。为了安全，请在 ${at} 以后再试；如果绑定码确实没错，请联系行政部重新生成。`);
    return;
  }
  const existing = await BindCode.findById(code).lean();
  if (!existing) {
    await ctx.reply('绑定码不正确，请核对后重新发送（注意区分字母和数字）。');
    return;
  }
  if (existing.expiresAt <= now) {
    await ctx.reply('这个绑定码已过期。请向行政部重新索取。');
    return;
  }
  if (existing.usedAt) {
    await ctx.reply('这个绑定码已经用过了。请向行政部重新索取。');
    return;
  }
  const staff = await Staff.findOne({ _id: existing.staffId, active: true }).lean();
  if (!staff) {
    await ctx.reply('这个绑定码对应的员工档案已停用。请联系行政部。');
    return;
  }
  const before = await Identity.find({ staffId: staff._id, _id: { $ne: identity } }).lean();
  const replaced = before.filter((a) => a.channel === ctx.channel);
  if (replaced.length && !existing.rebind) {
    // not consumed: the admin may confirm a 换绑 and issue a new code instead
    await ctx.reply(
      `${staff.name} 已经在${PLATFORM[ctx.channel]}上绑定了另一个账号，这个绑定码不能换绑。如需换到这个账号，请联系行政部重新生成绑定码并确认换绑。`,
    );
    return;
  }
  // the claim, not a filter precondition, makes a code work once under races (see takeOnce)
  if (!(await takeOnce(`bindcode:${code}`, identity))) {
    await ctx.reply('这个绑定码已经用过了。请向行政部重新索取。');
    return;
  }
  await BindCode.updateOne({ _id: code }, { $set: { usedAt: now, usedBy: identity } });
  const account = `${PLATFORM[ctx.channel] ?? ctx.channel}账号${ctx.event.userName ? ` ${ctx.event.userName}` : ''}`;
  const bound: ChangeNote = {
    kind: 'binding',
    record: { type: 'staff', id: String(staff._id), label: staff.name },
    subject: { staffId: String(staff._id), name: staff.name },
    what: replaced.length ? '换绑' : '绑定',
    from: replaced
      .map((a) => `${PLATFORM[a.channel as Channel] ?? a.channel}账号${a.displayName ? ` ${a.displayName}` : ''}`)
      .join('、'),
    to: account,
  };
  try {
    // the person binding is the one acting: the account proves it with the code
    await trailOf(ctx, { staffId: String(staff._id), name: staff.name }).change(Identity, identity, bound, (carry) =>
      Identity.create(
        carry.doc({
          _id: identity,
          staffId: staff._id,
          channel: ctx.channel,
          userId: ctx.event.userId,
          displayName: ctx.event.userName ?? '',
          boundAt: now,
        }),
      ),
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await ctx.reply('这个账号已经绑定过了。发送「我是谁」查看。');
    return;
  }
  ctx.log.info({ staffId: String(staff._id), replaced: replaced.map((a) => a._id) }, 'identity bound');
  if (replaced.length) await Identity.deleteMany({ _id: { $in: replaced.map((a) => a._id) } });
  await ctx.reply(
    `绑定成功！你好，${staff.name}（${roleNames(staff.roles as Role[])}）。\n发送「帮助」查看你能用的命令。`,
  );
  await tellOtherAccounts(ctx, staff.name, before, new Set(replaced.map((a) => a._id)));
}

/** The person's other accounts learn of the new one: replaced ones that they were unbound. */
async function tellOtherAccounts(
  ctx: BotContext,
  name: string,
  accounts: { _id: string; channel: string; userId: string }[],
  replaced: Set<string>,
) {
  const where = PLATFORM[ctx.channel];
  for (const a of accounts) {
    const text = replaced.has(a._id)
      ? `你的账号已解除与员工「${name}」的绑定：行政部已换绑到${where}上的新账号。如有疑问请联系行政部。`
      : `员工「${name}」刚在${where}上绑定了新账号。如果不是你本人操作，请立即联系行政部。`;
    await ctx
      .send({ channel: a.channel as Channel, userId: a.userId }, text)
      .catch((err: unknown) => ctx.log.warn({ err, account: a._id }, 'could not tell the other account'));
  }
}
