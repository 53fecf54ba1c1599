import type { BotContext } from '../../src/core/context.ts';
import { formatDate } from '../../src/core/numbering.ts';
import type { Card, CardButton } from '../../src/core/types.ts';
import { plannedFollowUps } from '../complaints/api.ts';
import {
  type ContactKind,
  type DueState,
  dueState,
  escalationKey,
  KIND_LABELS,
  nextDue,
  promiseEscalationKey,
  shouldEscalate,
} from './cadence-rules.ts';
import { type PromiseView, promiseLine } from './cards.ts';
import { Client, ClientPromise, type ClientRecord, type PromiseRecord } from './models.ts';
import { dayOf, promiseInList } from './rules.ts';
import type { ClientSettings } from './settings.ts';
import type { Person } from './store.ts';

/*
 * The owner's daily list (I.2.5 / I.2.7, II.7, III.3.1.10): due and overdue phone follow-ups and
 * visits, open promises, and the complaint workflow's planned follow-ups, gathered per owner in
 * one pass. Read only: the morning job sends it, 今日跟进 shows one person theirs.
 */

export interface FollowItem {
  clientId: string;
  clientName: string;
  kind: ContactKind;
  dueDay: string;
  state: DueState;
}

export interface ComplaintFollowItem {
  complaintId: string;
  clientName: string;
  seq: number;
  dueDay: string;
}

export interface OwnerList {
  /** null: clients nobody owns, for the customer-service head to hand out. */
  owner: Person | null;
  follow: FollowItem[];
  promises: (PromiseView & { state: DueState })[];
  complaints: ComplaintFollowItem[];
}

export interface Escalation {
  /** takeOnce key: an overdue item escalates once. */
  key: string;
  line: string;
}

export interface Digest {
  today: string;
  lists: OwnerList[];
  escalations: Escalation[];
}

/** Everything due today or overdue, per owner, and what is overdue enough to escalate. */
export async function collectDigest(now: Date, tz: string, s: ClientSettings): Promise<Digest> {
  const today = dayOf(now, tz);
  const lists = new Map<string, OwnerList>();
  const listOf = (owner: Person | null | undefined): OwnerList => {
    const key = owner?.staffId || '';
    let l = lists.get(key);
    if (!l) {
      l = { owner: key ? owner! : null, follow: [], promises: [], complaints: [] };
      lists.set(key, l);
    }
    return l;
  };
  const escalations: Escalation[] = [];

  const clients = await Client.find({ status: { $in: ['current', 'potential'] } }, { changes: 0, searchText: 0 }).lean<
    ClientRecord[]
  >();
  const ownerById = new Map<string, Person | null>();
  const ownerByName = new Map<string, Person | null>();
  for (const c of clients) {
    ownerById.set(String(c._id), c.owner?.staffId ? c.owner : null);
    ownerByName.set(c.name, c.owner?.staffId ? c.owner : null);
    const due = nextDue({ ...c, lastCallAt: c.lastCallAt ?? null, lastVisitAt: c.lastVisitAt ?? null }, s.cadence, tz);
    for (const kind of ['call', 'visit'] as const) {
      const dueDay = due[kind];
      if (!dueDay) continue;
      const state = dueState(dueDay, now, tz);
      if (state.state === 'upcoming') continue;
      const id = String(c._id);
      listOf(c.owner).follow.push({ clientId: id, clientName: c.name, kind, dueDay, state });
      if (shouldEscalate(state, s.escalateAfterDays)) {
        escalations.push({
          key: escalationKey(id, kind, dueDay),
          line: `${c.name} ${KIND_LABELS[kind]}已逾期 ${(state as { days: number }).days} 天（${dueDay} 到期，负责人 ${c.owner?.name || '未指定'}）`,
        });
      }
    }
  }

  const promises = await ClientPromise.find({ status: 'open' }).sort({ dueDay: 1 }).lean<PromiseRecord[]>();
  for (const p of promises) {
    if (!promiseInList(p.dueDay, now, tz, s.promiseLeadDays)) continue;
    const state = dueState(p.dueDay, now, tz);
    listOf(p.owner as Person).promises.push({ ...p, state });
    if (shouldEscalate(state, s.escalateAfterDays)) {
      escalations.push({ key: promiseEscalationKey(p._id), line: `承诺 ${promiseLine(p, now, tz)}` });
    }
  }

  // III.3.1.10: read from the complaint records; the complaint workflow logs and closes them
  for (const f of await plannedFollowUps()) {
    if (dayOf(f.dueAt, tz) > today) continue;
    // older complaints know their client by name only
    const owner = (f.clientId ? ownerById.get(f.clientId) : undefined) ?? ownerByName.get(f.clientName) ?? f.acceptedBy;
    listOf(owner).complaints.push({
      complaintId: f.complaintId,
      clientName: f.clientName,
      seq: f.seq,
      dueDay: dayOf(f.dueAt, tz),
    });
  }

  const byDue = (a: FollowItem, b: FollowItem) =>
    a.dueDay.localeCompare(b.dueDay) || a.clientName.localeCompare(b.clientName, 'zh');
  for (const l of lists.values()) l.follow.sort(byDue);
  return { today, lists: [...lists.values()], escalations };
}

function stateText(s: DueState): string {
  return s.state === 'overdue' ? `已逾期 ${s.days} 天` : s.state === 'due' ? '今天到期' : '即将到期';
}

/** One owner's list as one card; promise buttons mark them done. */
export function digestCard(l: OwnerList, today: string, tz: string, now: Date): Card {
  const lines: string[] = [];
  if (l.follow.length) {
    lines.push('【回访和拜访】');
    for (const f of l.follow) lines.push(`• ${f.clientName} ${KIND_LABELS[f.kind]}：${stateText(f.state)}`);
  }
  if (l.promises.length) {
    lines.push('【对客户的承诺】');
    for (const p of l.promises) lines.push(`• ${promiseLine(p, now, tz)}`);
  }
  if (l.complaints.length) {
    lines.push('【投诉回访（§3.1.10）】');
    for (const c of l.complaints)
      lines.push(
        `• ${c.complaintId} ${c.clientName} 第 ${c.seq} 次回访：${c.dueDay === today ? '今天到期' : `${c.dueDay} 到期，已逾期`}`,
      );
  }
  const buttons: CardButton[] = l.promises
    .slice(0, 5)
    .map((p) => ({ label: `完成 ${p._id}`, action: 'clients.promiseDone', value: { id: p._id } }));
  return {
    title: l.owner ? `今日客户跟进（${today}）` : `没有负责人的客户跟进（${today}）`,
    color:
      l.follow.some((f) => f.state.state === 'overdue') || l.promises.some((p) => p.state.state === 'overdue')
        ? 'orange'
        : 'blue',
    lines,
    buttons: buttons.length ? buttons : undefined,
    note: [
      '电话后发送「跟进 客户名 联系人 内容」，拜访后发送「拜访 客户名」',
      l.promises.length ? '承诺兑现后发送「承诺完成 编号」' : '',
      l.complaints.length
        ? '投诉回访：客服部电话后发送「跟进 客户名 联系人 满意/不满意 情况」即同时计入，或「回访 编号 满意/不满意 情况」'
        : '',
      l.owner ? '' : '请用「修改客户 名称」指定负责人',
    ]
      .filter(Boolean)
      .join('；'),
  };
}

export function isEmpty(l: OwnerList): boolean {
  return !l.follow.length && !l.promises.length && !l.complaints.length;
}

/** 今日跟进: the sender's own list, now. */
export async function myDueList(ctx: BotContext, settings: ClientSettings): Promise<void> {
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  const digest = await collectDigest(now, tz, settings);
  const mine = digest.lists.find((l) => l.owner?.staffId && l.owner.staffId === ctx.sender?.staffId);
  if (!mine || isEmpty(mine)) {
    await ctx.reply(`今天（${formatDate(now, tz)}）没有到期的客户跟进。发送「巡回访问 我的」看看哪些客户最久没联系。`);
    return;
  }
  await ctx.reply(digestCard(mine, digest.today, tz, now));
}
