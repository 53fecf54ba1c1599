import type { Services, StaffContext } from '../../src/core/context.ts';
import { notify, type Recipient, recipientsOf, recipientsWithRole } from '../../src/core/notify.ts';
import { ROLE_LABELS } from '../../src/core/roles.ts';
import { maskPhonesIn } from '../../src/core/text.ts';
import type { Card, CardButton, Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { buttonsFor, nextButtons } from './card.ts';
import { fmt, mayseeClientPhone, phoneFor } from './common.ts';
import type { ComplaintRecord, Person } from './models.ts';
import { CATEGORY_SHORT, closingBlocker, complaintSubjects, nextFollowUp, VIEWERS } from './rules.ts';

/*
 * Issue #21: a step's confirmation, to the person who took it and to each person it is passed to,
 * fits a phone: what happened with the case number (the title), a line or two saying what comes
 * next and for whom, and the whole record one command (text channels) or one button (Lark) away.
 * The record itself is shown where it is asked for (投诉 <编号>, the 查看详情 button).
 */

/** Who reads a notice: what their channel shows and what their roles let them see. */
export interface Reader {
  /** Buttons are clicked (Lark), rather than answered with their number. */
  clickable: boolean;
  /** May open the whole record (投诉 <编号> is for VIEWERS). */
  viewer: boolean;
  /** The client's phone in full (客服部/人防部 in private); masked otherwise. */
  fullPhone: boolean;
}

export interface StepNotice {
  /** What happened, with the case number: 「调查已记录：TS-20261127-003」. */
  title: string;
  /** The client, phone, category and complaint in one line, for the person who acts next. */
  facts?: boolean;
  /** What comes next and for whom; at most two lines where the notice has buttons (five on a text channel). */
  lines: (string | false | undefined | null)[];
  /** What the reader may press next; 查看详情 is added for those who may read the record. */
  buttons?: CardButton[];
  /**
   * The lines for those told as `people` rather than as members of the department that acts next
   * (the case owner, the one who filed a 签呈): they are told what happens, not asked to do it, and
   * get no buttons to act.
   */
  forOthers?: StepNotice['lines'];
}

/** Longest 投诉缘由 a notice quotes; the rest is in the record. */
const REASON_CHARS = 30;

/**
 * `text` on one line, cut to `max` characters; never inside a number, whose cut-off head would no
 * longer read as a phone to mask.
 */
export function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  if (chars.length <= max) return chars.join('');
  const head = chars.slice(0, max).join('');
  return `${/\d/.test(chars[max]!) ? head.replace(/[\d\s()（）+-]+$/, '') : head}…`;
}

/** 「万达物业 13712345678｜一般性｜夜班队员在岗睡觉」, the phones masked unless the reader may see them. */
export function factsLine(c: ComplaintRecord, fullPhone: boolean): string {
  // masked before it is clipped, so no part of a number typed into the reason is left showing
  const reason = clip(fullPhone ? c.reason : maskPhonesIn(c.reason), REASON_CHARS);
  return `${c.clientName} ${phoneFor(c.clientPhone, fullPhone)}｜${CATEGORY_SHORT[c.category]}｜${reason}`;
}

/** A step's notice as `r` should see it. */
export function stepCard(c: ComplaintRecord, n: StepNotice, r: Reader): Card {
  const said = n.lines.filter((l): l is string => !!l);
  const lines = [...(n.facts ? [factsLine(c, r.fullPhone)] : []), ...(r.fullPhone ? said : said.map(maskPhonesIn))];
  const buttons = [...(n.buttons ?? [])];
  let note: string | undefined;
  if (r.viewer) {
    // among numbered buttons 查看详情 costs no line; alone it would cost two, the command one
    if (r.clickable || buttons.length)
      buttons.push({ label: '查看详情', action: 'complaints.show', value: { id: c._id } });
    else note = `发送「投诉 ${c._id}」查看完整记录`;
  }
  return {
    title: n.title,
    color: c.status === 'closed' ? 'grey' : c.overdueAt ? 'red' : 'blue',
    lines,
    buttons: buttons.length ? buttons : undefined,
    note,
  };
}

export function readerOf(ctx: StaffContext): Reader {
  return {
    clickable: ctx.can.clickableButtons,
    viewer: VIEWERS.some((r) => ctx.hasRole(r)),
    fullPhone: mayseeClientPhone(ctx),
  };
}

/**
 * The confirmation to the person who took the step, with the buttons for what they may do next
 * unless the notice names its own; `update` replaces the card they pressed (Lark) where there was one.
 */
export async function replyStep(
  ctx: StaffContext,
  c: ComplaintRecord,
  n: StepNotice,
  o: { update?: boolean } = {},
): Promise<void> {
  const card = stepCard(c, { ...n, buttons: n.buttons ?? buttonsFor(ctx, c) }, readerOf(ctx));
  if (o.update) await ctx.updateCard(card);
  else await ctx.reply(card);
}

/**
 * The short word a button's click gets back where the channel shows toasts (Lark); elsewhere, and
 * for a typed command, the step's card just sent says the same, so nothing more is sent.
 */
export async function clickToast(ctx: StaffContext, text: string): Promise<void> {
  if (ctx.can.toasts && ctx.action) await ctx.toast(text);
}

/** 「客服部 王客服、周客服」: the department(s) and the people a notice went to. */
export function who(roles: Role | Role[], names: readonly string[]): string {
  const dept = (Array.isArray(roles) ? roles : [roles]).map((r) => ROLE_LABELS[r]).join('、');
  if (!names.length) return `${dept}（没有已绑定的人，请当面转告）`;
  return `${dept} ${names.slice(0, 3).join('、')}${names.length > 3 ? ` 等 ${names.length} 人` : ''}`;
}

/** 「2026-11-30 10:00 前须告知客户结果」 (§3.1.3). */
export function dueLine(services: Pick<Services, 'config'>, c: Pick<ComplaintRecord, 'dueAt'>): string {
  return `${fmt(services, c.dueAt)} 前须告知客户结果`;
}

/** What the case waits for now and who does it, for a step that does not itself pass it on. */
export function waitingLine(services: Pick<Services, 'config'>, c: ComplaintRecord): string {
  const id = c._id;
  switch (c.status) {
    case 'unconfirmed':
      return `下一步：客服部确认受理（发送「确认投诉 ${id}」）。`;
    case 'registered':
      return `下一步：人防部调查（发送「调查 ${id}」），${dueLine(services, c)}。`;
    case 'investigated':
      return `下一步：客服部拟定处理（发送「处理投诉 ${id}」），${dueLine(services, c)}。`;
    case 'decided':
      if (c.approval?.status === 'pending') return `下一步：董事长核准处理（发送「核准处理 ${id}」）。`;
      if (c.appeal?.status === 'pending')
        return `下一步：行政部或董事长决定签呈（发送「签呈决定 ${id} 维持」或「改为 …」）。`;
      return `下一步：客服部在 ${fmt(services, c.dueAt)} 前告知客户结果（发送「告知结果 ${id}」）。`;
    case 'following_up': {
      const next = nextFollowUp(c.followUps);
      if (next)
        return `下一步：客服部第 ${next.seq} 次回访，计划 ${fmt(services, next.dueAt)}（发送「回访 ${id} 满意/不满意 情况」）。`;
      const blocker = closingBlocker(c);
      if (blocker === 'effect') return `下一步：客服部确认改善效果（发送「改善效果 ${id} 有效/无效」）。`;
      if (blocker === 'told') return `下一步：确认已告知客户受理（发送「已告知 ${id}」），即可结案。`;
      return `下一步：客服部决定再安排回访（发送「再次回访 ${id}」）或重开投诉。`;
    }
    default:
      return '投诉已结案。';
  }
}

/**
 * Who of `roles` (and `people`) a case's notice goes to: a department's members but not those the
 * case is about (#20: they may not act on it), nor `exceptStaffIds`; one entry per chat identity.
 */
async function recipientsFor(
  services: Services,
  c: ComplaintRecord,
  roles: Role[],
  o: { people?: Person[]; exceptStaffIds?: string[] },
): Promise<Recipient[]> {
  const byRole = roles.length
    ? await recipientsWithRole(services, roles, [...(o.exceptStaffIds ?? []), ...complaintSubjects(c)])
    : [];
  const extra = o.people?.length
    ? await recipientsOf(
        services,
        o.people.filter((p) => p.staffId).map((p) => ({ id: p.staffId, name: p.name })),
      )
    : [];
  const seen = new Set<string>();
  return [...byRole, ...extra].filter((r) => {
    const k = `${r.channel}:${r.userId}`;
    if (seen.has(k) || o.exceptStaffIds?.includes(r.staffId)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Sends a step's notice privately to everyone holding `roles` (and to `people`), with the buttons
 * `roles` may press unless the notice names its own; each reader sees it as their channel and roles
 * allow (the client's phone in full only to 客服部/人防部). Returns the names of the members of
 * `roles` it went to (of `people` when there are no roles).
 */
export async function notifyStep(
  services: Services,
  c: ComplaintRecord,
  roles: Role[],
  n: StepNotice,
  o: { people?: Person[]; exceptStaffIds?: string[] } = {},
): Promise<string[]> {
  const all = await recipientsFor(services, c, roles, o);
  if (!all.length) return [];
  const ids = [...new Set(all.map((r) => r.staffId))];
  const rolesOf = new Map(
    (await Staff.find({ _id: { $in: ids } }, { roles: 1 }).lean()).map((s) => [String(s._id), s.roles as Role[]]),
  );
  const buttons = n.buttons ?? nextButtons(c, (r) => roles.includes(r));
  const groups = new Map<string, { reader: Reader; member: boolean; to: Recipient[] }>();
  for (const r of all) {
    const held = rolesOf.get(r.staffId) ?? [];
    const reader: Reader = {
      clickable: services.outbox.capabilities(r.channel).clickableButtons,
      viewer: VIEWERS.some((v) => held.includes(v)),
      // every notice goes to a private chat
      fullPhone: held.includes('customer_service') || held.includes('guard_ops'),
    };
    const member = !roles.length || held.some((x) => roles.includes(x));
    const key = JSON.stringify({ ...reader, member });
    const g = groups.get(key) ?? { reader, member, to: [] };
    g.to.push(r);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const shown = g.member || !n.forOthers ? { ...n, buttons } : { ...n, lines: n.forOthers, buttons: [] };
    await notify(services, g.to, stepCard(c, shown, g.reader));
  }
  // 「下一步：人防部 …」 names the department's members; a notice to people only, those people
  const named = [...groups.values()].filter((g) => g.member).flatMap((g) => g.to);
  return [...new Set(named.map((r) => r.name))];
}

/**
 * Sends each recipient the card with the client's phone in full only when they are 客服部 or 人防部
 * themselves (every notification goes to a private chat); everyone else gets it masked.
 */
export async function notifyWithPhoneRights(
  services: Services,
  recipients: Recipient[],
  card: (fullPhone: boolean) => Card,
): Promise<number> {
  const ids = [...new Set(recipients.map((r) => r.staffId))];
  const allowed = new Set(
    (await Staff.find({ _id: { $in: ids }, roles: { $in: ['customer_service', 'guard_ops'] } }, { _id: 1 }).lean()).map(
      (s) => String(s._id),
    ),
  );
  const full = recipients.filter((r) => allowed.has(r.staffId));
  const masked = recipients.filter((r) => !allowed.has(r.staffId));
  const refs = [
    ...(full.length ? await notify(services, full, card(true)) : []),
    ...(masked.length ? await notify(services, masked, card(false)) : []),
  ];
  return refs.length;
}

/** §3.2 the card that passes a case to 人防部: the facts, the time limit, the 记录调查 button. */
export function toInvestigate(
  services: Pick<Services, 'config'>,
  c: ComplaintRecord,
  title = `新投诉待调查：${c._id}`,
  why = '',
): StepNotice {
  return {
    title,
    facts: true,
    lines: [`${why}请调查原因、确定责任队员和队长、提出改善对策（§3.2），${dueLine(services, c)}。`],
  };
}
