import { DateTime } from 'luxon';
import type { Services } from '../../src/core/context.ts';
import { notify, recipientsOf } from '../../src/core/notify.ts';
import { takeOnce } from '../../src/core/once.ts';
import { Staff } from '../../src/models/index.ts';
import { summaryText } from './cards.ts';
import { loadRosters, settings, tellGeneralAffairs } from './common.ts';
import { previousDays, summarize } from './figures-rules.ts';
import { rankDorms, rankLine } from './hygiene-rules.ts';
import { HygieneEvaluation, RentReport } from './models.ts';
import { recordsOf } from './records.ts';
import { rentDue } from './rent-rules.ts';
import { CLAUSE, rollCallDuty } from './rules.ts';

/*
 * What is due once a day or a week, from DORM_SUMMARY_TIME on: the weekly summary to 综合部
 * (§3.3.3 figures and the §3.3.2 ranking), the hygiene reminder, and the monthly rent round
 * (§3.3.4). Each is claimed once per day/period, so a restart later that day still sends it once.
 */

export interface DailyStep {
  summary: boolean;
  hygieneReminded: string[];
  rentReminded: string[];
  rentEscalated: string[];
}

export async function dailyStep(services: Services, now: Date = services.now()): Promise<DailyStep> {
  const s = settings(services);
  const local = DateTime.fromJSDate(now, { zone: services.config.timezone });
  const out: DailyStep = { summary: false, hygieneReminded: [], rentReminded: [], rentEscalated: [] };
  if (local.hour * 60 + local.minute < s.summary.time) return out;
  const today = local.toISODate()!;
  if (local.weekday === s.summary.weekday && (await takeOnce(`dorms:summary:${today}`, 'scheduler'))) {
    await weeklySummary(services, now);
    out.summary = true;
  }
  if (
    s.hygieneWeekday &&
    local.weekday === s.hygieneWeekday &&
    (await takeOnce(`dorms:hygiene:${today}`, 'scheduler'))
  ) {
    out.hygieneReminded = await remindLeaders(
      services,
      (dorm) =>
        `🧹 本周宿舍卫生评比（${CLAUSE.hygieneEvaluation}）：请按${CLAUSE.hygieneStandard}检查 ${dorm}，然后发送「卫生检查 ${dorm}」逐项记录。`,
    );
  }
  const period = local.toFormat('yyyy-LL');
  const due = rentDue(local.day, s.rent.remindDay, s.rent.escalateDay);
  if (due.remind && (await takeOnce(`dorms:rent-remind:${period}`, 'scheduler'))) {
    const reported = await reportedDorms(period);
    out.rentReminded = await remindLeaders(
      services,
      (dorm) =>
        `🏠 请申报 ${dorm} ${period} 的房租（${CLAUSE.rent}）：发送「房租申报 ${dorm}」，填写金额、房东姓名、开户行和账号。`,
      (dorm) => !reported.has(dorm),
    );
  }
  if (due.escalate && (await takeOnce(`dorms:rent-escalate:${period}`, 'scheduler'))) {
    const reported = await reportedDorms(period);
    const missing = (await loadRosters(services)).filter((r) => r.residents.length && !reported.has(r.name));
    if (missing.length) {
      await tellGeneralAffairs(
        services,
        [
          `⚠️ ${period} 房租还没有申报的宿舍 ${missing.length} 个（${CLAUSE.rent}）：`,
          ...missing.map((r) => `• ${r.name}（队长：${r.leaders.map((l) => l.name).join('、') || '未指定'}）`),
        ].join('\n'),
      );
    }
    out.rentEscalated = missing.map((r) => r.name);
  }
  return out;
}

async function reportedDorms(period: string): Promise<Set<string>> {
  return new Set((await RentReport.find({ period }, { dorm: 1 }).lean()).map((r) => r.dorm));
}

/** Sends each dorm's leaders their line (dorms with residents and a reachable leader); the dorms reached. */
async function remindLeaders(
  services: Services,
  text: (dorm: string) => string,
  want: (dorm: string) => boolean = () => true,
): Promise<string[]> {
  const dorms = (await loadRosters(services)).filter((r) => rollCallDuty(r) === 'ask' && want(r.name));
  // the outbox paces the messages; the dorms are only gathered concurrently
  await Promise.all(
    dorms.map(async (d) =>
      notify(
        services,
        await recipientsOf(
          services,
          d.leaders.map((l) => ({ id: l.staffId, name: l.name })),
        ),
        text(d.name),
      ),
    ),
  );
  return dorms.map((d) => d.name);
}

/**
 * §3.3.3 asks every guard back by 22:00, but the roll call lists a dorm's residents: an active 队员 or
 * 队长 with no dorm is never checked. 综合部 gets their names weekly (some live at home; the rest are
 * given a dorm with 设置宿舍).
 */
export async function staffWithoutDorm(): Promise<string[]> {
  const people = await Staff.find(
    { active: true, roles: { $in: ['guard', 'team_leader'] } },
    { name: 1, dorm: 1 },
  ).lean();
  return people
    .filter((p) => !p.dorm?.trim())
    .map((p) => p.name)
    .sort((a, b) => a.localeCompare(b, 'zh'));
}

/** The week before today: on-time rates, absences per person, repeat cases, dorms never reported, hygiene ranking, guards without a dorm. */
export async function weeklySummary(services: Services, now: Date): Promise<string> {
  const s = settings(services);
  const range = previousDays(now, services.config.timezone);
  const records = await recordsOf(range);
  const evals = await HygieneEvaluation.find({ date: { $gte: range.from, $lte: range.to } }).lean();
  const ranking = evals.length
    ? rankDorms(
        evals.map((e) => ({
          dorm: e.dorm,
          score: e.score,
          selfCheck: !!e.selfCheck,
          items: e.items.map((i) => ({ key: i.key ?? '', pass: !!i.pass })),
        })),
      ).map(rankLine)
    : [];
  const text = summaryText(range, summarize(records, s.repeatAbsences), ranking, await staffWithoutDorm());
  await tellGeneralAffairs(services, text);
  return text;
}
