import { DateTime } from 'luxon';
import { parseRecordNumber } from '../../src/core/numbering.ts';
import { echo, findPhones, maskPhone, maskPhonesIn, phoneText } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';

/*
 * The rulebook's client rules (Ch.10 I–II, 客户管理制度) as pure functions named after their clause.
 * No I/O: handlers and the morning job read the records, ask these, then write.
 */

export const CLIENT_STATUSES = ['current', 'potential', 'lost'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** I.1.2 / I.2.9: current and potential clients are kept; a former one is archived as 已流失. */
export const STATUS_LABELS: Record<ClientStatus, string> = { current: '现有', potential: '潜在', lost: '已流失' };

export const STATUS_HINT = '状态请填：现有 / 潜在 / 已流失（也可回复 1 / 2 / 3）';

/** The words people use for a client's status. */
export function statusFromWords(text: string): ClientStatus | undefined {
  const t = text.replace(/\s+/g, '').replace(/客户$/, '');
  if (/^(1|现有|老|在合作|合作中|签约|current)$/i.test(t)) return 'current';
  if (/^(2|潜在|意向|未签约|potential)$/i.test(t)) return 'potential';
  if (/^(3|已流失|流失|前|解约|已解约|停止合作|lost)$/i.test(t)) return 'lost';
  return undefined;
}

// ── Who may do what ──

/** I.2.8: 客服部 keeps the client database (add, edit, import, archive). */
export const KEEPERS: Role[] = ['customer_service'];
/** Departments that read client records. */
export const CLIENT_VIEWERS: Role[] = ['customer_service', 'team_leader', 'guard_ops', 'admin', 'chairman'];
/** I.2.5 / I.2.7: follow-ups and visits are made by 客服部 and by the post's team leader. */
export const CONTACTERS: Role[] = ['customer_service', 'team_leader'];

/** The owner of a client's follow-ups: 客服部 or the post's team leader. */
export function mayOwn(roles: readonly Role[]): boolean {
  return roles.includes('customer_service') || roles.includes('team_leader');
}

export interface Viewer {
  isGroup: boolean;
  staffId?: string;
  has(role: Role): boolean;
}

/** Client phones in full only in a private chat, to 客服部 and to the client's own owner. */
export function maySeeClientPhones(viewer: Viewer, client: { owner?: { staffId?: string | null } | null }): boolean {
  if (viewer.isGroup) return false;
  if (viewer.has('customer_service')) return true;
  return Boolean(viewer.staffId && client.owner?.staffId && client.owner.staffId === viewer.staffId);
}

/** A client phone as this viewer may see it: in full, or masked (137****5678, 0571-****6666). */
export function showPhone(phone: string, full: boolean): string {
  if (!phone) return '';
  return full ? phone : maskPhone(phone);
}

// ── Contacts and posts as typed in one field ──

export interface Contact {
  name: string;
  title: string;
  phone: string;
}

export const CONTACTS_HINT =
  '联系人请写成「姓名 职务 电话」，多人用分号隔开，例如：张经理 物业经理 13812345678；李主管 0571-88886666';

/** `张经理 物业经理 13812345678；李主管 0571-88886666` → contacts, or the first problem. */
export function parseContacts(text: string): { ok: true; contacts: Contact[] } | { ok: false; error: string } {
  const parts = text
    .split(/[;；,，\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 10) return { ok: false, error: '联系人最多 10 位，请只留常联系的人。' };
  const contacts: Contact[] = [];
  for (const part of parts) {
    // a phone typed in groups (137 0000 3333, (0755)8888 6666) is one phone, not words of the title
    const hit = findPhones(part).find((p) => p.kind !== 'service');
    const phone = hit ? phoneText(hit) : '';
    const rest = hit ? `${part.slice(0, hit.start)} ${part.slice(hit.end)}` : part;
    const words: string[] = [];
    for (const tok of rest.split(/\s+/).filter(Boolean)) {
      if (/\d{5,}/.test(tok))
        return { ok: false, error: `「${echo(part)}」里的电话「${echo(tok)}」不对：请填 11 位手机号或带区号的座机。` };
      words.push(tok);
    }
    const [name = '', ...title] = words;
    if (!name) return { ok: false, error: `「${echo(part)}」缺少联系人姓名。${CONTACTS_HINT}` };
    if (name.length > 20 || title.join(' ').length > 20)
      return { ok: false, error: `「${echo(part)}」太长：姓名和职务各不超过 20 字。` };
    contacts.push({ name, title: title.join(' '), phone });
  }
  return { ok: true, contacts };
}

export function formatContacts(contacts: readonly Contact[], fullPhone: boolean): string {
  return contacts.map((c) => [c.name, c.title, showPhone(c.phone, fullPhone)].filter(Boolean).join(' ')).join('；');
}

/** 驻点 names separated by 、，; or spaces. */
export function parsePosts(text: string): { ok: true; posts: string[] } | { ok: false; error: string } {
  const posts = [
    ...new Set(
      text
        .split(/[、,，;；\s]+/)
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  const long = posts.find((p) => p.length > 40);
  return long ? { ok: false, error: `驻点名称「${echo(long)}」太长（最多 40 字）。` } : { ok: true, posts };
}

// ── I.1.1 every change kept: who, when, old → new ──

export interface ClientFields {
  name: string;
  address: string;
  phone: string;
  contacts: Contact[];
  posts: string[];
  status: ClientStatus;
  owner: { staffId: string; name: string } | null;
  notes: string;
  callDays: number | null;
  visitDays: number | null;
}
export type ClientField = keyof ClientFields;

export const FIELD_LABELS: Record<ClientField, string> = {
  name: '客户名称',
  address: '地址',
  phone: '电话',
  contacts: '联系人',
  posts: '驻点',
  status: '状态',
  owner: '负责人',
  notes: '备注',
  callDays: '电话回访周期',
  visitDays: '拜访周期',
};

/** Fields whose old and new values hold client phone numbers: masked wherever phones are. */
export const PHONE_FIELDS: readonly ClientField[] = ['phone', 'contacts'];

export interface Change {
  field: ClientField;
  from: string;
  to: string;
}

/** How a field is written in the change history (phones in full: masking happens when shown). */
export function fieldText(field: ClientField, v: ClientFields[ClientField] | undefined): string {
  if (v === null || v === undefined) return field === 'callDays' || field === 'visitDays' ? '按状态默认' : '';
  if (field === 'contacts') return formatContacts(v as Contact[], true);
  if (field === 'posts') return (v as string[]).join('、');
  if (field === 'status') return STATUS_LABELS[v as ClientStatus];
  if (field === 'owner') return (v as { name: string }).name;
  if (field === 'callDays' || field === 'visitDays') return v === 0 ? '不安排' : `${v as number} 天`;
  return String(v);
}

/** The fields `next` changes compared with `before`, in form order; untouched fields are absent from next. */
export function diffClient(before: Partial<ClientFields>, next: Partial<ClientFields>): Change[] {
  const out: Change[] = [];
  for (const field of Object.keys(FIELD_LABELS) as ClientField[]) {
    if (!(field in next)) continue;
    const from = fieldText(field, before[field]);
    const to = fieldText(field, next[field]);
    const ownerSame = field === 'owner' && (before.owner?.staffId ?? '') === (next.owner?.staffId ?? '');
    if (field === 'owner' ? !ownerSame : from !== to) out.push({ field, from, to });
  }
  return out;
}

/** A change line as shown on the client card: `电话：137****0001 → 137****0002`. */
export function changeText(c: Change, fullPhone: boolean): string {
  const show = (v: string) => (!v ? '（空）' : PHONE_FIELDS.includes(c.field) && !fullPhone ? maskPhonesIn(v) : v);
  return `${FIELD_LABELS[c.field]}：${show(c.from)} → ${show(c.to)}`;
}

// ── Due dates as typed (a promise's day; past dates such as a visit's use core resolveDate) ──

/**
 * 2026-12-05 / 2026/12/5 / 12-05 / 12月5日(前) / 今天 / 明天 / 后天 / 3天后 / 3天内 → yyyy-LL-dd in the
 * bot's zone. A month-day without a year is its next occurrence: in December, 1月5日 is next year's.
 */
export function parseDueDay(text: string, now: Date, tz: string): string | undefined {
  const t = text.replace(/\s+/g, '');
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  const rel: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2 };
  if (t in rel) return today.plus({ days: rel[t] }).toISODate()!;
  let m = /^(\d{1,3})天(后|内|之内|以内)$/.exec(t);
  if (m) return today.plus({ days: Number(m[1]) }).toISODate()!;
  m = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})[日号]?(前|之前|以前)?$/.exec(t);
  if (m) {
    const dt = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: tz });
    return dt.isValid ? dt.toISODate()! : undefined;
  }
  m = /^(\d{1,2})[-./月](\d{1,2})[日号]?(前|之前|以前)?$/.exec(t);
  if (!m) return undefined;
  let dt = DateTime.fromObject({ year: today.year, month: Number(m[1]), day: Number(m[2]) }, { zone: tz });
  if (!dt.isValid) return undefined;
  if (dt < today) dt = dt.plus({ years: 1 });
  return dt.isValid ? dt.toISODate()! : undefined;
}

/** The end of a day, as the instant a promise or follow-up on that day is due by. */
export function endOfDay(day: string, tz: string): Date {
  return DateTime.fromISO(day, { zone: tz }).endOf('day').toJSDate();
}

export function dayOf(at: Date, tz: string): string {
  return DateTime.fromJSDate(at, { zone: tz }).toISODate()!;
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day).plus({ days }).toISODate()!;
}

export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round(DateTime.fromISO(toDay).diff(DateTime.fromISO(fromDay), 'days').days);
}

// ── II.7 promises made to the client ──

export interface PromiseItem {
  text: string;
  dueDay: string;
}

export const PROMISE_HINT = '承诺事项每行一条，末尾写截止日期，例如：送新排班表 12月5日；培训新队员 2026-12-20';

const DAY_IN_TEXT =
  /\d{4}[-./年]\d{1,2}[-./月]\d{1,2}[日号]?(?:之前|以前|前)?|\d{1,2}(?:[-./]\d{1,2}|月\d{1,2}[日号]?)(?:之前|以前|前)?|今天|明天|后天|\d{1,3}天(?:之内|以内|后|内)/g;

/** II.7: each promise with its due day; a missing or past day is refused so nothing goes untracked. */
export function parsePromises(
  text: string,
  now: Date,
  tz: string,
): { ok: true; items: PromiseItem[] } | { ok: false; error: string } {
  const lines = text
    .split(/[;；\n]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 10) return { ok: false, error: '一次最多记录 10 条承诺。' };
  const items: PromiseItem[] = [];
  const today = dayOf(now, tz);
  for (const line of lines) {
    const found = [...line.matchAll(DAY_IN_TEXT)].at(-1);
    const day = found ? parseDueDay(found[0], now, tz) : undefined;
    const what = found
      ? (line.slice(0, found.index) + line.slice(found.index! + found[0].length))
          .replace(/(截止日期|截止|期限|到期|完成)?[\s,，:：]*$/, '')
          .replace(/^[\s,，:：]+/, '')
          .trim()
      : '';
    if (!day || !what)
      return { ok: false, error: `承诺「${echo(line)}」缺少${what || !found ? '截止日期' : '内容'}。${PROMISE_HINT}` };
    if (day < today)
      return { ok: false, error: `承诺「${echo(what)}」的截止日期 ${day} 已经过去了，请写今天或以后的日期。` };
    if (what.length > 100) return { ok: false, error: `承诺「${what.slice(0, 20)}…」太长（最多 100 字）。` };
    items.push({ text: what, dueDay: day });
  }
  return { ok: true, items };
}

/** II.7: an open promise is in the owner's list from `leadDays` before its day until marked done. */
export function promiseInList(dueDay: string, now: Date, tz: string, leadDays: number): boolean {
  return addDays(dayOf(now, tz), leadDays) >= dueDay;
}

/** A 承诺 number as people type it: CN-20261127-003, cn20261127003, 20261127-3 (src/core/numbering.ts). */
export function parsePromiseNumber(text: string): string | undefined {
  return parseRecordNumber('CN', text)?.number;
}

/** `08:30` → node-cron `30 8 * * *`. */
export function dailyCron(hhmm: string): string | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
  return m ? `${Number(m[2])} ${Number(m[1])} * * *` : undefined;
}
