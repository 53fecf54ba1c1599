import type { BotContext } from '../../src/core/context.ts';
import { Dorm } from '../../src/models/index.ts';
import { findStaffForAdmin } from '../foundation/staff.ts';
import { actor, allDormNames, loadRosters } from './common.ts';
import { DormLeader } from './models.ts';
import { rollCallDuty } from './rules.ts';

/*
 * Who does a dorm's roll call (§3.3.3: 队长每天进行宿舍查房): 行政部 or 综合部 assign each dorm its
 * team leader(s); `宿舍列表` shows residents and leaders, and flags a dorm nobody can be asked for.
 */

async function dormAndPerson(ctx: BotContext, example: string) {
  const [dorm = '', who = ''] = ctx.args.trim().split(/\s+/);
  if (!dorm || !who) {
    await ctx.reply(`用法：${example}`);
    return undefined;
  }
  if (!(await Dorm.exists({ name: dorm })) && !(await allDormNames()).includes(dorm)) {
    await ctx.reply(`没有「${dorm}」这个宿舍。发送「宿舍列表」查看宿舍名称，或先用「设置宿舍」给住宿人员设置宿舍。`);
    return undefined;
  }
  const person = await findStaffForAdmin(ctx, who, example);
  return person ? { dorm, person } : undefined;
}

/** 设置宿舍队长 <宿舍> <姓名或电话> */
export async function assignLeader(ctx: BotContext): Promise<void> {
  const example = '设置宿舍队长 城南宿舍 陈队长';
  const found = await dormAndPerson(ctx, example);
  if (!found) return;
  const { dorm, person } = found;
  if (!person.active) {
    await ctx.reply(`${person.name} 已停用，不能当宿舍队长。`);
    return;
  }
  if (!person.roles.includes('team_leader')) {
    await ctx.reply(`${person.name} 不是队长（§3.3.3 由队长查房）。请先发送「设置角色 ${person.name} 队长」，再指定。`);
    return;
  }
  try {
    await DormLeader.create({ _id: `${dorm}:${String(person._id)}`, dorm, staffId: String(person._id), name: person.name, assignedBy: actor(ctx), assignedAt: ctx.services.now() });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    await ctx.reply(`${person.name} 已经是 ${dorm} 的队长，没有重复设置。`);
    return;
  }
  ctx.log.info({ dorm, staffId: String(person._id) }, 'dorm leader assigned');
  const all = await DormLeader.find({ dorm }, { name: 1 }).lean();
  await ctx.reply(`已指定 ${person.name} 为 ${dorm} 的队长（现有队长：${all.map((l) => l.name).join('、')}）。每晚查房会发给队长。`);
}

/** 取消宿舍队长 <宿舍> <姓名或电话> */
export async function unassignLeader(ctx: BotContext): Promise<void> {
  const found = await dormAndPerson(ctx, '取消宿舍队长 城南宿舍 陈队长');
  if (!found) return;
  const { dorm, person } = found;
  const res = await DormLeader.deleteOne({ _id: `${dorm}:${String(person._id)}` });
  if (!res.deletedCount) {
    await ctx.reply(`${person.name} 不是 ${dorm} 的队长，没有改动。`);
    return;
  }
  ctx.log.info({ dorm, staffId: String(person._id) }, 'dorm leader removed');
  const left = await DormLeader.find({ dorm }, { name: 1 }).lean();
  await ctx.reply(
    left.length
      ? `已取消 ${person.name} 的 ${dorm} 队长（还有：${left.map((l) => l.name).join('、')}）。`
      : `已取消 ${person.name} 的 ${dorm} 队长。⚠️ ${dorm} 现在没有队长，今晚无法查房，请尽快用「设置宿舍队长」指定。`,
  );
}

/** 宿舍列表 [宿舍]: each dorm with residents and leader(s); one dorm with its residents by name. */
export async function listDorms(ctx: BotContext): Promise<void> {
  const q = ctx.args.trim();
  const names = await allDormNames();
  if (!names.length) {
    await ctx.reply('还没有宿舍。导入花名册或用「设置宿舍」时会自动建立。');
    return;
  }
  if (q && !names.includes(q)) {
    await ctx.reply(`没有「${q}」这个宿舍。发送「宿舍列表」查看全部。`);
    return;
  }
  const rosters = await loadRosters(ctx.services, q ? [q] : names);
  const leaderText = (r: (typeof rosters)[number]) => {
    const duty = rollCallDuty(r);
    if (!r.leaders.length) return r.residents.length ? '队长：⚠️ 未指定' : '队长：未指定';
    return `队长：${r.leaders.map((l) => l.name).join('、')}${duty === 'leader_unreachable' ? '（⚠️ 未绑定，收不到查房）' : ''}`;
  };
  if (q) {
    const r = rosters[0]!;
    await ctx.reply([`${r.name}：${r.residents.length} 人，${leaderText(r)}`, ...r.residents.map((p, i) => `${i + 1}. ${p.name}`)].join('\n'));
    return;
  }
  const lines = rosters.map((r) => `• ${r.name}：${r.residents.length} 人，${leaderText(r)}`);
  await ctx.reply([`宿舍 ${rosters.length} 个（发送「宿舍列表 宿舍名」看住宿人员）：`, ...lines].join('\n'));
}
