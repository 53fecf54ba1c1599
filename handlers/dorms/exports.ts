import type { StaffContext } from '../../src/core/context.ts';
import { monthOf } from '../../src/core/dates.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { EXPORT_PAGE, type ExportDefinition } from '../../src/core/reporting.ts';
import { echo, leadingName } from '../../src/core/text.ts';
import { DORM_MANAGERS, dormChoice, unknownDormText } from './common.ts';
import { outOf, type RentRecord, RentReport, type RollCallRow } from './models.ts';
import { rowsOfMonth } from './records.ts';
import { accountFor, mayseeAccount } from './rent-rules.ts';
import { STATUS_LABELS } from './rules.ts';

/*
 * 导出 查房记录 [宿舍] [月份]: a month of roll calls of every dorm the asker may see (综合部 and 行政部
 * all of them, a leader their own), one row per evening and dorm, and one per resident not in.
 * 导出 房租记录 [月份]: the month's rent reports as 房租记录 lists them, the account masked unless
 * the asker sees it in full there (综合部, 财务部, privately).
 */

const ROLLCALL_EXAMPLE = '导出 查房记录 2026-11';

type Scope = { dorms?: string[]; month: string } | { error: string };

/** The dorms and the month of 导出 查房记录, read as 查房记录 reads them (a dorm, then a month, either left out). */
async function rollCallScope(ctx: StaffContext, args: string): Promise<Scope> {
  const tz = ctx.services.config.timezone;
  const now = ctx.services.now();
  const choice = await dormChoice(ctx);
  const found = leadingName(choice.all, args);
  const words = (found ? found.rest : args).split(/\s+/).filter(Boolean);
  const first = words[0] ?? '';
  if (!found && first && !readMonth(first, now, tz))
    return { error: unknownDormText(first, choice, `例如：${ROLLCALL_EXAMPLE}`) };
  const monthText = found ? first : (words[0] ?? '');
  const month = monthText ? readMonth(monthText, now, tz) : monthOf(now, tz);
  if (!month)
    return { error: `月份「${echo(monthText)}」看不懂，请写成 本月、上月、2026-11 或 11月。例如：${ROLLCALL_EXAMPLE}` };
  if (choice.manager) return { dorms: found ? [found.name] : undefined, month };
  if (found && !choice.led.includes(found.name))
    return { error: `只有 ${found.name} 的队长、综合部或行政部可以查看它的查房记录。` };
  return { dorms: found ? [found.name] : choice.led, month };
}

function reportState(rc: RollCallRow): string {
  const r = rc.report;
  if (!r) return '未上报';
  if (r.preCurfew) return '只有22:00前预报，未确认';
  return r.late ? '迟报' : '按时';
}

/**
 * The month's roll calls of `dorms` (every dorm when undefined), by date then dorm, from their rows
 * (models.ts rollCallRows): one read of the month's rows, a few MB, shared by both sheets, instead
 * of 9,300 roll calls of ~10 KB read by `_id` once per sheet.
 */
function monthRows(dorms: string[] | undefined, month: string): () => Promise<RollCallRow[]> {
  let rows: Promise<RollCallRow[]> | undefined;
  return () => {
    rows ??= rowsOfMonth(month, dorms);
    return rows;
  };
}

async function* eveningRows(read: () => Promise<RollCallRow[]>): AsyncIterable<unknown[]> {
  for (const rc of await read()) {
    const out = outOf(rc);
    const named = (s: string) =>
      out
        .filter((e) => e.status === s)
        .map((e) => e.name)
        .join('、');
    yield [
      rc.date,
      rc.dorm,
      reportState(rc),
      rc.report?.by.name ?? '',
      rc.report?.at ?? null,
      rc.residentCount,
      named('absent'),
      named('leave'),
      named('night_duty'),
    ];
  }
}

async function* absenceRows(read: () => Promise<RollCallRow[]>): AsyncIterable<unknown[]> {
  for (const rc of await read()) {
    for (const e of outOf(rc)) yield [rc.date, rc.dorm, e.name, STATUS_LABELS[e.status], e.note, e.returnedAt ?? null];
  }
}

function payeeState(r: RentRecord): string {
  if (r.payeeChange === '') return '';
  const what = r.payeeChange === 'new' ? '新收款人' : '收款人有变';
  return r.payeeConfirmed ? `${what}，${r.payeeConfirmed.by.name} 已确认` : `${what}，待综合部确认`;
}

async function* rentRows(ctx: StaffContext, period: string): AsyncIterable<unknown[]> {
  const full = mayseeAccount({ isGroup: ctx.chat.isGroup, roles: ctx.sender.roles });
  const cursor = RentReport.find({ period }).sort({ dorm: 1 }).lean<RentRecord[]>().cursor({ batchSize: EXPORT_PAGE });
  for await (const r of cursor) {
    yield [
      r.period,
      r.dorm,
      r.amountFen,
      r.previousFen ?? null,
      r.changed ? '是' : '否',
      r.landlord,
      r.bank,
      accountFor(r.account, full),
      payeeState(r),
      r.reportedBy.name,
      r.reportedAt,
      r.paid ? '已付' : '待付款',
      r.paid?.date || null,
      r.paid?.method ?? '',
      r.paid?.by.name ?? '',
      r.note,
    ];
  }
}

export const dormExports: ExportDefinition[] = [
  {
    words: ['查房记录', 'rollcalls'],
    title: '查房记录',
    allow: ['team_leader', ...DORM_MANAGERS],
    async sheets(ctx, args) {
      const scope = await rollCallScope(ctx, args);
      if ('error' in scope) return scope;
      if (scope.dorms && !scope.dorms.length) return { error: '你还没有负责的宿舍，没有查房记录可导出。' };
      const read = monthRows(scope.dorms, scope.month);
      return [
        {
          name: `${scope.month} 查房`,
          columns: [
            { header: '日期', type: 'date' },
            { header: '宿舍', type: 'text' },
            { header: '上报情况', type: 'text', width: 22 },
            { header: '上报人', type: 'text', width: 10 },
            { header: '上报时间', type: 'datetime' },
            { header: '住宿人数', type: 'number' },
            { header: '未归', type: 'text', width: 20 },
            { header: '请假', type: 'text', width: 20 },
            { header: '夜班执勤', type: 'text', width: 20 },
          ],
          rows: eveningRows(read),
        },
        {
          name: '未归请假明细',
          columns: [
            { header: '日期', type: 'date' },
            { header: '宿舍', type: 'text' },
            { header: '姓名', type: 'text', width: 10 },
            { header: '情况', type: 'text', width: 10 },
            { header: '说明', type: 'text', width: 24 },
            { header: '归宿时间', type: 'datetime' },
          ],
          rows: absenceRows(read),
        },
      ];
    },
  },
  {
    words: ['房租记录', 'rents'],
    title: '房租记录',
    allow: ['general_affairs', 'finance', 'admin'],
    async sheets(ctx, args) {
      const tz = ctx.services.config.timezone;
      const period = args ? readMonth(args, ctx.services.now(), tz) : monthOf(ctx.services.now(), tz);
      if (!period) return { error: '月份请写成 本月、上月、2026-11 或 11月，例如：导出 房租记录 2026-11' };
      return [
        {
          name: `${period} 房租`,
          columns: [
            { header: '月份', type: 'text', width: 9 },
            { header: '宿舍', type: 'text' },
            { header: '房租', type: 'money' },
            { header: '上次房租', type: 'money' },
            { header: '金额有变', type: 'text', width: 9 },
            { header: '房东', type: 'text', width: 10 },
            { header: '开户行', type: 'text', width: 18 },
            { header: '账号', type: 'text', width: 24 },
            { header: '收款人变化', type: 'text', width: 22 },
            { header: '申报人', type: 'text', width: 10 },
            { header: '申报时间', type: 'datetime' },
            { header: '付款状态', type: 'text', width: 9 },
            { header: '付款日期', type: 'date' },
            { header: '付款方式', type: 'text' },
            { header: '付款人', type: 'text', width: 10 },
            { header: '备注', type: 'text', width: 24 },
          ],
          rows: rentRows(ctx, period),
        },
      ];
    },
  },
];
