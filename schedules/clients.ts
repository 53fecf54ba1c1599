import { collectDigest, digestCard, isEmpty } from '../handlers/clients/digest.ts';
import { clientSettingsOf, csHeadPhonesOf } from '../handlers/clients/settings.ts';
import type { Services } from '../src/core/context.ts';
import { notify, type Recipient, recipientsOf, recipientsWithRole } from '../src/core/notify.ts';
import { takeOnce } from '../src/core/once.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';
import { Staff } from '../src/models/index.ts';

export interface MorningReport {
  /** Staff ids sent a list ('' = the unowned list to the customer-service head). */
  sent: string[];
  escalated: string[];
}

/** The customer-service head(s) by phone (COMPLAINT_CS_HEAD_PHONES), else every 客服部 member. */
async function csHeads(deps: Services): Promise<Recipient[]> {
  const phones = csHeadPhonesOf(deps.config);
  const staff = phones.length ? await Staff.find({ phone: { $in: phones }, active: true }, { name: 1 }).lean() : [];
  return staff.length
    ? recipientsOf(
        deps,
        staff.map((s) => ({ id: String(s._id), name: s.name })),
      )
    : recipientsWithRole(deps, ['customer_service']);
}

/**
 * I.2.5 / I.2.7 / II.7 / III.3.1.10 every morning: each owner gets their due and overdue
 * follow-ups, promises and complaint follow-ups in one message; anything overdue by more than
 * CLIENT_ESCALATE_AFTER_DAYS goes to the customer-service head once. The slot claim makes a
 * morning run once across instances; the per-owner and per-item claims make a second run the same
 * day (a catch-up after a restart) send nothing twice.
 */
export async function sendMorningLists(deps: Services): Promise<MorningReport> {
  const now = deps.now();
  const tz = deps.config.timezone;
  const digest = await collectDigest(now, tz, clientSettingsOf(deps.config));
  const report: MorningReport = { sent: [], escalated: [] };
  for (const list of digest.lists) {
    if (isEmpty(list)) continue;
    const who = list.owner?.staffId ?? '';
    if (!(await takeOnce(`clients:daily:${digest.today}:${who || 'unowned'}`, 'scheduler'))) continue;
    const to = list.owner
      ? await recipientsOf(deps, [{ id: list.owner.staffId, name: list.owner.name }])
      : await csHeads(deps);
    if (!to.length) {
      deps.log.warn({ owner: list.owner?.name }, 'client follow-up owner has no chat identity');
      continue;
    }
    await notify(deps, to, digestCard(list, digest.today, tz, now));
    report.sent.push(who);
  }
  const won: string[] = [];
  for (const e of digest.escalations) if (await takeOnce(e.key, 'scheduler')) won.push(e.line);
  if (won.length) {
    await notify(deps, await csHeads(deps), {
      title: `客户跟进逾期上报（${digest.today}）`,
      color: 'red',
      lines: won.map((l) => `• ${l}`),
      note: '请督促负责人尽快回访、拜访或兑现承诺（客户管理制度 I.2.7、II.7）。',
    });
    report.escalated.push(...won);
  }
  return report;
}

export const clientMorning: JobDefinition = {
  name: 'clients.morning',
  cron: (config) => clientSettingsOf(config).dailyCron,
  description: '每天早上给负责人发到期的客户回访、拜访、承诺和投诉回访；逾期上报客服部负责人',
  catchUpMs: 12 * 3600_000,
  run: async (deps) => {
    await sendMorningLists(deps);
  },
};

export const clientJobs: JobDefinition[] = [clientMorning];
