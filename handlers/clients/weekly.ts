import type { Services } from '../../src/core/context.ts';
import type { ClientMonthSection, Period, ReportClient, ReportPart, WeeklySection } from '../../src/core/reporting.ts';
import { type ContactKind, KIND_LABELS, nextDue } from './cadence-rules.ts';
import { Client, ClientPromise, type ClientRecord, clientLogRows, type PromiseRecord } from './models.ts';
import { dayOf } from './rules.ts';
import { clientSettingsOf } from './settings.ts';

/*
 * The clients' part of 周报 (Ch.10 I §2.5, §2.7, II §7): the phone follow-ups and visits done in the
 * week against those still overdue at its end (each client's cadence, as the morning list counts
 * it), and the promises due in the week kept or not, the open ones named. And the client's 月报:
 * the month's visits and calls, and its promises.
 */

const KINDS: ContactKind[] = ['call', 'visit'];

/** The last day of a period in the bot's zone (its `to` is exclusive). */
const lastDay = (p: Period, tz: string) => dayOf(new Date(p.to.getTime() - 1), tz);
const firstDay = (p: Period, tz: string) => dayOf(p.from, tz);

export const clientsWeekly: WeeklySection = {
  title: '客户回访',
  async build(services: Services, week: Period): Promise<ReportPart> {
    const tz = services.config.timezone;
    const [from, to] = [firstDay(week, tz), lastDay(week, tz)];
    const [done, clients, promises] = await Promise.all([
      clientLogRows.rows({ at: { $gte: week.from, $lt: week.to } }),
      Client.find(
        { status: { $in: ['current', 'potential'] } },
        { status: 1, callDays: 1, visitDays: 1, lastCallAt: 1, lastVisitAt: 1, createdAt: 1 },
      ).lean<ClientRecord[]>(),
      ClientPromise.find({ dueDay: { $gte: from, $lte: to }, status: { $in: ['open', 'done'] } }).lean<
        PromiseRecord[]
      >(),
    ]);
    const cadence = clientSettingsOf(services.config).cadence;
    const overdue: Record<ContactKind, number> = { call: 0, visit: 0 };
    for (const c of clients) {
      const due = nextDue(c, cadence, tz);
      for (const k of KINDS) if (due[k] && due[k]! < to) overdue[k]++;
    }
    const doneOf = (k: ContactKind) => done.filter((r) => r.kind === k).length;
    const kept = promises.filter((p) => p.status === 'done');
    const open = promises.filter((p) => p.status === 'open').sort((a, b) => a.dueDay.localeCompare(b.dueDay));
    return {
      title: '客户回访（第十章）',
      lines: [
        ...KINDS.map((k) => `${KIND_LABELS[k]}：本周完成 ${doneOf(k)} 次，到 ${to} 仍逾期 ${overdue[k]} 个客户`),
        `本周到期的承诺 ${promises.length} 项，已兑现 ${kept.length} 项${open.length ? '，未兑现：' : ''}`,
        ...open.map((p) => `• ${p._id} ${p.clientName}｜${p.text}｜${p.owner.name}｜${p.dueDay} 到期`),
      ],
      charts: [
        {
          kind: 'bar',
          title: '客户回访与承诺：完成与逾期',
          categories: [...KINDS.map((k) => KIND_LABELS[k]), '承诺'],
          series: [
            { name: '完成', values: [doneOf('call'), doneOf('visit'), kept.length] },
            { name: '逾期未做', values: [overdue.call, overdue.visit, open.length] },
          ],
          unit: '个',
        },
      ],
    };
  },
};

export const clientsClientMonth: ClientMonthSection = {
  title: '回访与承诺',
  async build(services: Services, client: ReportClient, month: Period): Promise<ReportPart> {
    const tz = services.config.timezone;
    const [from, to] = [firstDay(month, tz), lastDay(month, tz)];
    const [logs, promises] = await Promise.all([
      clientLogRows.all({ clientId: client.id, at: { $gte: month.from, $lt: month.to } }, { sort: { at: 1 } }),
      // a client's promises are few: read them all by client, keep the month's in memory
      ClientPromise.find({ clientId: client.id }).lean<PromiseRecord[]>(),
    ]);
    const due = promises
      .filter((p) => p.dueDay >= from && p.dueDay <= to && p.status !== 'refused' && p.status !== 'pending')
      .sort((a, b) => a.dueDay.localeCompare(b.dueDay));
    const kept = due.filter((p) => p.status === 'done');
    const count = (k: ContactKind) => logs.filter((l) => l.kind === k).length;
    return {
      title: '回访与承诺',
      lines: [
        `本月拜访 ${count('visit')} 次，电话回访 ${count('call')} 次`,
        ...logs.map(
          (l) =>
            `• ${l.day} ${KIND_LABELS[l.kind as ContactKind]}｜${l.by.name}${l.reached ? `｜${l.reached}` : ''}${
              l.purpose || l.content ? `｜${l.purpose || l.content}` : ''
            }`,
        ),
        `本月到期的承诺 ${due.length} 项，已兑现 ${kept.length} 项`,
        ...due.map((p) => `• ${p.text}｜${p.dueDay} 到期｜${p.status === 'done' ? '已兑现' : '未兑现'}`),
      ],
      charts: [
        {
          kind: 'bar',
          title: '本月拜访、回访与承诺',
          categories: ['拜访', '电话回访', '承诺已兑现', '承诺未兑现'],
          series: [{ name: '次数', values: [count('visit'), count('call'), kept.length, due.length - kept.length] }],
        },
      ],
    };
  },
};
