import { DateTime } from 'luxon';
import { actor } from '../../src/core/audit.ts';
import { trailOf } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { resolveDate } from '../../src/core/dates.ts';
import { type FieldResult, type FormDefinition, freeText } from '../../src/core/forms.ts';
import { dailyNumber, formatDateTime } from '../../src/core/numbering.ts';
import { echo, normalizeText, parsePhoneNumber } from '../../src/core/text.ts';
import { acceptedAtOnce } from './acceptance-rules.ts';
import { clientsOf } from './client-directory.ts';
import { has, loadComplaint } from './common.ts';
import { complaintDue } from './due.ts';
import { Complaint, ComplaintSetting } from './models.ts';
import { dueLine, notifyStep, replyStep, toInvestigate, who } from './notice.ts';
import {
  CATEGORY_HINT,
  CATEGORY_LABELS,
  CATEGORY_SHORT,
  categoryFromWords,
  deadlinesFor,
  nextCheckAt,
  REGISTRARS,
} from './rules.ts';
import { complaintSettings } from './settings.ts';

/** 投诉类型 when the admin has not set a list (设置投诉类型). */
export const DEFAULT_TYPES = ['队员行为不当', '脱岗睡岗', '服务态度', '安全事件', '其他'];
const TYPES_KEY = 'complaint.types';

export async function complaintTypes(): Promise<string[]> {
  const doc = await ComplaintSetting.findById(TYPES_KEY).lean();
  return doc?.values.length ? doc.values : DEFAULT_TYPES;
}

/** 投诉类型 from the admin's list: its number, its name, or a unique part of it. */
export async function parseComplaintType(input: string): Promise<FieldResult> {
  const types = await complaintTypes();
  const t = input.trim();
  const byNumber = /^\d{1,2}$/.test(t) ? types[Number(t) - 1] : undefined;
  const found =
    byNumber ??
    types.find((x) => x === t) ??
    (types.filter((x) => x.includes(t) || t.includes(x)).length === 1
      ? types.find((x) => x.includes(t) || t.includes(x))
      : undefined);
  if (found) return { ok: true, value: found };
  return {
    ok: false,
    error: `投诉类型「${echo(t)}」不在列表中，请从这些里选（可回复序号）：${types.map((x, i) => `${i + 1}.${x}`).join(' ')}`,
  };
}

function parseCategory(input: string): FieldResult {
  const c = categoryFromWords(input);
  return c
    ? { ok: true, value: CATEGORY_LABELS[c] }
    : { ok: false, error: `分类「${echo(input)}」不认识。${CATEGORY_HINT}` };
}

function parsePhone(input: string): FieldResult {
  const p = parsePhoneNumber(input);
  return p
    ? { ok: true, value: p }
    : { ok: false, error: '电话号码不对：请填 11 位手机号，或带区号的座机（如 0571-88886666）。' };
}

/** How far back a complaint may be registered after the fact (补登). */
const LATE_DAYS = 90;

/**
 * 受理日期 as typed: a date (2026-11-25, 11-25, 昨天) with an optional time (14:30); not in the
 * future, not more than LATE_DAYS back. Kept as an ISO instant; a bare date means the start of that day.
 */
export function parseAcceptedOn(input: string, now: Date, tz: string): FieldResult {
  const m = /^(.+?)(?:\s+(\d{1,2})[:：](\d{2}))?$/.exec(input.trim());
  const day = m && resolveDate(m[1]!, now, tz);
  const hour = m?.[2] === undefined ? 0 : Number(m[2]);
  const minute = m?.[3] === undefined ? 0 : Number(m[3]);
  if (!day || hour > 23 || minute > 59)
    return { ok: false, error: '受理日期请写成 2026-11-25 或 11-25 14:30（客户投诉的日期和时间）。' };
  const at = DateTime.fromISO(day, { zone: tz }).set({ hour, minute });
  if (at.toJSDate() > now)
    return { ok: false, error: `受理日期 ${at.toFormat('yyyy-MM-dd HH:mm')} 晚于现在，请核对。` };
  if (at < DateTime.fromJSDate(now, { zone: tz }).minus({ days: LATE_DAYS }))
    return { ok: false, error: `受理日期不能早于 ${LATE_DAYS} 天前，请核对。` };
  return { ok: true, value: at.toISO()! };
}

/** A free-text answer, stored as typed. */
const text = (max: number, label: string) => freeText(label, max);

export const registerForm: FormDefinition = {
  name: 'complaints.register',
  oneMessage: 'apply',
  title: '客户投诉登记表',
  fields: [
    { key: 'clientName', label: '投诉客户名称', required: true, parse: text(60, '客户名称') },
    {
      key: 'clientAddress',
      label: '客户地址',
      prompt: '请输入客户地址（已登记的客户跳过即可，自动从档案带出）',
      placeholder: '已登记的客户可留空',
      parse: text(120, '地址'),
    },
    {
      key: 'clientPhone',
      label: '电话',
      sensitive: true,
      prompt: '请输入客户电话（已登记的客户跳过即可，自动从档案带出）',
      placeholder: '手机或座机；已登记的客户可留空',
      parse: parsePhone,
    },
    { key: 'reason', label: '投诉缘由', required: true, parse: text(500, '投诉缘由') },
    { key: 'demand', label: '客户要求', required: true, parse: text(300, '客户要求') },
    {
      key: 'category',
      label: '分类',
      required: true,
      prompt: `请输入分类：一般性 / 扣服务费 / 非正当理由（可回复 1 / 2 / 3）`,
      placeholder: '一般性 / 扣服务费 / 非正当理由',
      parse: parseCategory,
    },
    {
      key: 'type',
      label: '投诉类型',
      required: true,
      prompt: '请输入投诉类型（发送「投诉类型」可查看列表，可回复序号）',
      placeholder: DEFAULT_TYPES.join(' / '),
      parse: parseComplaintType,
    },
    { key: 'remark', label: '备注', parse: text(300, '备注') },
    {
      key: 'acceptedOn',
      label: '受理日期',
      placeholder: '今天受理的留空；补登写客户投诉的日期，如 11-25 14:30',
      // only for registrations made after the fact: typed as a line (受理日期: 11-25) or on the card, never asked
      when: () => false,
      parse: (i, ctx) => parseAcceptedOn(i, ctx.services.now(), ctx.services.config.timezone),
      // kept as an ISO instant, shown as typed (2026-12-04 09:00), which parseAcceptedOn reads back
      show: (iso, ctx) => DateTime.fromISO(iso, { zone: ctx.services.config.timezone }).toFormat('yyyy-MM-dd HH:mm'),
    },
  ],
  allow: REGISTRARS,
  // §4.1: a client already on record brings its phone; a new one must leave a number
  async validate(ctx, values): Promise<Record<string, string>> {
    if (values.clientPhone) return {};
    const client = await clientsOf(ctx.services).byName(values.clientName ?? '');
    return client?.phone ? {} : { clientPhone: '这是新客户，请填写客户电话（手机或带区号的座机）。' };
  },
  submit: submitRegistration,
};

/** Runs once with every field valid: fills the client from the records, numbers and saves. */
export async function submitRegistration(ctx: StaffContext, values: Record<string, string>): Promise<void> {
  const now = ctx.services.now();
  const clients = clientsOf(ctx.services);
  const client = await clients.byName(values.clientName!);
  // a typed address or phone always wins; the record fills only what was left empty
  const address = values.clientAddress || client?.address || '';
  const phone = values.clientPhone || client?.phone || '';
  const category = categoryFromWords(values.category!)!;
  const acceptedAt = values.acceptedOn ? new Date(values.acceptedOn) : now;
  const late = acceptedAt.getTime() < now.getTime() - 60_000;
  // §4.1: 客服部 accepts; anyone else's registration waits for its confirmation and runs no clock
  const accepted = acceptedAtOnce(has(ctx));
  const { dueAt } = deadlinesFor(
    acceptedAt,
    category,
    complaintSettings.of(ctx.services.config).limitHours,
    complaintSettings.of(ctx.services.config).remindBeforeHours,
  );
  const id = await dailyNumber('TS', now, ctx.services.config.timezone);
  const by = actor(ctx);
  // the client record is the clients workflow's (客户档案, Ch.10 I.2.8): its history says where it came from
  const record =
    client ??
    (await clients.create({ name: values.clientName!, address, phone }, by, `登记投诉 ${id} 时建立`, now)) ??
    (await clients.byName(values.clientName!));
  const doc = {
    _id: id,
    version: 0,
    status: accepted ? ('registered' as const) : ('unconfirmed' as const),
    clientName: record?.name ?? values.clientName!,
    clientId: record?.id ?? '',
    clientAddress: address,
    clientPhone: phone,
    reason: values.reason!,
    demand: values.demand!,
    category,
    type: values.type!,
    acceptedBy: by,
    acceptedAt,
    registeredAt: now,
    registeredBy: by,
    reportedAt: accepted ? null : acceptedAt,
    remark: values.remark ?? '',
    dueAt,
    // §4.2: the registrant tells the client at once; the owners hear of it if that is not on record in time
    ackDueAt: new Date(now.getTime() + complaintSettings.of(ctx.services.config).ackRemindHours * 3600_000),
    followUps: [],
    history: [
      {
        at: now,
        by,
        action: late ? '补登投诉' : '登记投诉',
        detail: `${CATEGORY_LABELS[category]}，${values.type}${accepted ? '' : '；待客服部确认受理'}${late ? `；受理日期 ${formatDateTime(acceptedAt, ctx.services.config.timezone)}` : ''}${values.clientPhone || !phone ? '' : '；电话取自客户档案'}`,
      },
    ],
  };
  const checkAt = nextCheckAt(
    { ...doc, remindedAt: null, overdueAt: null, clientToldAt: null, ackRemindedAt: null },
    complaintSettings.of(ctx.services.config).remindBeforeHours,
  );
  await complaintDue.add(id, checkAt, now);
  await Complaint.create({ ...doc, nextCheckAt: checkAt });
  // the client record keeps its typed values: a different phone or address is pointed out, never written over
  const differs = client
    ? [
        values.clientAddress && client.address && values.clientAddress !== client.address ? '地址' : '',
        values.clientPhone && client.phone && values.clientPhone !== client.phone ? '电话' : '',
      ]
        .filter(Boolean)
        .join('和')
    : '';
  ctx.log.info({ complaint: id, category }, 'complaint registered');
  const c = (await loadComplaint(id))!;
  const archive = differs ? `填写的${differs}与客户档案不同，档案没有改；需要时发送「修改客户 ${client!.name}」。` : '';
  // §4.2 the registrant tells the client at once, promising nothing beyond their authority (§4.4)
  const tell = '请告诉客户投诉已收到、会尽快查处（§4.2，勿承诺超出权限的处理），然后点「已告知客户受理」';
  if (accepted) {
    const ops = await notifyStep(ctx.services, c, ['guard_ops'], toInvestigate(ctx.services, c));
    await replyStep(ctx, c, {
      title: `投诉已登记：${id}`,
      facts: true,
      lines: [`下一步：${tell}；${who('guard_ops', ops)} 调查，${dueLine(ctx.services, c)}。${archive}`],
    });
    return;
  }
  const sent = await notifyStep(
    ctx.services,
    c,
    ['customer_service'],
    {
      title: `新投诉待确认受理：${id}`,
      facts: true,
      lines: [
        `${by.name} 登记为${CATEGORY_SHORT[category]}。请核对后确认受理（§4.1），时限按分类起算；分类不对点「改为…」并写明原因。`,
      ],
      // the registrant (a 客服部 member too, perhaps) does not confirm their own registration
    },
    { exceptStaffIds: by.staffId ? [by.staffId] : [] },
  );
  await replyStep(ctx, c, {
    title: `投诉已登记，待客服部确认：${id}`,
    facts: true,
    lines: [`下一步：${who('customer_service', sent)} 确认受理和分类（§4.1）后交人防部调查；${tell}。${archive}`],
  });
  if (!sent.length) ctx.log.warn({ complaint: id }, 'no customer service member to confirm a complaint');
}

/**
 * 登记投诉 [客户名称 | 字段: 值 lines]. A known client's address and phone are filled in from the
 * client records; without arguments the guided form (or Lark form card) asks for everything.
 */
export async function registerComplaint(ctx: StaffContext): Promise<void> {
  let prefill = ctx.services.forms.oneFieldPerLine(ctx, registerForm.name, ctx.args);
  const isLines = /[:：]/.test(prefill);
  let clientName = '';
  if (isLines) {
    clientName = /^(?:投诉客户名称|clientName)\s*[:：]\s*(.+)$/m.exec(normalizeText(prefill))?.[1]?.trim() ?? '';
  } else if (prefill.trim()) {
    const q = prefill.trim();
    const exact = await clientsOf(ctx.services).byName(q);
    const matches = exact ? [exact] : await clientsOf(ctx.services).search(q, 6);
    if (matches.length > 1) {
      await ctx.reply(
        [
          `有 ${matches.length} 个客户名称含「${echo(q)}」，请写全名：`,
          ...matches.map((m) => `• 登记投诉 ${m.name}`),
        ].join('\n'),
      );
      return;
    }
    clientName = matches[0]?.name ?? q;
    prefill = `投诉客户名称: ${clientName}`;
  }
  if (clientName) {
    const client = await clientsOf(ctx.services).byName(clientName);
    if (client?.address && !/^客户地址\s*[:：]/m.test(prefill)) prefill += `\n客户地址: ${client.address}`;
    // the phone is not copied into the form: a form card may be in a group; submit takes it from the record
    if (client && !ctx.chat.isGroup)
      await ctx.reply(`「${client.name}」在客户档案里：地址、电话没填的从档案带出，填了的以你填的为准。`);
  }
  await ctx.services.forms.start(ctx, registerForm.name, prefill);
}

/** 投诉类型: the list registrations choose from. */
export async function listComplaintTypes(ctx: StaffContext): Promise<void> {
  const types = await complaintTypes();
  await ctx.reply(
    [
      `投诉类型（登记时可回复序号）：`,
      ...types.map((t, i) => `${i + 1}. ${t}`),
      '行政部可用「设置投诉类型 类型1、类型2」修改。',
    ].join('\n'),
  );
}

/** 设置投诉类型 a、b、c (行政部). */
export async function setComplaintTypes(ctx: StaffContext): Promise<void> {
  const types = [
    ...new Set(
      ctx.args
        .split(/[、,，;；\n]+/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (types.length < 1 || types.some((t) => t.length > 20 || /^\d+$/.test(t))) {
    await ctx.reply(
      '用法：设置投诉类型 队员行为不当、脱岗睡岗、服务态度、安全事件、其他（每个不超过 20 字，不能是纯数字）',
    );
    return;
  }
  const before = await complaintTypes();
  if (before.join('、') === types.join('、')) {
    await ctx.reply(`投诉类型已经是：${types.map((t, i) => `${i + 1}.${t}`).join(' ')}，没有修改。`);
    return;
  }
  const note = {
    kind: 'setting' as const,
    record: { type: 'setting', id: TYPES_KEY, label: '投诉类型' },
    what: '投诉类型',
    from: before.join('、'),
    to: types.join('、'),
  };
  await trailOf(ctx).change(ComplaintSetting, TYPES_KEY, note, (carry) =>
    ComplaintSetting.updateOne({ _id: TYPES_KEY }, carry.update({ $set: { values: types } }), { upsert: true }),
  );
  ctx.log.info({ types }, 'complaint types set');
  await ctx.reply(`已把投诉类型设为：${types.map((t, i) => `${i + 1}.${t}`).join(' ')}`);
}
