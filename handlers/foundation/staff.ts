import mongoose, { type Types } from 'mongoose';
import { auditKey, auditLine, recentChanges, trailOf } from '../../src/core/audit-trail.ts';
import type { BotContext, StaffContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { readListWords } from '../../src/core/list-filter.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import { approvingRolesAdded, parseRoles, roleNames } from '../../src/core/roles.ts';
import { echo, maskPhone, parseMobile } from '../../src/core/text.ts';
import type { Card, CardButton, Role } from '../../src/core/types.ts';
import { Identity, Post, Staff } from '../../src/models/index.ts';
import { staffNamed } from '../../src/roster/names.ts';
import { ensurePlaces, findPlace } from '../../src/roster/places.ts';
import { describeIssues, staffInputSchema } from '../../src/roster/staff-input.ts';
import { requestGrant } from './grants.ts';
import { changeActive, changeRoles } from './roles.ts';

export type StaffLean = {
  _id: Types.ObjectId;
  name: string;
  phone: string;
  roles: string[];
  post: string;
  dorm: string;
  active: boolean;
  version?: number;
};

/** How many of a person's latest changes their card shows. */
const CARD_CHANGES = 3;

/** Phone numbers are shown in full only in private chats. */
export function showPhone(ctx: BotContext, phone: string): string {
  return ctx.chat.isGroup ? maskPhone(phone) : phone;
}

/**
 * Finds one staff member by phone or name for an admin command; on no match or several matches it
 * answers the admin itself and returns undefined.
 */
export async function findStaffForAdmin(
  ctx: BotContext,
  query: string,
  example: string,
): Promise<StaffLean | undefined> {
  const all = query.trim();
  if (!all) {
    await ctx.reply(`请写明是谁（姓名或电话），例如：${example}`);
    return undefined;
  }
  // the whole text first (「人员 张 三」, 「停用 138 0000 0001」), then its first word as before (「人员 张三 万达」)
  const first = all.split(/\s+/)[0]!;
  const lookup = async (q: string) => {
    const phone = parseMobile(q);
    return (phone ? await Staff.find({ phone }).limit(10).lean() : await staffNamed(q)) as StaffLean[];
  };
  let q = all;
  let matches = await lookup(all);
  if (!matches.length && first !== all) {
    q = first;
    matches = await lookup(first);
  }
  if (matches.length === 1) return matches[0];
  if (!matches.length) {
    await ctx.reply(`没有找到「${echo(all)}」。请检查姓名或电话，或先发送「添加人员」。`);
    return undefined;
  }
  await ctx.reply(
    [
      `有 ${matches.length} 位「${echo(q)}」，请改用电话指定：`,
      ...matches.map((s) => `• ${s.name} ${showPhone(ctx, s.phone)} ${s.post}`),
    ].join('\n'),
  );
  return undefined;
}

/** The staff card, with the buttons installed workflows add for this viewer (ctx.services.routes.staffCardButtons). */
export async function staffCard(ctx: BotContext, s: StaffLean, note?: string): Promise<Card> {
  const id = String(s._id);
  const subject = {
    staffId: id,
    name: s.name,
    roles: s.roles as Role[],
    post: s.post ?? '',
    dorm: s.dorm ?? '',
    active: s.active,
  };
  const extra: CardButton[] = [];
  for (const add of ctx.services.routes.staffCardButtons ?? []) extra.push(...(await add(ctx, subject)));
  const changes = await recentChanges(auditKey('staff', id), CARD_CHANGES);
  const tz = ctx.services.config.timezone;
  return {
    title: `员工档案：${s.name}`,
    color: s.active ? 'blue' : 'grey',
    lines: [
      `电话：${showPhone(ctx, s.phone)}`,
      `角色：${roleNames(s.roles as Role[])}`,
      `驻点：${s.post || '未设置'}　宿舍：${s.dorm || '未设置'}`,
      `状态：${s.active ? '在职' : '已停用'}`,
      ...(changes.length ? ['最近变更：', ...changes.map((e) => `• ${auditLine(e, tz, { subject: false })}`)] : []),
    ],
    buttons: [
      s.active
        ? { label: '停用', action: 'staff.setActive', value: { staffId: id, active: 'false' }, style: 'danger' }
        : { label: '启用', action: 'staff.setActive', value: { staffId: id, active: 'true' }, style: 'primary' },
      { label: '生成绑定码', action: 'staff.bindCode', value: { staffId: id } },
      ...extra,
    ],
    note,
  };
}

/** 人员 <姓名或电话> */
export async function showStaff(ctx: BotContext): Promise<void> {
  const s = await findStaffForAdmin(ctx, ctx.args, '人员 张三');
  if (s) await ctx.reply(await staffCard(ctx, s));
}

const STAFF_STATUS: Record<string, boolean> = { 在职: true, 启用: true, 停用: false, 已停用: false, 离职: false };

/** 人员列表 [全部] [在职|停用] [驻点或角色] */
export async function listStaff(ctx: BotContext): Promise<void> {
  const read = readListWords(ctx.args, ctx.services.now(), ctx.services.config.timezone, (w) =>
    Object.hasOwn(STAFF_STATUS, w) ? STAFF_STATUS[w] : undefined,
  );
  if ('error' in read || read.period || read.mine) {
    await ctx.reply('用法：人员列表 [全部 / 在职 / 停用] [驻点或角色]，例如：人员列表 万达广场');
    return;
  }
  const q = read.rest.join(' ');
  const { roles } = parseRoles(q);
  const filter: Record<string, unknown> = !q
    ? {}
    : roles.length
      ? { roles: roles[0] }
      : { post: (await findPlace('post', q)) ?? q };
  if (read.status !== undefined) filter.active = read.status;
  const what = [read.all && !q && read.status === undefined ? '全部' : '', read.statusWord ?? '', q]
    .filter(Boolean)
    .join('，');
  const staff = (await Staff.find(filter).sort({ post: 1, name: 1 }).limit(200).lean()) as StaffLean[];
  if (!staff.length) {
    await ctx.reply(what ? `没有「${echo(what)}」的人员。` : '还没有人员。发送「添加人员」或用命令行导入花名册。');
    return;
  }
  const links = await Identity.find({ staffId: { $in: staff.map((s) => s._id) } }, { staffId: 1 }).lean();
  const bound = new Set(links.map((i) => String(i.staffId)));
  const lines = staff.map(
    (s) =>
      `• ${s.name} ${showPhone(ctx, s.phone)} ${roleNames(s.roles as Role[])}${s.post ? ` @${s.post}` : ''}${s.active ? '' : '（停用）'}${bound.has(String(s._id)) ? '' : '（未绑定）'}`,
  );
  await ctx.reply([`人员 ${staff.length} 人${what ? `（${echo(what)}）` : ''}：`, ...lines].join('\n'));
}

export const addStaffForm: FormDefinition = {
  name: 'staff.add',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: '添加人员',
  allow: ['admin'],
  fields: [
    // the limits of staffInputSchema, so a long answer is refused at its field, not after submitting
    { key: 'name', label: '姓名', required: true, max: 20, parse: field('name') },
    // a phone already on file is refused at its question, before the rest is asked
    {
      key: 'phone',
      label: '电话',
      required: true,
      prompt: '请输入手机号（11 位）',
      parse: field('phone'),
      check: (phone, ctx) => phoneTaken(ctx, phone),
    },
    {
      key: 'roles',
      label: '角色',
      required: true,
      prompt: '请输入角色，多个用顿号隔开（如：队长、司机）',
      parse: field('roles'),
    },
    { key: 'post', label: '驻点', prompt: '请输入驻点名称', max: 40 },
    { key: 'dorm', label: '宿舍', prompt: '请输入宿舍名称', max: 40 },
  ],
  async submit(ctx, values) {
    const parsed = staffInputSchema.safeParse(values);
    if (!parsed.success) {
      // every field was checked at its question; this is only a guard
      await ctx.reply(`没有保存：${describeIssues(parsed.error)}。`);
      return;
    }
    const v = parsed.data;
    // asked at the phone question already; someone may have added the same phone since
    const taken = await phoneTaken(ctx, v.phone);
    if (taken) {
      await ctx.reply(`${taken}没有重复添加。`);
      return;
    }
    try {
      // same-name people are common (two 张三): added, with the one(s) on file shown so a duplicate is noticed
      const namesakes = (await staffNamed(v.name)) as StaffLean[];
      // places first (as the roster import does): 「城南 宿舍」 is the dorm 城南宿舍 already on record
      const places = await ensurePlaces(v.post, v.dorm);
      // approving roles are not given here: they wait for a second person's confirmation
      const held = approvingRolesAdded([], v.roles);
      const roles = v.roles.filter((r) => !held.includes(r));
      const _id = new mongoose.Types.ObjectId();
      const note = {
        kind: 'staff' as const,
        record: { type: 'staff', id: String(_id), label: v.name },
        subject: { staffId: String(_id), name: v.name },
        what: '添加人员',
        to: [roleNames(roles), places.post, places.dorm].filter(Boolean).join('，'),
      };
      const s = await trailOf(ctx).change(Staff, _id, note, (carry) =>
        Staff.create(carry.doc({ _id, name: v.name, phone: v.phone, roles, ...places })),
      );
      ctx.log.info({ staffId: String(s._id), namesakes: namesakes.length }, 'staff added');
      const lean = (await Staff.findById(_id).lean()) as StaffLean;
      const same = namesakes.length ? namesakeNote(ctx, v.name, namesakes) : '';
      await ctx.reply(await staffCard(ctx, lean, `已添加。点「生成绑定码」让本人绑定微信或飞书。${same}`));
      if (held.length) await requestGrant(ctx as StaffContext, lean, 'roles', v.roles);
    } catch (err) {
      if (isDuplicateKey(err)) {
        await ctx.reply(`电话 ${showPhone(ctx, v.phone)} 已存在，没有重复添加。`);
        return;
      }
      throw err;
    }
  },
};

/** Why a phone cannot be a new person's: it is on file already (whose, and what to do); undefined if free. */
async function phoneTaken(ctx: BotContext, typed: string): Promise<string | undefined> {
  // the field keeps the phone as typed (+86 138 …); the record holds the national number
  const phone = parseMobile(typed) ?? typed;
  const existing = await Staff.findOne({ phone }).lean();
  return existing
    ? `电话 ${showPhone(ctx, phone)} 已属于 ${existing.name}（${existing.post || '未设驻点'}）。要修改他的档案请用「设置角色」「设置驻点」等命令；新人请填他本人的手机号。`
    : undefined;
}

/** The warning under a new person's card when someone of the same name is on file: who, and how to tell them apart. */
function namesakeNote(ctx: BotContext, name: string, namesakes: StaffLean[]): string {
  const who = namesakes
    .map((s) => `${s.name} ${showPhone(ctx, s.phone)} ${s.post || '未设驻点'}${s.active ? '' : '（已停用）'}`)
    .join('；');
  return `\n⚠ 已有同名员工：${who}。以后按姓名找「${name}」时会请你用电话指定；如果是同一个人，请停用其中一条档案。`;
}

/** Validates one field with the same schema the roster import uses. */
function field(key: 'name' | 'phone' | 'roles') {
  return (input: string) => {
    const res = staffInputSchema.shape[key].safeParse(input);
    return res.success
      ? { ok: true as const, value: input.trim() }
      : { ok: false as const, error: describeIssues(res.error) };
  };
}

/** 添加人员 (guided form / Lark form card; `姓名: 张三` lines fill it in one message) */
export async function addStaff(ctx: BotContext): Promise<void> {
  await ctx.services.forms.start(ctx, addStaffForm.name, ctx.args);
}

/** 设置角色 <人> <角色…>: never one's own; an approving role waits for confirmation (roles.ts). */
export async function setRoles(ctx: StaffContext): Promise<void> {
  const [who, ...rest] = ctx.args.split(/\s+/);
  const { roles, unknown } = parseRoles(rest.join(' '));
  if (unknown.length || !roles.length) {
    await ctx.reply(
      `${unknown.length ? `角色「${echo(unknown.join('、'))}」不认识。` : ''}用法：设置角色 张三 队长、司机`,
    );
    return;
  }
  const s = await findStaffForAdmin(ctx, who ?? '', '设置角色 张三 队长');
  if (s) await changeRoles(ctx, s, roles);
}

function placeSetter(key: 'post' | 'dorm', label: string, example: string) {
  return async (ctx: BotContext): Promise<void> => {
    const [who, ...rest] = ctx.args.split(/\s+/);
    const place = rest.join(' ').trim();
    if (!place) {
      await ctx.reply(`用法：${example}`);
      return;
    }
    const checked = staffInputSchema.shape[key].safeParse(place);
    if (!checked.success) {
      await ctx.reply(`${describeIssues(checked.error)}，没有修改。用法：${example}`);
      return;
    }
    const s = await findStaffForAdmin(ctx, who ?? '', example);
    if (!s) return;
    // the place as on record: 「城南 宿舍」 sets the dorm 城南宿舍, not a second dorm
    const named = (await ensurePlaces(key === 'post' ? place : '', key === 'dorm' ? place : ''))[key];
    if ((s[key] ?? '') === named) {
      await ctx.reply(`${s.name} 的${label}已经是：${named}，没有修改。`);
      return;
    }
    const note = {
      kind: key,
      record: { type: 'staff', id: String(s._id), label: s.name },
      subject: { staffId: String(s._id), name: s.name },
      what: label,
      from: s[key] ?? '',
      to: named,
    };
    await trailOf(ctx).change(Staff, s._id, note, (carry) =>
      Staff.updateOne({ _id: s._id }, carry.update({ $set: { [key]: named } })),
    );
    await ctx.reply(`已把 ${s.name} 的${label}设为：${named}`);
  };
}
export const setPost = placeSetter('post', '驻点', '设置驻点 张三 万达广场');
export const setDorm = placeSetter('dorm', '宿舍', '设置宿舍 张三 城南宿舍');

function activeSetter(active: boolean, example: string) {
  return async (ctx: StaffContext): Promise<void> => {
    const s = await findStaffForAdmin(ctx, ctx.args, example);
    if (s) await ctx.reply(await changeActive(ctx, s, active));
  };
}
export const disableStaff = activeSetter(false, '停用 张三');
export const enableStaff = activeSetter(true, '启用 张三');

/** Card button: 停用 / 启用 */
export async function setActiveFromCard(ctx: StaffContext): Promise<void> {
  const { staffId, active } = ctx.action!.value;
  const s =
    staffId && /^[0-9a-f]{24}$/.test(staffId) ? ((await Staff.findById(staffId).lean()) as StaffLean | null) : null;
  if (!s) {
    await ctx.toast('找不到这位员工，可能已被删除。');
    return;
  }
  const said = await changeActive(ctx, s, active === 'true');
  const now = (await Staff.findById(staffId).lean()) as StaffLean;
  if (now.active === s.active) {
    await ctx.toast(said);
    return;
  }
  // what a disabled person still holds goes under the card, shown in place of the one clicked
  const held = said.split('\n').slice(1);
  await ctx.updateCard(
    await staffCard(
      ctx,
      now,
      [`${ctx.sender.name} 已${now.active ? '启用' : '停用'}（${stamp(ctx)}）`, ...held].join('\n'),
    ),
  );
  await ctx.toast(now.active ? `已启用 ${s.name}` : `已停用 ${s.name}`);
}

function stamp(ctx: BotContext): string {
  return ctx.services.now().toLocaleString('zh-CN', { timeZone: ctx.services.config.timezone, hour12: false });
}

/** 驻点列表: each post with how many active staff it has (宿舍列表 belongs to the dorm workflow). */
export async function listPosts(ctx: BotContext): Promise<void> {
  const places = await Post.find({}, { name: 1 }).sort({ name: 1 }).limit(200).lean();
  if (!places.length) {
    await ctx.reply('还没有驻点。导入花名册或用「设置驻点」时会自动建立。');
    return;
  }
  const lines: string[] = [];
  for (const p of places) {
    const n = await Staff.countDocuments({ post: p.name, active: true });
    lines.push(`• ${p.name}：${n} 人`);
  }
  await ctx.reply([`驻点 ${places.length} 个：`, ...lines].join('\n'));
}
