import type { BotContext, StaffContext } from '../../src/core/context.ts';
import type { FieldResult, FormField } from '../../src/core/forms.ts';
import { isNoneWord } from '../../src/core/text.ts';
import {
  type ClientRef,
  canFollowUp,
  type DueFollowUp,
  dueFollowUpsOf,
  loadComplaint,
  parseComplaintNumber,
  parseSatisfied,
  recordFollowUp,
} from '../complaints/api.ts';
import type { ClientRecord } from './models.ts';
import { dayOf, endOfDay } from './rules.ts';

/*
 * III.3.1.10 in the owner's daily list: a phone follow-up (跟进) or a visit (拜访) with a client
 * whose complaint follow-up is due is that follow-up too. It is recorded on the complaint through
 * the complaint workflow's own step (recordFollowUp: its rule, once, who and when, and what counts
 * toward closing), so the list no longer shows it. Several due: the person names the complaint.
 */

const SATISFIED_HINT = '满意 / 不满意';

/** The two fields the call and visit forms get when the contact is also a complaint's follow-up. */
export const complaintFields: FormField[] = [
  {
    key: 'complaint',
    label: '投诉编号',
    placeholder: '这次也是投诉回访时填受理编号',
    // never asked: the command fills it with the complaint whose follow-up is due
    when: () => false,
    parse: (input): FieldResult => {
      if (isNoneWord(input)) return { ok: true, value: '' };
      const id = parseComplaintNumber(input);
      return id ? { ok: true, value: id } : { ok: false, error: '投诉编号形如 TS-20261127-003。' };
    },
  },
  {
    key: 'outcome',
    label: '投诉回访结果',
    prompt: `这次联系也是投诉回访（§3.1.10），计入投诉结案。客户对投诉处理满意吗？请回复 ${SATISFIED_HINT}（不算这次投诉回访请回复「跳过」）`,
    placeholder: SATISFIED_HINT,
    required: true,
    // 跳过 (an empty answer) still saves the call or visit; only the complaint's follow-up stays due
    when: (v) => Boolean(v.complaint),
    parse: (input): FieldResult => {
      if (isNoneWord(input)) return { ok: true, value: '' };
      const s = parseSatisfied(input);
      return s === undefined
        ? { ok: false, error: `投诉回访结果请填「满意」或「不满意」。` }
        : { ok: true, value: s ? '满意' : '不满意' };
    },
  },
];

const refOf = (c: Pick<ClientRecord, '_id' | 'name'>): ClientRef => ({ id: String(c._id), name: c.name });

function dueText(due: readonly DueFollowUp[]): string {
  return due.map((d) => `${d.complaintId}（第 ${d.seq} 次）`).join('、');
}

/** The client's complaint follow-ups due today or earlier. */
async function dueToday(ctx: BotContext, c: ClientRecord): Promise<DueFollowUp[]> {
  const tz = ctx.services.config.timezone;
  return dueFollowUpsOf(refOf(c), endOfDay(dayOf(ctx.services.now(), tz), tz));
}

export type ContactComplaint = { ok: true; lines: string[]; words: string[] } | { ok: false };

/**
 * Which complaint a 跟进 / 拜访 is the follow-up of: the number typed right after the client, else
 * the only one due. Several due and none named: asks which, and nothing starts. Returns the form
 * lines to prefill (投诉编号) and the words left after the number.
 */
export async function complaintForContact(
  ctx: BotContext,
  c: ClientRecord,
  words: string[],
  example: string,
): Promise<ContactComplaint> {
  const typed = words[0] ? parseComplaintNumber(words[0]) : undefined;
  const rest = typed ? words.slice(1) : words;
  const may = ctx.hasRole('customer_service');
  if (typed) {
    const k = await loadComplaint(typed);
    if (!k || (k.clientId ? k.clientId !== String(c._id) : k.clientName !== c.name)) {
      await ctx.reply(`${typed} 不是客户「${c.name}」的投诉，请检查编号。发送「客户 ${c.name}」查看它的未结投诉。`);
      return { ok: false };
    }
    const verdict = canFollowUp(k, (r) => ctx.hasRole(r));
    if (!verdict.ok) {
      await ctx.reply(`没有记录：${verdict.why}`);
      return { ok: false };
    }
    if (!(await dueToday(ctx, c)).some((d) => d.complaintId === typed)) {
      await ctx.reply(
        `投诉 ${typed} 的下一次回访还没到期。提前回访请发送「回访 ${typed} 满意/不满意 情况 提前原因: …」（§3.1.10）。`,
      );
      return { ok: false };
    }
    return { ok: true, lines: [`投诉编号: ${typed}`], words: rest };
  }
  const due = may ? await dueToday(ctx, c) : [];
  if (due.length > 1) {
    await ctx.reply(
      `客户「${c.name}」有 ${due.length} 件投诉回访到期：${dueText(due)}。这次联系是哪件的回访？请在客户名后写上编号，例如：\n${example.replace(c.name, `${c.name} ${due[0]!.complaintId}`)}`,
    );
    return { ok: false };
  }
  return { ok: true, lines: due.length ? [`投诉编号: ${due[0]!.complaintId}`] : [], words: rest };
}

/**
 * After the call or visit is saved: records it as the complaint's follow-up when the form says so,
 * and returns the lines for the reply (what was counted, or what is still due).
 */
export async function countComplaintFollowUp(
  ctx: StaffContext,
  c: ClientRecord,
  v: Record<string, string>,
  contact: { at: Date; day: string; note: string },
): Promise<{ lines: string[]; complaintId?: string; seq?: number }> {
  const tz = ctx.services.config.timezone;
  const due = await dueFollowUpsOf(refOf(c), endOfDay(contact.day, tz));
  const chosen = v.complaint ? due.find((d) => d.complaintId === v.complaint) : undefined;
  const others = due.filter((d) => d !== chosen);
  if (chosen && v.outcome) {
    const k = await loadComplaint(chosen.complaintId);
    // due by the contact's day, as the daily list shows it: §3.1.10 asks a reason only before the planned day
    const r =
      k && (await recordFollowUp(ctx, k, { outcome: v.outcome, note: contact.note, at: contact.at, seq: chosen.seq }));
    // refused or taken first by someone else: recordFollowUp has told the person why
    if (!r) return { lines: stillDue(ctx, others) };
    return {
      lines: [
        `已计入投诉 ${chosen.complaintId} 第 ${r.seq} 次回访（${v.outcome}）。${r.note}`,
        ...stillDue(ctx, others),
      ],
      complaintId: chosen.complaintId,
      seq: r.seq,
    };
  }
  const skipped = chosen ? [`没有计入投诉 ${chosen.complaintId} 的回访（没有填回访结果），它仍然到期。`] : [];
  return { lines: [...skipped, ...stillDue(ctx, others)] };
}

function stillDue(ctx: BotContext, due: readonly DueFollowUp[]): string[] {
  if (!due.length) return [];
  const how = ctx.hasRole('customer_service')
    ? '发送「回访 编号 满意/不满意 情况」记录，计入投诉结案'
    : '投诉回访须由客服部记录（§3.1.10）';
  return [`这个客户的投诉回访也到期了：${dueText(due)}。${how}。`];
}
