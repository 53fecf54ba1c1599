import { summaryCard } from '../handlers/supplies/cards.ts';
import { monthSummary } from '../handlers/supplies/lookup.ts';
import { SupplyReport } from '../handlers/supplies/models.ts';
import { monthlyMomentReached, postsWithoutReport } from '../handlers/supplies/rules.ts';
import { supplySettings } from '../handlers/supplies/settings.ts';
import { postsWithList } from '../handlers/supplies/store.ts';
import type { Services } from '../src/core/context.ts';
import { monthOf } from '../src/core/dates.ts';
import { notify, recipientsOf, recipientsWithRole } from '../src/core/notify.ts';
import { takeOnce } from '../src/core/once.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';
import { Staff } from '../src/models/index.ts';

/*
 * §4.2 once a month: from SUPPLIES_REPORT_DAY at SUPPLIES_REMIND_TIME each post's team leader is
 * reminded to file the 物资管理月报, and from SUPPLIES_SUMMARY_DAY at SUPPLIES_SUMMARY_TIME 综合部
 * gets the month's summary with the posts that did not report. The jobs run every 15 minutes and act
 * on or after that moment, so a bot that was down at the time still does it that month; a unique
 * key per month (and post) makes each happen once across instances and runs.
 */

export interface RemindReport {
  reminded: string[];
  withoutLeader: string[];
}

export async function remindLeaders(deps: Services): Promise<RemindReport> {
  const s = supplySettings.of(deps.config);
  const now = deps.now();
  const tz = deps.config.timezone;
  const out: RemindReport = { reminded: [], withoutLeader: [] };
  if (!monthlyMomentReached(now, tz, s.reportDay, s.remindTime)) return out;
  const month = monthOf(now, tz);
  const filed = (await SupplyReport.find({ month }, { post: 1 }).lean()).map((r) => r.post);
  for (const post of postsWithoutReport(await postsWithList(), filed)) {
    const leaders = await Staff.find({ post, roles: 'team_leader', active: true }, { name: 1 }).lean();
    if (!leaders.length) {
      out.withoutLeader.push(post);
      continue;
    }
    if (!(await takeOnce(`supplies-remind:${month}:${post}`, 'scheduler'))) continue;
    const people = await recipientsOf(
      deps,
      leaders.map((l) => ({ id: String(l._id), name: l.name })),
    );
    await notify(
      deps,
      people,
      `📦 请填报 ${post} ${month} 的物资管理月报（§4.2）：清点库存、消耗、损坏丢失，需要补充的写申领。\n发送「物资月报」开始填写，综合部会在 ${s.summaryDay} 日汇总。`,
    );
    out.reminded.push(post);
  }
  if (out.withoutLeader.length && (await takeOnce(`supplies-noleader:${month}`, 'scheduler'))) {
    const office = await recipientsWithRole(deps, ['general_affairs']);
    await notify(
      deps,
      office,
      `以下驻点有配置清单但没有在职队长，无法提醒填报 ${month} 物资月报：${out.withoutLeader.join('、')}。请行政部设置队长，或由综合部直接跟进。`,
    );
  }
  deps.log.info({ month, ...out }, 'supply report reminders');
  return out;
}

export async function sendSummary(deps: Services): Promise<boolean> {
  const s = supplySettings.of(deps.config);
  const now = deps.now();
  const tz = deps.config.timezone;
  if (!monthlyMomentReached(now, tz, s.summaryDay, s.summaryTime)) return false;
  const month = monthOf(now, tz);
  if (!(await takeOnce(`supplies-summary:${month}`, 'scheduler'))) return false;
  const summary = await monthSummary(month);
  const office = await recipientsWithRole(deps, ['general_affairs']);
  await notify(deps, office, summaryCard(summary));
  deps.log.info(
    { month, reported: summary.reports.length, missing: summary.missing.length, recipients: office.length },
    'supply summary sent',
  );
  return true;
}

export const supplyReminder: JobDefinition = {
  name: 'supplies.remind',
  cron: '*/15 * * * *',
  description: '每月提醒各驻点队长填报物资管理月报（§4.2）',
  run: async (deps) => {
    await remindLeaders(deps);
  },
};

export const supplySummary: JobDefinition = {
  name: 'supplies.summary',
  cron: '*/15 * * * *',
  description: '每月把物资月报汇总和未报驻点发给综合部（§4.2）',
  run: async (deps) => {
    await sendSummary(deps);
  },
};

export const supplyJobs: JobDefinition[] = [supplyReminder, supplySummary];
