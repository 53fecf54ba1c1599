import type { StaffContext } from '../../src/core/context.ts';
import { formatFen } from '../../src/core/money.ts';
import { type RentRecord, RentReport } from './models.ts';

/*
 * What 已付款 and 确认收款人 say before they run (ActionRoute.confirm): the dorm, the month, the
 * amount and the payee, so a number typed for another card cannot record a payment unseen.
 */

/** 「城南宿舍 2026-11 房租 ¥3500.00，收款人 王房东」 */
export function rentSummary(r: Pick<RentRecord, 'dorm' | 'period' | 'amountFen' | 'landlord'>): string {
  return `${r.dorm} ${r.period} 房租 ${formatFen(r.amountFen)}，收款人 ${r.landlord}`;
}

async function openReport(ctx: StaffContext): Promise<RentRecord | null> {
  return RentReport.findById(ctx.action?.value.id ?? '').lean<RentRecord>();
}

/** Before 已付款 (a number on a text channel). */
export async function paidQuestion(ctx: StaffContext): Promise<string | undefined> {
  const r = await openReport(ctx);
  if (!r || r.paid) return undefined;
  return `确认登记已付款：${rentSummary(r)}（银行转账，今天）？其他方式或日期请发送「房租已付 ${r.dorm} ${r.period} 方式 日期」。`;
}

/** Before 确认收款人 (a number on a text channel). */
export async function payeeQuestion(ctx: StaffContext): Promise<string | undefined> {
  const r = await openReport(ctx);
  if (!r || r.payeeConfirmed) return undefined;
  return `确认收款人：${rentSummary(r)}（${r.bank}）？确认后财务部就可以付款。`;
}
