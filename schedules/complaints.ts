import { complaintCard, nextButtons } from '../handlers/complaints/card.ts';
import { fmt } from '../handlers/complaints/common.ts';
import { complaintDue, pendingComplaintChecks } from '../handlers/complaints/due.ts';
import { Complaint, type ComplaintRecord } from '../handlers/complaints/models.ts';
import { notifyWithPhoneRights } from '../handlers/complaints/notice.ts';
import { REPORT_TO, readReport, reportCard, weekBefore } from '../handlers/complaints/report.ts';
import {
  CATEGORY_LABELS,
  complaintSubjects,
  dueWork,
  nextCheckAt,
  STATUS_LABELS,
  waitingOn,
} from '../handlers/complaints/rules.ts';
import { complaintSettings } from '../handlers/complaints/settings.ts';
import type { Services } from '../src/core/context.ts';
import { notify, type Recipient, recipientsOf, recipientsWithRole } from '../src/core/notify.ts';
import { takeOnce } from '../src/core/once.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';
import { transition } from '../src/core/transition.ts';
import type { Role } from '../src/core/types.ts';
import { Staff } from '../src/models/index.ts';

const SYSTEM = { staffId: '', name: '系统' };
const BATCH = 200;

export interface SweepReport {
  reminded: string[];
  escalated: string[];
  followUps: string[];
  /** §4.2 cases whose owners were reminded to tell the client it is being handled. */
  ackReminded: string[];
}

/**
 * §3.1.3 / §3.1.10: visits the cases keyed as due since the last run (complaintDue: reads by `_id`,
 * never a scan of all cases), and for each whose own `nextCheckAt` has come does what is due —
 * remind the owner before the time limit, escalate an overdue case to the customer-service head
 * and 综合部, remind customer service of a follow-up call. A case still waiting for 客服部's
 * confirmation (§4.1) has no clock yet: dueWork finds nothing to do for it. Each change is a transition() from the
 * version read, so two schedulers (or two runs) act once.
 */
export async function sweepComplaints(deps: Services): Promise<SweepReport> {
  const now = deps.now();
  const report: SweepReport = { reminded: [], escalated: [], followUps: [], ackReminded: [] };
  await complaintDue.sweep(now, (id) => sweepOne(deps, id, now, report), {
    limit: BATCH,
    existing: pendingComplaintChecks,
  });
  return report;
}

/** Backfills the due keys of cases stored before they existed; the sweep does it by itself on its first run. */
export async function backfillComplaintKeys(deps: Services): Promise<void> {
  await complaintDue.backfill(await pendingComplaintChecks(), deps.now());
}

/** One keyed case: acts if its own `nextCheckAt` has come; returns that time when it is still ahead. */
async function sweepOne(deps: Services, id: string, now: Date, report: SweepReport): Promise<Date | null> {
  const c = await Complaint.findById(id).lean<ComplaintRecord>();
  // a stale or extra key: the case was closed, or its next check moved (and has its own key)
  if (!c?.nextCheckAt) return null;
  if (c.nextCheckAt > now) return c.nextCheckAt;
  const remindBefore = complaintSettings.of(deps.config).remindBeforeHours;
  const work = dueWork(c, now, remindBefore);
  const set: Partial<ComplaintRecord> = {};
  const entries: { at: Date; by: typeof SYSTEM; action: string; detail: string }[] = [];
  if (work.escalate) {
    set.overdueAt = now;
    entries.push({
      at: now,
      by: SYSTEM,
      action: '逾期上报',
      detail: `${CATEGORY_LABELS[c.category]}时限 ${fmt(deps, c.dueAt)} 已过，仍${STATUS_LABELS[c.status]}`,
    });
  }
  if (work.remind) {
    set.remindedAt = now;
    entries.push({ at: now, by: SYSTEM, action: '时效提醒', detail: `须在 ${fmt(deps, c.dueAt)} 前告知客户结果` });
  }
  if (work.followUpsDue.length) {
    set.followUps = c.followUps.map((f) => (work.followUpsDue.includes(f.seq) ? { ...f, remindedAt: now } : f));
    entries.push({ at: now, by: SYSTEM, action: '回访提醒', detail: `第 ${work.followUpsDue.join('、')} 次回访到期` });
  }
  if (work.ackRemind) {
    set.ackRemindedAt = now;
    entries.push({
      at: now,
      by: SYSTEM,
      action: '告知提醒',
      detail: `登记后 ${complaintSettings.of(deps.config).ackRemindHours} 小时仍未确认已告知客户受理（§4.2）`,
    });
  }
  set.nextCheckAt = nextCheckAt({ ...c, ...set }, remindBefore);
  await complaintDue.add(c._id, set.nextCheckAt, now);
  const update = entries.length ? { $set: set, $push: { history: { $each: entries } } } : { $set: set };
  if (!(await transition(Complaint, c._id, c.version, update, 'scheduler'))) return null;
  if (!entries.length) return null;
  const after: ComplaintRecord = { ...c, ...set, version: c.version + 1 };
  try {
    if (work.escalate) {
      await escalate(deps, after);
      report.escalated.push(c._id);
    }
    if (work.remind) {
      await remindOwner(deps, after);
      report.reminded.push(c._id);
    }
    if (work.followUpsDue.length) {
      await remindFollowUp(deps, after);
      report.followUps.push(c._id);
    }
    if (work.ackRemind) {
      await remindAck(deps, after);
      report.ackReminded.push(c._id);
    }
  } catch (err) {
    deps.log.warn({ err, complaint: c._id }, 'complaint notification failed');
  }
  return null;
}

async function send(
  deps: Services,
  recipients: Recipient[],
  c: ComplaintRecord,
  title: string,
  note: string,
  roles: string[],
  only?: string,
) {
  const seen = new Set<string>();
  const unique = recipients.filter(
    (r) => !seen.has(`${r.channel}:${r.userId}`) && seen.add(`${r.channel}:${r.userId}`),
  );
  if (!unique.length) {
    deps.log.warn({ complaint: c._id, title }, 'nobody to notify about a complaint');
    return;
  }
  const buttons = nextButtons(c, (r) => roles.includes(r)).filter((b) => !only || b.action === only);
  await notifyWithPhoneRights(deps, unique, (fullPhone) => complaintCard(deps, c, { fullPhone, title, note, buttons }));
}

function acceptor(c: ComplaintRecord) {
  return c.acceptedBy.staffId ? [{ id: c.acceptedBy.staffId, name: c.acceptedBy.name }] : [];
}

/** Whoever accepted the case, and whoever registered it when that was someone else (a 队长, §4.1). */
function owners(c: ComplaintRecord) {
  const reg = c.registeredBy;
  return [
    ...acceptor(c),
    ...(reg?.staffId && reg.staffId !== c.acceptedBy.staffId ? [{ id: reg.staffId, name: reg.name }] : []),
  ];
}

/** §3.1.3 逾期反映: to the customer-service head(s) and 综合部. */
async function escalate(deps: Services, c: ComplaintRecord): Promise<void> {
  const heads = complaintSettings.of(deps.config).csHeadPhones;
  const headStaff = heads.length ? await Staff.find({ phone: { $in: heads }, active: true }, { name: 1 }).lean() : [];
  const csHeads = headStaff.length
    ? await recipientsOf(
        deps,
        headStaff.map((s) => ({ id: String(s._id), name: s.name })),
      )
    : await recipientsWithRole(deps, ['customer_service']);
  const ga = await recipientsWithRole(deps, ['general_affairs']);
  const note = `已超过处理时限（${fmt(deps, c.dueAt)}），现在${STATUS_LABELS[c.status]}。请督促尽快处理并告知客户结果。`;
  await send(deps, csHeads, c, `投诉逾期：${c._id}`, note, ['customer_service']);
  await send(
    deps,
    ga.filter((r) => !csHeads.some((h) => h.channel === r.channel && h.userId === r.userId)),
    c,
    `投诉逾期：${c._id}`,
    note,
    [],
  );
}

/** Before the time limit runs out: the department the case waits on, and whoever accepted it. */
async function remindOwner(deps: Services, c: ComplaintRecord): Promise<void> {
  // §4.4 a handling that commits money waits on the chairman, not on 客服部
  const roles: Role[] = c.approval?.status === 'pending' ? ['chairman'] : waitingOn(c.status);
  const to = [...(await recipientsWithRole(deps, roles)), ...(await recipientsOf(deps, owners(c)))];
  await send(
    deps,
    to,
    c,
    `投诉即将超时：${c._id}`,
    `请在 ${fmt(deps, c.dueAt)} 前处理完并告知客户结果（§3.1.3）。`,
    roles,
  );
}

/**
 * §4.2 「投诉后，必须明确告知客户，会尽快转有关部门前来查处」: not on record in time — whoever
 * registered and accepted it, and 客服部, who owns the client's side of every case.
 */
async function remindAck(deps: Services, c: ComplaintRecord): Promise<void> {
  const to = [
    ...(await recipientsOf(deps, owners(c))),
    ...(await recipientsWithRole(deps, ['customer_service'], complaintSubjects(c))),
  ];
  const note =
    '还没有确认已告知客户受理。请告诉客户：投诉已收到，会尽快转有关部门查处（§4.2），然后点「已告知客户受理」或发送「已告知 编号」。没有告知的投诉不能结案。';
  await send(deps, to, c, `投诉未告知客户：${c._id}`, note, ['customer_service', 'team_leader'], 'complaints.told');
}

/** §3.1.10: a planned follow-up call is due. */
async function remindFollowUp(deps: Services, c: ComplaintRecord): Promise<void> {
  const cs = [...(await recipientsOf(deps, acceptor(c))), ...(await recipientsWithRole(deps, ['customer_service']))];
  await send(
    deps,
    cs,
    c,
    `回访到期：${c._id}`,
    '请回访客户，然后点「记录回访」或发送「回访 编号 满意/不满意 情况」。',
    ['customer_service'],
  );
}

export const complaintSweep: JobDefinition = {
  name: 'complaints.sweep',
  cron: '*/5 * * * *',
  description: '投诉时效提醒、逾期上报、回访提醒',
  catchUpMs: 60 * 60_000,
  run: async (deps) => {
    await sweepComplaints(deps);
  },
};

/**
 * §4.3 上报公司: the report of the seven days before `slot` goes to 行政部 and 董事长, once for that
 * period however many instances or reruns (a takeOnce key per period). Returns whether it was sent.
 */
export async function sendWeeklyReport(deps: Services, slot: Date): Promise<boolean> {
  const period = weekBefore(slot, deps.config.timezone);
  const to = await recipientsWithRole(deps, REPORT_TO);
  if (!to.length) {
    deps.log.warn({ period: period.label }, 'nobody in 行政部 or 董事长 to send the complaint report to');
    return false;
  }
  if (!(await takeOnce(`complaints-report:${period.label}`))) return false;
  await notify(deps, to, reportCard(deps, await readReport(period, deps.now())));
  return true;
}

export const complaintReportJob: JobDefinition = {
  name: 'complaints.report',
  cron: (config) => complaintSettings.of(config).reportCron,
  description: '每周投诉报告上报行政部和董事长（§4.3）',
  catchUpMs: 24 * 3600_000,
  run: async (deps, slot) => {
    await sendWeeklyReport(deps, slot);
  },
};

export const complaintJobs: JobDefinition[] = [complaintSweep, complaintReportJob];
