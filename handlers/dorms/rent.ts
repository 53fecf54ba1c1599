import { actor } from '../../src/core/audit.ts';
import type { BotContext, Services } from '../../src/core/context.ts';
import { monthOf, parseMonth, resolveDate } from '../../src/core/dates.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { formatFen, parsePaymentMethod, parseYuan, yuanText } from '../../src/core/money.ts';
import { notify, recipientsOf, recipientsWithRole } from '../../src/core/notify.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import { echo, leadingName } from '../../src/core/text.ts';
import { transition } from '../../src/core/transition.ts';
import { Staff } from '../../src/models/index.ts';
import { rentCard } from './cards.ts';
import { allDormNames, dormExists, isLeaderOf, pickDorm } from './common.ts';
import { type RentRecord, RentReport, rentId } from './models.ts';
import {
  accountFor,
  amountChange,
  awaitsPayeeConfirmation,
  isAccepted,
  maskAccount,
  mayConfirmPayee,
  mayPayRent,
  mayseeAccount,
  parseAccount,
  payeeChange,
  previousMonth,
  rentPeriodProblem,
} from './rent-rules.ts';
import { CLAUSE } from './rules.ts';

/*
 * 房租申报 (§3.3.4: 队长定期向综合部申报房租，并提供房东账号，便于财务划账). The account number is
 * stored for finance and shown in full only to 综合部/财务部 in a private chat; it is never logged.
 */

const RENT_ROLES = ['general_affairs', 'finance'] as const;

export const rentForm: FormDefinition = {
  name: 'dorms.rent',
  // money to be paid: a complete one-message form still asks the one confirmation
  oneMessage: 'confirm',
  title: `房租申报（${CLAUSE.rent}）`,
  allow: ['team_leader'],
  fields: [
    {
      key: 'period',
      label: '月份',
      required: true,
      prompt: '房租月份（如 2026-11）',
      parse: (input, ctx) => {
        const tz = ctx.services.config.timezone;
        const m = parseMonth(input, ctx.services.now(), tz);
        if (!m) return { ok: false, error: '月份请写成 2026-11' };
        const problem = rentPeriodProblem(m, monthOf(ctx.services.now(), tz));
        return problem ? { ok: false, error: problem } : { ok: true, value: m };
      },
      // a month already reported is refused at this question, before amount, landlord and account
      check: async (period, _ctx, context) =>
        (await RentReport.exists({ _id: rentId(period, context.dorm ?? '') }))
          ? `${context.dorm} ${period} 的房租已经申报过。如需更改请联系综合部。`
          : undefined,
    },
    {
      key: 'amount',
      label: '金额',
      required: true,
      prompt: '房租金额（元）',
      parse: (input) => {
        const fen = parseYuan(input);
        return fen
          ? { ok: true, value: String(fen) }
          : { ok: false, error: '金额请写大于 0 的数字，如 3500 或 3500.50' };
      },
      // the value is fen; the card shows yuan, which reads back to the same fen
      show: (fen) => yuanText(Number(fen)),
    },
    { key: 'landlord', label: '房东姓名', required: true },
    { key: 'bank', label: '开户行', required: true, prompt: '房东的开户银行（如 工商银行城南支行）' },
    {
      key: 'account',
      label: '账号',
      required: true,
      // the leader who typed it sees it on the submitted card as everyone else does: masked
      sensitive: maskAccount,
      prompt: '房东的银行账号（只有综合部和财务部能看到完整账号）',
      parse: (input) => {
        const a = parseAccount(input);
        return a ? { ok: true, value: a } : { ok: false, error: '账号应为 8–30 位数字' };
      },
    },
    { key: 'note', label: '备注' },
  ],
  async validate(ctx, _values, context): Promise<Record<string, string>> {
    const dorm = context.dorm ?? '';
    return (await isLeaderOf(ctx, dorm)) ? {} : { period: `只有 ${dorm} 的队长可以申报房租。` };
  },
  async submit(ctx, values, context) {
    await saveReport(ctx, context.dorm ?? '', values);
  },
};

/** The dorm's latest report, by month, that was paid or whose payee 综合部 confirmed (a dorm has a dozen a year). */
async function lastAccepted(dorm: string, exceptId: string): Promise<RentRecord | undefined> {
  const reports = await RentReport.find({ dorm }).sort({ period: -1 }).lean<RentRecord[]>();
  return reports.find((r) => r._id !== exceptId && isAccepted(r));
}

async function saveReport(ctx: BotContext, dorm: string, v: Record<string, string>): Promise<void> {
  const period = v.period!;
  const amountFen = Number(v.amount);
  const prev = await RentReport.findById(rentId(previousMonth(period), dorm), { amountFen: 1 }).lean();
  const change = amountChange(prev?.amountFen, amountFen);
  const last = await lastAccepted(dorm, rentId(period, dorm));
  const payee = payeeChange(last, { landlord: v.landlord!, account: v.account! });
  const doc = {
    _id: rentId(period, dorm),
    dorm,
    period,
    amountFen,
    landlord: v.landlord!,
    bank: v.bank!,
    account: v.account!,
    note: v.note ?? '',
    previousFen: prev?.amountFen ?? null,
    changed: change.changed,
    reportedBy: actor(ctx),
    reportedAt: ctx.services.now(),
    payeeChange: payee,
    lastPayee: last ? { period: last.period, landlord: last.landlord, bank: last.bank, account: last.account } : null,
    payeeConfirmed: null,
    paid: null,
  };
  try {
    await RentReport.create(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await ctx.reply(`${dorm} ${period} 的房租已经申报过，没有重复申报。如需更改请联系综合部。`);
    return;
  }
  // the account number stays out of the log
  ctx.log.info({ rent: doc._id, changed: change.changed, payeeChange: payee }, 'rent reported');
  const r: RentRecord = { ...doc, version: 0 };
  const flags = [
    ...(payee === 'changed' ? ['收款人有变化'] : payee === 'new' ? ['新收款人'] : []),
    ...(change.changed ? ['金额有变化'] : []),
  ];
  await tellRentRoles(
    ctx.services,
    r,
    `房租申报：${dorm} ${period}${flags.length ? `（${flags.join('，')}${payee ? '，待综合部确认' : ''}）` : ''}`,
  );
  await ctx.reply(rentCard(r, false, false));
  if (payee)
    await ctx.reply(
      `收款人${payee === 'new' ? '是新的' : '和上次不同'}，已告诉综合部和财务部：综合部核实确认后财务部才能付款。`,
    );
}

/**
 * To 综合部 and 财务部 in private, the account in full: 财务部 gets the 已付款 button (shown once the
 * payee is accepted), 综合部 the 确认收款人 button while it waits — never the leader who reported it.
 */
async function tellRentRoles(
  services: Services,
  r: RentRecord,
  title: string,
  only: 'all' | 'finance' = 'all',
): Promise<void> {
  const recipients = await recipientsWithRole(services, only === 'finance' ? ['finance'] : [...RENT_ROLES]);
  const roles = new Map(
    (
      await Staff.find(
        { _id: { $in: [...new Set(recipients.map((x) => x.staffId))] }, active: true },
        { roles: 1 },
      ).lean()
    ).map((s) => [String(s._id), new Set<string>(s.roles)]),
  );
  const groups = new Map<string, typeof recipients>();
  for (const x of recipients) {
    const has = roles.get(x.staffId) ?? new Set<string>();
    const key = `${has.has('finance') ? 'pay' : ''}:${has.has('general_affairs') && x.staffId !== r.reportedBy.staffId ? 'confirm' : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  for (const [key, group] of groups) {
    await notify(services, group, { ...rentCard(r, true, key.startsWith('pay'), key.endsWith('confirm')), title });
  }
}

/** 房租申报 [宿舍] (form card on Lark, one question at a time elsewhere; `月份: 2026-11` lines fill it in one message). */
export async function startRentReport(ctx: BotContext): Promise<void> {
  if (ctx.chat.isGroup) {
    await ctx.reply('房租申报要填写房东银行账号，请私聊我发送「房租申报」，不要在群里发。');
    return;
  }
  const picked = await pickDorm(ctx, ctx.args, '房租申报 城南宿舍');
  if (!picked) return;
  if (!(await isLeaderOf(ctx, picked.dorm))) {
    await ctx.reply(`只有 ${picked.dorm} 的队长可以申报房租。`);
    return;
  }
  await ctx.services.forms.start(ctx, rentForm.name, picked.rest, { dorm: picked.dorm });
}

async function markPaid(ctx: BotContext, r: RentRecord, methodText: string, dateText: string): Promise<void> {
  const method = parsePaymentMethod(methodText || '银行转账');
  const tz = ctx.services.config.timezone;
  const date = dateText ? resolveDate(dateText, ctx.services.now(), tz) : resolveDate('今天', ctx.services.now(), tz);
  if (!method || !date) {
    await ctx.toast(
      `${!method ? `付款方式「${echo(methodText)}」不认识（现金/银行转账/微信/支付宝）` : `日期「${echo(dateText)}」看不懂`}。例如：房租已付 ${r.dorm} ${r.period} 银行转账 ${date ?? '2026-11-27'}`,
    );
    return;
  }
  if (r.paid) {
    await ctx.toast(`${r.dorm} ${r.period} 的房租已由 ${r.paid.by.name} 登记付款（${r.paid.date}），没有重复登记。`);
    return;
  }
  const payable = mayPayRent(r);
  if (!payable.ok) {
    await ctx.toast(`${r.dorm} ${r.period} 的房租不能登记付款：${payable.why}`);
    return;
  }
  const paid = { method, date, by: actor(ctx), at: ctx.services.now() };
  if (!(await transition(RentReport, r._id, r.version, { $set: { paid } }, ctx.sender?.identity ?? ''))) {
    await ctx.toast(`${r.dorm} ${r.period} 的房租刚被别人登记了付款，没有重复登记。`);
    return;
  }
  const after = { ...r, paid, version: r.version + 1 };
  const full = mayseeAccount({ isGroup: ctx.chat.isGroup, roles: ctx.sender?.roles ?? new Set() });
  if (ctx.event.kind === 'action' && ctx.can.updatesCards) await ctx.updateCard(rentCard(after, full, false));
  await ctx.toast(`已登记：${r.dorm} ${r.period} 房租 ${formatFen(r.amountFen)} ${date} ${method} 付款。`);
  const leader = r.reportedBy.staffId
    ? await recipientsOf(ctx.services, [{ id: r.reportedBy.staffId, name: r.reportedBy.name }])
    : [];
  await notify(
    ctx.services,
    leader,
    `✅ ${r.dorm} ${r.period} 的房租 ${formatFen(r.amountFen)} 已于 ${date} ${method}付给房东（${paid.by.name}）。`,
  );
}

/** `<宿舍> <月份> …` as typed after 房租已付 / 房租确认: the report and the words after the month; answers when there is none. */
async function namedReport(ctx: BotContext, usage: string): Promise<{ r: RentRecord; rest: string[] } | undefined> {
  // 「城南 宿舍 2026-11」 names the dorm 城南宿舍 (core nameKey)
  const named = leadingName(await allDormNames(), ctx.args);
  const [dorm = '', monthText = '', ...rest] = named
    ? [named.name, ...named.rest.trim().split(/\s+/)]
    : ctx.args.trim().split(/\s+/);
  const period = parseMonth(monthText, ctx.services.now(), ctx.services.config.timezone);
  const r = period ? await RentReport.findById(rentId(period, dorm)).lean<RentRecord>() : null;
  if (!r && dorm && !(await dormExists(ctx, dorm))) return undefined;
  if (!r) {
    await ctx.reply(`没有找到${dorm ? ` ${dorm}` : ''}${period ? ` ${period}` : ''}的房租申报。用法：${usage}`);
    return undefined;
  }
  return { r, rest };
}

/** 房租已付 <宿舍> <月份> [方式] [日期] — 财务部. */
export async function paidCommand(ctx: BotContext): Promise<void> {
  const found = await namedReport(ctx, '房租已付 城南宿舍 2026-11 银行转账 2026-11-27');
  if (!found) return;
  const [methodText = '', dateText = ''] = found.rest;
  await markPaid(ctx, found.r, methodText, dateText);
}

/**
 * 综合部 confirms a new or changed payee (§3.3.4: the account finance transfers to), never the
 * leader who reported it; 财务部 then gets the card with 已付款 and the leader is told.
 */
async function confirmPayee(ctx: BotContext, r: RentRecord): Promise<void> {
  if (r.payeeConfirmed) {
    await ctx.toast(`${r.dorm} ${r.period} 的收款人已由 ${r.payeeConfirmed.by.name} 确认，没有重复确认。`);
    return;
  }
  const may = mayConfirmPayee(r, ctx.sender?.staffId ?? '');
  if (!may.ok) {
    await ctx.toast(may.why);
    return;
  }
  const payeeConfirmed = { by: actor(ctx), at: ctx.services.now() };
  if (!(await transition(RentReport, r._id, r.version, { $set: { payeeConfirmed } }, ctx.sender?.identity ?? ''))) {
    await ctx.toast(`${r.dorm} ${r.period} 的房租刚被别人处理过，请发送「房租记录 ${r.period}」看看。`);
    return;
  }
  const after: RentRecord = { ...r, payeeConfirmed, version: r.version + 1 };
  ctx.log.info({ rent: r._id }, 'rent payee confirmed');
  const full = mayseeAccount({ isGroup: ctx.chat.isGroup, roles: ctx.sender?.roles ?? new Set() });
  if (ctx.event.kind === 'action' && ctx.can.updatesCards) await ctx.updateCard(rentCard(after, full, false));
  await ctx.toast(`已确认 ${r.dorm} ${r.period} 的收款人 ${r.landlord}，财务部现在可以付款。`);
  await tellRentRoles(
    ctx.services,
    after,
    `房租收款人已确认：${r.dorm} ${r.period}（${payeeConfirmed.by.name}），可以付款`,
    'finance',
  );
  const leader = r.reportedBy.staffId
    ? await recipientsOf(ctx.services, [{ id: r.reportedBy.staffId, name: r.reportedBy.name }])
    : [];
  await notify(
    ctx.services,
    leader,
    `${r.dorm} ${r.period} 房租的收款人 ${r.landlord} 已由综合部 ${payeeConfirmed.by.name} 确认，财务部会付款。`,
  );
}

/** 房租确认 <宿舍> <月份> — 综合部. */
export async function confirmCommand(ctx: BotContext): Promise<void> {
  const found = await namedReport(ctx, '房租确认 城南宿舍 2026-11');
  if (found) await confirmPayee(ctx, found.r);
}

/** Card button 确认收款人. */
export async function confirmFromCard(ctx: BotContext): Promise<void> {
  const r = await RentReport.findById(ctx.action?.value.id ?? '').lean<RentRecord>();
  if (!r) {
    await ctx.toast('找不到这份房租申报。');
    return;
  }
  await confirmPayee(ctx, r);
}

/** Card button 已付款 (bank transfer today; the command takes another method or date). */
export async function paidFromCard(ctx: BotContext): Promise<void> {
  const r = await RentReport.findById(ctx.action?.value.id ?? '').lean<RentRecord>();
  if (!r) {
    await ctx.toast('找不到这份房租申报。');
    return;
  }
  await markPaid(ctx, r, '银行转账', '');
}

/** 房租记录 [月份]: every dorm's report of the month; accounts in full only to 综合部/财务部 in private. */
export async function rentList(ctx: BotContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const text = ctx.args.trim();
  const period = text ? readMonth(text, ctx.services.now(), tz) : monthOf(ctx.services.now(), tz);
  if (!period) {
    await ctx.reply('月份请写成 本月、上月、2026-11 或 11月，例如：房租记录 2026-11');
    return;
  }
  const reports = await RentReport.find({ period }).sort({ dorm: 1 }).lean<RentRecord[]>();
  if (!reports.length) {
    await ctx.reply(`${period} 还没有房租申报。`);
    return;
  }
  const full = mayseeAccount({ isGroup: ctx.chat.isGroup, roles: ctx.sender?.roles ?? new Set() });
  const lines = reports.map(
    (r) =>
      `• ${r.dorm} ${formatFen(r.amountFen)}${r.changed ? '（⚠️ 金额有变）' : ''} ${r.landlord} ${r.bank} ${accountFor(r.account, full)}｜${r.paid ? `已付 ${r.paid.date}` : awaitsPayeeConfirmation(r) ? `⚠️ ${r.payeeChange === 'new' ? '新收款人' : '收款人有变'}，待综合部确认` : '待付款'}`,
  );
  const total = reports.reduce((s, r) => s + r.amountFen, 0);
  await ctx.reply([`${period} 房租申报 ${reports.length} 份，合计 ${formatFen(total)}：`, ...lines].join('\n'));
}
