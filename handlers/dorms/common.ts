import type { BotContext, Services } from '../../src/core/context.ts';
import { type CardRef, notify, recipientsWithRole, updateCards } from '../../src/core/notify.ts';
import { echo, leadingName } from '../../src/core/text.ts';
import type { Card, Channel, Outgoing, Role } from '../../src/core/types.ts';
import { Dorm, Identity, Staff } from '../../src/models/index.ts';
import { DormLeader, RollCallCard } from './models.ts';
import { type DormRoster, looksLikeDormName, nearestDormNames } from './rules.ts';
import { type DormSettings, dormSettings } from './settings.ts';

/** Who may manage dorm leaders and read every dorm's records. */
export const DORM_MANAGERS: readonly Role[] = ['admin', 'general_affairs'];

export function settings(services: Pick<Services, 'config'>): DormSettings {
  return dormSettings.of(services.config);
}

export const isManager = (ctx: BotContext): boolean => ctx.hasRole(...DORM_MANAGERS);

/** The dorms the sender leads, by name. */
export async function dormsLedBy(staffId: string | undefined): Promise<string[]> {
  if (!staffId) return [];
  return (await DormLeader.find({ staffId }, { dorm: 1 }).sort({ dorm: 1 }).lean()).map((l) => l.dorm);
}

export async function isLeaderOf(ctx: BotContext, dorm: string): Promise<boolean> {
  const id = ctx.sender?.staffId;
  return !!id && !!(await DormLeader.exists({ _id: `${dorm}:${id}` }));
}

/** Every dorm name: the Dorm records plus any dorm staff are set to. */
export async function allDormNames(): Promise<string[]> {
  const [places, used] = await Promise.all([
    Dorm.find({}, { name: 1 }).lean(),
    Staff.distinct('dorm', { active: true }),
  ]);
  return [...new Set([...places.map((p) => p.name), ...(used as string[]).filter(Boolean)])].sort((a, b) =>
    a.localeCompare(b, 'zh'),
  );
}

/**
 * Each dorm with its active residents and active leaders, and how many of those leaders have a
 * chat identity on a running channel: four queries whatever the number of dorms.
 */
export async function loadRosters(services: Services, only?: string[]): Promise<DormRoster[]> {
  const names = only ?? (await allDormNames());
  const [staff, leaders] = await Promise.all([
    Staff.find({ active: true, dorm: { $in: names } }, { name: 1, dorm: 1 })
      .sort({ name: 1 })
      .lean(),
    DormLeader.find({ dorm: { $in: names } }).lean(),
  ]);
  const activeLeaders = new Set(
    (
      await Staff.find({ _id: { $in: [...new Set(leaders.map((l) => l.staffId))] }, active: true }, { _id: 1 }).lean()
    ).map((s) => String(s._id)),
  );
  const links = await Identity.find({ staffId: { $in: [...activeLeaders] } }, { staffId: 1, channel: 1 }).lean();
  const reachable = new Set(links.filter((l) => services.outbox.has(l.channel as never)).map((l) => String(l.staffId)));
  return names.map((name) => {
    const ls = leaders
      .filter((l) => l.dorm === name && activeLeaders.has(l.staffId))
      .map((l) => ({ staffId: l.staffId, name: l.name }));
    return {
      name,
      residents: staff.filter((s) => s.dorm === name).map((s) => ({ staffId: String(s._id), name: s.name })),
      leaders: ls,
      reachableLeaders: ls.filter((l) => reachable.has(l.staffId)).length,
    };
  });
}

/** Sends a text or card to every 综合部 member privately; how many copies went out. */
export async function tellGeneralAffairs(
  services: Services,
  message: Outgoing,
  alsoRoles: Role[] = [],
): Promise<number> {
  const recipients = await recipientsWithRole(services, ['general_affairs', ...alsoRoles]);
  if (!recipients.length) services.log.warn('no 综合部 member is reachable for a dorm notice');
  return (await notify(services, recipients, message)).length;
}

/** Every dorm, the ones the sender leads, and whether they manage all dorms. */
export interface DormChoice {
  all: string[];
  led: string[];
  manager: boolean;
}

export async function dormChoice(ctx: BotContext): Promise<DormChoice> {
  const [all, led] = await Promise.all([allDormNames(), dormsLedBy(ctx.sender?.staffId)]);
  return { all, led, manager: isManager(ctx) };
}

/** How many dorm names an answer lists at most (a phone screen). */
const LISTED_DORMS = 8;

/**
 * The answer to a dorm name no dorm has: the name as typed, and the dorms there are — a leader's
 * own, or the names nearest to it — so the next message can be right. `hint` says what else to do.
 */
export function unknownDormText(name: string, c: DormChoice, hint = ''): string {
  const head = `没有「${echo(name, 20)}」这个宿舍`;
  if (!c.all.length) return `${head}，系统里还没有宿舍。${hint}`;
  if (!c.manager && c.led.length) return `${head}。你负责的宿舍：${c.led.join('、')}。${hint}`;
  const shown = nearestDormNames(name, c.all, LISTED_DORMS);
  const more =
    c.all.length > shown.length ? ` 等 ${c.all.length} 个${c.manager ? '（发送「宿舍列表」查看全部）' : ''}` : '';
  return `${head}。现有宿舍：${shown.join('、')}${more}。${hint}`;
}

/**
 * Every dorm name typed as a command's argument goes through here: true when the dorm exists;
 * otherwise the sender is told (unknownDormText) and it is false.
 */
export async function dormExists(ctx: BotContext, name: string, hint = '', choice?: DormChoice): Promise<boolean> {
  const c = choice ?? (await dormChoice(ctx));
  if (c.all.includes(name)) return true;
  await ctx.reply(unknownDormText(name, c, hint));
  return false;
}

/**
 * The dorm a leader's command is about: the first word when it names a dorm they lead (or any
 * dorm, for 综合部 or with `anyDorm`), otherwise their only dorm. A first word that looks like a dorm's name and is
 * none is answered as such. Answers the person itself when it cannot tell.
 */
export async function pickDorm(
  ctx: BotContext,
  args: string,
  example: string,
  o: { anyDorm?: boolean } = {},
): Promise<{ dorm: string; rest: string } | undefined> {
  const found = await dormChoice(ctx);
  // anyDorm: a command any leader may use on any dorm (卫生检查 of another leader's dorm, #20)
  const choice = o.anyDorm ? { ...found, manager: true } : found;
  const { all, led } = choice;
  const known = choice.manager ? all : led;
  // 「城南 宿舍」 is 城南宿舍; the lines of a one-message form (`月份: 2026-11`) are kept as they were typed
  const named = leadingName(all, args);
  const [first = ''] = args.trim().split(/\s+/);
  if (!named && first && looksLikeDormName(first, all)) {
    await dormExists(ctx, first, '', choice);
    return undefined;
  }
  if (named) {
    if (known.includes(named.name)) return { dorm: named.name, rest: named.rest };
    await ctx.reply(
      `你不是 ${named.name} 的队长${led.length ? `（你负责：${led.join('、')}）` : ''}。如需调整请联系行政部或综合部。`,
    );
    return undefined;
  }
  if (led.length === 1) return { dorm: led[0]!, rest: args.trim() };
  if (!led.length && !choice.manager) {
    await ctx.reply('你还不是任何宿舍的队长。请联系行政部或综合部用「设置宿舍队长」指定。');
    return undefined;
  }
  await ctx.reply(
    `请写明宿舍，例如：${example.replace(/^(\S+)/, `$1 ${led[0] ?? known[0] ?? '城南宿舍'}`)}（${(led.length ? led : known).slice(0, 10).join('、')}）`,
  );
  return undefined;
}

/** Shows `card` on every copy of a roll call's card that can be updated in place (not the one just clicked). */
export async function refreshRollCallCards(
  services: Services,
  rollCall: string,
  card: Card,
  except?: string,
): Promise<void> {
  const refs = await RollCallCard.find({ rollCall }).lean();
  const targets: CardRef[] = refs
    .filter((r) => r.messageId && r.messageId !== except)
    .map((r) => ({ channel: r.channel as Channel, userId: r.userId, messageId: r.messageId }));
  await updateCards(services, targets, card);
}
