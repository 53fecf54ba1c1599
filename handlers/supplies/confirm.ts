import type { StaffContext } from '../../src/core/context.ts';
import type { RequestView } from './cards.ts';
import { SupplyRequest, type SupplyRequestRecord } from './models.ts';

/** 「申领 WZ-…：万达广场 对讲机 2台」: what 批准 approves, as its confirmation names it. */
export function requestSummary(q: Pick<RequestView, '_id' | 'post' | 'item' | 'quantity' | 'unit'>): string {
  return `申领 ${q._id}：${q.post} ${q.item} ${q.quantity}${q.unit}`;
}

/** Before 批准 of a request (a number on a text channel, ActionRoute.confirm). */
export async function approveRequestQuestion(ctx: StaffContext): Promise<string | undefined> {
  const q = await SupplyRequest.findById(ctx.action?.value.no ?? '').lean<SupplyRequestRecord>();
  if (q?.status !== 'pending') return undefined;
  return `确认批准${requestSummary(q)}？`;
}
