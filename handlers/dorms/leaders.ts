import { actor } from '../../src/core/audit.ts';
import { auditKey, auditLine, type ChangeNote, recentChanges, trailOf } from '../../src/core/audit-trail.ts';
import type { BotContext } from '../../src/core/context.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import type { StaffCardButtons, StaffHoldings } from '../../src/core/router.ts';
import { leadingName, sameName } from '../../src/core/text.ts';
import type { Card, CardButton } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { findStaffForAdmin, type StaffLean, staffCard } from '../foundation/api.ts';
import { allDormNames, DORM_MANAGERS, dormExists, dormsLedBy, loadRosters } from './common.ts';
import { DormLeader } from './models.ts';
import { type DormRoster, rollCallDuty } from './rules.ts';

/*
 * Who does a dorm's roll call (§3.3.3: 队长每天进行宿舍查房): 行政部 or 综合部 assign each dorm its
 * team leader(s) by command or on the dorm's card; `宿舍列表` shows residents and leaders, and flags
 * a dorm nobody can be asked for.
 */

interface Person {
  _id: unknown;
  name: string;
  roles: string[];
  active: boolean;
}

async function dormAndPerson(ctx: BotContext, example: string) {
  const [first = '', who = ''] = ctx.args.trim().split(/\s+/);
  if (!first || !who) {
    await ctx.reply(`用法：${example}`);
    return undefined;
  }
  // 「城南 宿舍 陈队长」 names the dorm 城南宿舍 (core nameKey)
  const named = leadingName(await allDormNames(), ctx.args);
  if (!named) {
    // a new dorm comes into being when someone is set to live there
    await dormExists(ctx, first, '新宿舍请先用「设置宿舍」给住宿人员设置宿舍。');
    return undefined;
  }
  const person = await findStaffForAdmin(ctx, named.rest.split('\n')[0]!, example);
  return person ? { dorm: named.name, person } : undefined;
}

/** Makes `person` a leader of `dorm` once; the answer says what happened (or why not). */
async function assign(ctx: BotContext, dorm: string, person: Person): Promise<string> {
  if (!person.active) return `${person.name} 已停用，不能当宿舍队长。`;
  if (!person.roles.includes('team_leader'))
    return `${person.name} 不是队长（§3.3.3 由队长查房）。请先发送「设置角色 ${person.name} 队长」，再指定。`;
  const staffId = String(person._id);
  const _id = `${dorm}:${staffId}`;
  try {
    await trailOf(ctx).change(DormLeader, _id, leaderNote(dorm, staffId, person.name, true), (carry) =>
      DormLeader.create(
        carry.doc({ _id, dorm, staffId, name: person.name, assignedBy: actor(ctx), assignedAt: ctx.services.now() }),
      ),
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return `${person.name} 已经是 ${dorm} 的队长，没有重复设置。`;
  }
  ctx.log.info({ dorm, staffId }, 'dorm leader assigned');
  const all = await DormLeader.find({ dorm }, { name: 1 }).lean();
  return `已指定 ${person.name} 为 ${dorm} 的队长（现有队长：${all.map((l) => l.name).join('、')}）。每晚查房会发给队长。`;
}

/** An assignment or removal of a dorm's leader, for the audit trail (the dorm's and the person's history). */
export function leaderNote(dorm: string, staffId: string, name: string, assigned: boolean, note = ''): ChangeNote {
  return {
    kind: 'leader',
    record: { type: 'dorm', id: dorm, label: dorm },
    subject: { staffId, name },
    what: assigned ? '指定宿舍队长' : '取消宿舍队长',
    note,
  };
}

async function unassign(ctx: BotContext, dorm: string, person: Person): Promise<string> {
  const _id = `${dorm}:${String(person._id)}`;
  const removed = await trailOf(ctx).removal(
    DormLeader,
    _id,
    leaderNote(dorm, String(person._id), person.name, false),
    async () => (await DormLeader.deleteOne({ _id })).deletedCount === 1,
  );
  if (!removed) return `${person.name} 不是 ${dorm} 的队长，没有改动。`;
  ctx.log.info({ dorm, staffId: String(person._id) }, 'dorm leader removed');
  const left = await DormLeader.find({ dorm }, { name: 1 }).lean();
  return left.length
    ? `已取消 ${person.name} 的 ${dorm} 队长（还有：${left.map((l) => l.name).join('、')}）。`
    : `已取消 ${person.name} 的 ${dorm} 队长。⚠️ ${dorm} 现在没有队长，今晚无法查房，请尽快用「设置宿舍队长」指定。`;
}

/** 设置宿舍队长 <宿舍> <姓名或电话> */
export async function assignLeader(ctx: BotContext): Promise<void> {
  const found = await dormAndPerson(ctx, '设置宿舍队长 城南宿舍 陈队长');
  if (found) await ctx.reply(await assign(ctx, found.dorm, found.person));
}

/** 取消宿舍队长 <宿舍> <姓名或电话> */
export async function unassignLeader(ctx: BotContext): Promise<void> {
  const found = await dormAndPerson(ctx, '取消宿舍队长 城南宿舍 陈队长');
  if (found) await ctx.reply(await unassign(ctx, found.dorm, found.person));
}

function leaderText(r: DormRoster): string {
  if (!r.leaders.length) return r.residents.length ? '队长：⚠️ 未指定' : '队长：未指定';
  return `队长：${r.leaders.map((l) => l.name).join('、')}${rollCallDuty(r) === 'leader_unreachable' ? '（⚠️ 未绑定，收不到查房）' : ''}`;
}

/** One dorm as a card: residents by number, leaders, and buttons to make a resident 队长 its leader or remove one. */
async function dormCard(ctx: BotContext, dorm: string, note?: string): Promise<Card> {
  const [r] = await loadRosters(ctx.services, [dorm]);
  const roster = r!;
  const leaderIds = new Set(roster.leaders.map((l) => l.staffId));
  const candidates = await Staff.find({ dorm, active: true, roles: 'team_leader' }, { name: 1 })
    .sort({ name: 1 })
    .lean();
  const buttons: CardButton[] = [
    ...candidates
      .filter((c) => !leaderIds.has(String(c._id)))
      .map((c) => ({
        label: `设为队长：${c.name}`,
        action: 'dorms.assign',
        value: { dorm, staffId: String(c._id) },
        style: 'primary' as const,
      })),
    ...roster.leaders.map((l) => ({
      label: `取消队长：${l.name}`,
      action: 'dorms.unassign',
      value: { dorm, staffId: l.staffId },
    })),
  ].slice(0, 8);
  const changes = await recentChanges(auditKey('dorm', dorm), 3);
  return {
    title: `宿舍：${dorm}`,
    color: rollCallDuty(roster) === 'ask' || !roster.residents.length ? 'blue' : 'orange',
    lines: [
      `${roster.residents.length} 人，${leaderText(roster)}`,
      ...roster.residents.map((p, i) => `${i + 1}. ${p.name}`),
      ...(changes.length
        ? ['最近变更：', ...changes.map((e) => `• ${auditLine(e, ctx.services.config.timezone)}`)]
        : []),
    ],
    buttons: buttons.length ? buttons : undefined,
    note: note ?? '住在别处的队长用「设置宿舍队长 宿舍名 姓名」指定。',
  };
}

/** 宿舍列表 [宿舍]: each dorm with residents and leader(s); one dorm as a card with its residents. */
export async function listDorms(ctx: BotContext): Promise<void> {
  const q = ctx.args.trim();
  const names = await allDormNames();
  if (!names.length) {
    await ctx.reply('还没有宿舍。导入花名册或用「设置宿舍」时会自动建立。');
    return;
  }
  const dorm = q ? sameName(names, q) : undefined;
  if (q && !dorm) {
    await dormExists(ctx, q);
    return;
  }
  if (dorm) {
    await ctx.reply(await dormCard(ctx, dorm));
    return;
  }
  const rosters = await loadRosters(ctx.services, names);
  const lines = rosters.map((r) => `• ${r.name}：${r.residents.length} 人，${leaderText(r)}`);
  await ctx.reply([`宿舍 ${rosters.length} 个（发送「宿舍列表 宿舍名」看住宿人员、设置队长）：`, ...lines].join('\n'));
}

/**
 * On the staff card (人员 陈队长), for 行政部/综合部: 设为宿舍队长 for a 队长's own dorm, 取消宿舍队长 for
 * each dorm they lead. Same actions as the dorm card, so the router checks the role on click.
 */
export const staffCardLeaderButtons: StaffCardButtons = async (ctx, s) => {
  if (!ctx.hasRole(...DORM_MANAGERS)) return [];
  const led = await dormsLedBy(s.staffId);
  const buttons: CardButton[] = led.map((dorm) => ({
    label: `取消宿舍队长：${dorm}`,
    action: 'dorms.unassign',
    value: { dorm, staffId: s.staffId, from: 'staff' },
  }));
  if (s.active && s.dorm && s.roles.includes('team_leader') && !led.includes(s.dorm)) {
    buttons.unshift({
      label: `设为宿舍队长：${s.dorm}`,
      action: 'dorms.assign',
      value: { dorm: s.dorm, staffId: s.staffId, from: 'staff' },
      style: 'primary',
    });
  }
  return buttons;
};

/** The dorms a person leads, listed when they are disabled (停用), with how to hand each over. */
export const leaderHoldings: StaffHoldings = async (_services, s) =>
  (await dormsLedBy(s.staffId)).map((dorm) => ({
    what: `${dorm} 的宿舍队长（每晚查房）`,
    handover: `设置宿舍队长 ${dorm} 新队长姓名，再发送 取消宿舍队长 ${dorm} ${s.name}`,
  }));

/** Dorm card (or staff card) buttons 设为队长 / 取消队长; the card clicked is shown again with the result. */
export async function leaderFromCard(ctx: BotContext): Promise<void> {
  const { dorm = '', staffId = '', from = '' } = ctx.action?.value ?? {};
  const person = /^[0-9a-f]{24}$/.test(staffId)
    ? ((await Staff.findById(staffId, { name: 1, roles: 1, active: 1 }).lean()) as Person | null)
    : null;
  if (!person || !(await allDormNames()).includes(dorm)) {
    await ctx.toast('找不到这位员工或宿舍，请重新发送「宿舍列表 宿舍名」。');
    return;
  }
  const said =
    ctx.action?.action === 'dorms.assign' ? await assign(ctx, dorm, person) : await unassign(ctx, dorm, person);
  if (ctx.can.updatesCards) {
    const staff = from === 'staff' ? ((await Staff.findById(staffId).lean()) as StaffLean | null) : null;
    await ctx.updateCard(staff ? await staffCard(ctx, staff, said) : await dormCard(ctx, dorm, said));
  }
  await ctx.toast(said);
}
