import { formatDate, formatDateTime } from '../../src/core/numbering.ts';
import { maskPhonesIn } from '../../src/core/text.ts';
import type { Card, CardButton, Role } from '../../src/core/types.ts';
import { type CadenceDefaults, type ContactKind, cadenceFor, dueState, KIND_LABELS, nextDue } from './cadence-rules.ts';
import type { ClientLogRecord, ClientRecord, PromiseRecord } from './models.ts';
import { type Change, changeText, formatContacts, STATUS_LABELS, showPhone } from './rules.ts';

/*
 * The client card (客户档案) and list lines, built from records already read. Phones are shown in
 * full only when the caller says the viewer may see them (rules.maySeeClientPhones); otherwise every
 * phone on the card is masked, wherever in the record it was typed.
 */

/** What a card shows of a contact log or a promise: the stored record's fields, read with `.lean()`. */
export type LogView = Pick<
  ClientLogRecord,
  | 'kind'
  | 'day'
  | 'reached'
  | 'reachedTitle'
  | 'content'
  | 'purpose'
  | 'needs'
  | 'problems'
  | 'help'
  | 'objections'
  | 'competitors'
  | 'prospects'
  | 'promises'
> & {
  by: { name: string };
  photos?: string[];
  complaintId?: string | null;
  complaintSeq?: number | null;
};
export type PromiseView = Pick<PromiseRecord, '_id' | 'text' | 'dueDay'> & {
  owner: { name: string };
  clientName?: string;
};

export interface ComplaintView {
  _id: string;
  status: string;
  label: string;
}

export interface ClientCardData {
  complaints: ComplaintView[];
  logs: LogView[];
  promises: PromiseView[];
}

export interface ClientCardOptions {
  fullPhone: boolean;
  tz: string;
  now: Date;
  cadence: CadenceDefaults;
  title?: string;
  note?: string;
  buttons?: CardButton[];
  /** Change entries shown (newest first). */
  changes?: number;
}

/** When each kind is due, as a card line: 电话回访每 30 天（下次 2026-12-20）. */
export function planLine(c: ClientRecord, o: Pick<ClientCardOptions, 'cadence' | 'tz' | 'now'>): string {
  const cad = cadenceFor(c, o.cadence);
  const due = nextDue(c, o.cadence, o.tz);
  const part = (kind: ContactKind, days: number) => {
    const day = due[kind];
    if (!days || !day) return `${KIND_LABELS[kind]}不安排`;
    const s = dueState(day, o.now, o.tz);
    const when =
      s.state === 'overdue' ? `${day} 到期，已逾期 ${s.days} 天` : s.state === 'due' ? '今天到期' : `下次 ${day}`;
    return `${KIND_LABELS[kind]}每 ${days} 天（${when}）`;
  };
  return `跟进计划：${part('call', cad.callDays)}；${part('visit', cad.visitDays)}`;
}

export function logLine(l: LogView): string {
  return logText(l) + (l.complaintId ? `（计入投诉 ${l.complaintId} 第 ${l.complaintSeq ?? 1} 次回访）` : '');
}

function logText(l: LogView): string {
  if (l.kind === 'call')
    return `${l.day} 电话回访（${l.by.name}）：${l.reached ? `联系 ${l.reached}，` : ''}${l.content}`;
  const parts = [
    l.purpose && `目的：${l.purpose}`,
    l.reached && `接待：${l.reached}${l.reachedTitle ? `（${l.reachedTitle}）` : ''}`,
    l.needs && `需求：${l.needs}`,
    l.problems && `问题：${l.problems}`,
    l.help && `指导/培训：${l.help}`,
    l.objections && `异议及处理：${l.objections}`,
    l.competitors && `竞争对手：${l.competitors}`,
    l.prospects && `潜在客户：${l.prospects}`,
    l.promises && `承诺：${l.promises}`,
    l.photos?.length ? `照片 ${l.photos.length} 张` : '',
  ].filter(Boolean);
  return `${l.day} 拜访（${l.by.name}）：${parts.join('；')}`;
}

export function promiseLine(p: PromiseView, now: Date, tz: string): string {
  const s = dueState(p.dueDay, now, tz);
  const when = s.state === 'overdue' ? `已逾期 ${s.days} 天` : s.state === 'due' ? '今天到期' : `${p.dueDay} 前`;
  return `${p._id} ${p.clientName ? `${p.clientName}：` : ''}${p.text}（${when}，${p.owner.name}）`;
}

/** The 客户档案 with everything the issue asks the card to show. */
export function clientCard(c: ClientRecord, data: ClientCardData, o: ClientCardOptions): Card {
  const lines = [
    `状态：${STATUS_LABELS[c.status]}　负责人：${c.owner?.name || '未指定'}`,
    `地址：${c.address || '未填'}`,
    `电话：${showPhone(c.phone, o.fullPhone) || '未填'}`,
    `联系人：${formatContacts(c.contacts, o.fullPhone) || '未填'}`,
    `驻点：${c.posts.join('、') || '无'}`,
  ];
  if (c.status !== 'lost') lines.push(planLine(c, o));
  if (c.notes) lines.push(`备注：${c.notes}`);
  lines.push(
    data.complaints.length
      ? `【未结投诉】${data.complaints.map((x) => `${x._id}（${x.label}）`).join('；')}`
      : '【未结投诉】无',
  );
  lines.push(data.promises.length ? '【未完成的承诺】' : '【未完成的承诺】无');
  for (const p of data.promises) lines.push(`• ${promiseLine(p, o.now, o.tz)}`);
  lines.push(data.logs.length ? '【回访和拜访记录】' : '【回访和拜访记录】还没有');
  for (const l of data.logs) lines.push(`• ${logLine(l)}`);
  const shown = (o.changes ?? 5) > 0 ? c.changes.slice(-(o.changes ?? 5)).reverse() : [];
  if (shown.length) {
    lines.push(`【修改记录】（共 ${c.changes.length} 条，最近的在前）`);
    for (const ch of shown) {
      // the first entry made the record: it lists its values; a later one shows old → new
      const created = ch === c.changes[0];
      const fields = ch.fields
        .map((f) =>
          created
            ? changeText(f as Change, o.fullPhone).replace(/：（空） → /, '：')
            : changeText(f as Change, o.fullPhone),
        )
        .join('；');
      lines.push(`• ${formatDateTime(new Date(ch.at), o.tz)} ${ch.by.name} ${ch.action}${fields ? `：${fields}` : ''}`);
    }
  }
  return {
    title: o.title ?? `客户档案：${c.name}`,
    color: c.status === 'lost' ? 'grey' : 'blue',
    // a phone written into an address, a note, a title or a visit report is still a client's phone
    lines: o.fullPhone ? lines : lines.map(maskPhonesIn),
    buttons: o.buttons?.length ? o.buttons : undefined,
    note: o.note,
  };
}

/** What the viewer may do from the card. */
export function clientButtons(c: ClientRecord, has: (r: Role) => boolean): CardButton[] {
  const v = { id: String(c._id) };
  const out: CardButton[] = [];
  if (c.status !== 'lost' && (has('customer_service') || has('team_leader'))) {
    out.push({ label: '记录电话回访', action: 'clients.call', value: v, style: 'primary' });
    out.push({ label: '记录拜访', action: 'clients.visit', value: v });
  }
  if (has('customer_service')) out.push({ label: '修改档案', action: 'clients.edit', value: v });
  return out;
}

/** One line per client in lists: name, status, owner, last contact. */
export function clientListLine(c: ClientRecord, tz: string): string {
  const last = [c.lastCallAt, c.lastVisitAt]
    .filter((d): d is Date => Boolean(d))
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return `• ${c.name}｜${STATUS_LABELS[c.status]}｜${c.owner?.name || '无负责人'}｜${last ? `最近联系 ${formatDate(new Date(last), tz)}` : '未联系过'}`;
}
