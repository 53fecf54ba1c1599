import { DateTime } from 'luxon';
import { actor } from '../../src/core/audit.ts';
import type { BotContext } from '../../src/core/context.ts';
import { monthOf } from '../../src/core/dates.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { readAll } from '../../src/core/period-keys.ts';
import { echo, leadingName } from '../../src/core/text.ts';
import { transition } from '../../src/core/transition.ts';
import { dayLabel, reportedCard, timeLabel } from './cards.ts';
import {
  dormChoice,
  dormExists,
  isLeaderOf,
  isManager,
  loadRosters,
  refreshRollCallCards,
  settings,
  tellGeneralAffairs,
} from './common.ts';
import { eveningRows, lastEveningDue, summarize } from './figures-rules.ts';
import { outOf, RollCall, type RollCallRecord } from './models.ts';
import { checkedSince, recordsOf, rowsBetween } from './records.ts';
import {
  absentSince,
  CLAUSE,
  eveningOf,
  looksLikeDormName,
  resolveReturnTime,
  rollCallDuty,
  STATUS_LABELS,
} from './rules.ts';

/*
 * 归宿: a resident reported 未归 comes back; the leader (or 综合部) records the time, 综合部 hears
 * it with how often this person came back late this month. 查房记录 shows a dorm's month, and an
 * evening without a roll call (no leader, or it never went out) as 未查房.
 */

/** 归宿 [宿舍] <姓名> [23:10] */
export async function recordReturn(ctx: BotContext): Promise<void> {
  const example = '归宿 张三 23:10';
  const choice = await dormChoice(ctx);
  const dorms = choice.manager ? choice.all : choice.led;
  // 「城南 宿舍 张三」 names the dorm 城南宿舍 (core nameKey), never read as the resident's name
  const named = leadingName(choice.all, ctx.args);
  const tokens = (named ? named.rest : ctx.args).trim().split(/\s+/).filter(Boolean);
  const first = named?.name ?? ctx.args.trim().split(/\s+/)[0] ?? '';
  if (named || looksLikeDormName(first, choice.all)) {
    if (!(await dormExists(ctx, first, '', choice))) return;
    if (!dorms.includes(first)) {
      await ctx.reply(`只有 ${first} 的队长或综合部可以登记归宿。`);
      return;
    }
  }
  const dorm = named?.name;
  const [name, timeText = '', ...extra] = tokens;
  if (!name || extra.length) {
    await ctx.reply(`用法：${example}（时间不写就是现在）`);
    return;
  }
  if (!dorms.length) {
    await ctx.reply('你还不是任何宿舍的队长，不能登记归宿。');
    return;
  }
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  const date = eveningOf(now, tz);
  // the evening's rows say whose roll call has this person out; those are read whole and checked again
  const isOut = (entries: readonly { name: string; status: string }[] | undefined) =>
    !!entries?.some((e) => e.name === name && e.status === 'absent');
  const rows = (await rowsBetween(date, date, dorm ? [dorm] : dorms)).filter((r) => isOut(outOf(r)));
  const candidates = (
    await readAll(
      rows.map((r) => r._id),
      (id) => RollCall.findById(id).lean<RollCallRecord>(),
    )
  ).filter((rc) => isOut(rc.report?.entries));
  if (!candidates.length) {
    await ctx.reply(
      `${dayLabel(date)} 的查房里没有「${echo(name)}」的未归记录。先用「查房 未归 ${echo(name)}」上报，回来后再登记归宿。`,
    );
    return;
  }
  if (candidates.length > 1) {
    await ctx.reply(
      `有 ${candidates.length} 个宿舍都有「${echo(name)}」未归，请写明宿舍，例如：归宿 ${candidates[0]!.dorm} ${name} 23:10`,
    );
    return;
  }
  const rc = candidates[0]!;
  if (!isManager(ctx) && !(await isLeaderOf(ctx, rc.dorm))) {
    await ctx.reply(`只有 ${rc.dorm} 的队长或综合部可以登记归宿。`);
    return;
  }
  const person = rc.report!.entries.find((e) => e.name === name && e.status === 'absent')!;
  if (person.returnedAt) {
    await ctx.reply(
      `${name} 已登记 ${timeLabel(person.returnedAt, tz)} 归宿（${person.returnedBy?.name ?? ''}），没有重复登记。`,
    );
    return;
  }
  // a return follows the report that said they were out, and 22:00 (§3.3.3)
  const at = resolveReturnTime(timeText, now, date, tz, absentSince(rc.history, person.staffId) ?? rc.report!.at);
  if (typeof at === 'string') {
    await ctx.reply(at);
    return;
  }
  const entries = rc.report!.entries.map((e) =>
    e.staffId === person.staffId ? { ...e, returnedAt: at, returnedBy: actor(ctx) } : e,
  );
  const history = { at: now, by: actor(ctx), action: '归宿', detail: `${name} ${timeLabel(at, tz)} 归宿` };
  const won = await transition(
    RollCall,
    rc._id,
    rc.version,
    { $set: { 'report.entries': entries }, $push: { history } },
    ctx.sender?.identity ?? '',
  );
  if (!won) {
    await ctx.reply(`${rc.dorm} 的查房记录刚被别人改动，没有保存。请再发一次「归宿 ${name} ${timeLabel(at, tz)}」。`);
    return;
  }
  const month = monthOf(now, tz);
  const records = await recordsOf({ dorm: rc.dorm, month });
  const times = summarize(records).people.find((p) => p.staffId === person.staffId)?.lateReturns ?? 1;
  const after: RollCallRecord = {
    ...rc,
    version: rc.version + 1,
    report: { ...rc.report!, entries },
    history: [...rc.history, { ...history, late: false }],
  }; // late: the schema's default
  await refreshRollCallCards(ctx.services, rc._id, reportedCard(after, settings(ctx.services).times, tz));
  await tellGeneralAffairs(
    ctx.services,
    `✅ ${name}（${rc.dorm}）已于 ${timeLabel(at, tz)} 归宿，本月第 ${times} 次晚归。登记人：${actor(ctx).name}`,
  );
  await ctx.reply(`已登记：${name} ${timeLabel(at, tz)} 归宿（${rc.dorm} ${dayLabel(date)}），已告知综合部。`);
}

/** 查房记录 <宿舍> [月份]: each evening of the month since the dorm exists, up to tonight, with totals. */
export async function monthRecord(ctx: BotContext): Promise<void> {
  const example = '查房记录 城南宿舍 2026-11';
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  const [first = '', second = ''] = ctx.args.trim().split(/\s+/);
  const choice = await dormChoice(ctx);
  // 「城南 宿舍 2026-11」 names the dorm 城南宿舍 (core nameKey); an unknown word that is no month is answered as a dorm
  const found = leadingName(choice.all, ctx.args);
  const named = !!found || (!!first && !readMonth(first, now, tz));
  if (named && !found && !(await dormExists(ctx, first, '', choice))) return;
  const dorm = found?.name ?? (named ? first : choice.led.length === 1 ? choice.led[0]! : '');
  const monthText = found ? (found.rest.split(/\s+/)[0] ?? '') : named ? second : first;
  if (!dorm) {
    await ctx.reply(`请写明宿舍，例如：${example}`);
    return;
  }
  if (!choice.manager && !choice.led.includes(dorm)) {
    await ctx.reply(`只有 ${dorm} 的队长、综合部或行政部可以查看它的查房记录。`);
    return;
  }
  const month = monthText ? readMonth(monthText, now, tz) : monthOf(now, tz);
  if (!month) {
    await ctx.reply(`月份「${echo(monthText)}」看不懂，请写成 本月、上月、2026-11 或 11月。例如：${example}`);
    return;
  }
  const times = settings(ctx.services).times;
  const [records, since] = await Promise.all([recordsOf({ dorm, month }), checkedSince(dorm, times, tz)]);
  // the evenings a roll call was due: from the dorm's first (or the month's) to tonight's once its time has come
  const monthEnd = DateTime.fromISO(`${month}-01`).endOf('month').toISODate()!;
  // nothing says since when (no dorm record, no roll call ever): an empty range, only records show
  const from = since === undefined ? '9999-12-31' : [`${month}-01`, since].sort()[1]!;
  const to = [monthEnd, lastEveningDue(now, times, tz)].sort()[0]!;
  const rows = eveningRows(records, from, to);
  if (!rows.length) {
    await ctx.reply(`${dorm} ${month} 没有查房记录。`);
    return;
  }
  const lines = rows.map((row) => {
    if (row.kind === 'unchecked')
      return row.nights === 1
        ? `${row.from.slice(5)} 未查房`
        : `${row.from.slice(5)} 至 ${row.to.slice(5)} 未查房（${row.nights} 晚）`;
    const r = row.record;
    const state = !r.reportedAt ? '未上报' : r.preCurfew ? '只有22:00前预报，未确认' : r.late ? '迟报' : '按时';
    const out = r.entries
      .filter((e) => e.status !== 'present')
      .map((e) => `${e.name}${STATUS_LABELS[e.status]}${e.returnedAt ? `（${timeLabel(e.returnedAt, tz)}归宿）` : ''}`);
    return `${r.date.slice(5)} ${state}${r.reportedAt ? `：${out.length ? out.join('、') : '全部已归'}` : ''}`;
  });
  const s = summarize(records, settings(ctx.services).repeatAbsences);
  const d = s.dorms[0] ?? { onTime: 0, late: 0, missing: 0, onTimeRate: null };
  const unchecked = rows.reduce((n, row) => n + (row.kind === 'unchecked' ? row.nights : 0), 0);
  const people = s.people.filter((p) => p.absences).map((p) => `${p.name} ${p.absences} 次`);
  const [roster] = unchecked ? await loadRosters(ctx.services, [dorm]) : [];
  const duty = roster ? rollCallDuty(roster) : 'ask';
  await ctx.reply(
    [
      `${dorm} ${month} 查房记录（${CLAUSE.curfew}）：`,
      ...lines,
      `合计：按时 ${d.onTime}，迟报 ${d.late}，未报 ${d.missing}，未查房 ${unchecked}${d.onTimeRate === null ? '' : `；按时率 ${d.onTimeRate}%`}`,
      `未归：${people.join('、') || '无'}`,
      ...(duty === 'no_leader' || duty === 'leader_unreachable'
        ? [
            duty === 'no_leader'
              ? `⚠️ ${dorm} 没有队长，每晚无法查房：请发送「设置宿舍队长 ${dorm} 姓名」指定。`
              : `⚠️ ${dorm} 的队长未绑定或已停用，收不到查房：请让队长绑定，或发送「设置宿舍队长 ${dorm} 姓名」另指定。`,
          ]
        : []),
    ].join('\n'),
  );
}
