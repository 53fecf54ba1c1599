import type { StaffContext } from '../../src/core/context.ts';
import { requestSummary } from './cards.ts';
import { SupplyRequest, type SupplyRequestRecord } from './models.ts';

/** Before 批准 of a request (a number on a text channel, ActionRoute.confirm). */
export async function approveRequestQuestion(ctx: StaffContext): Promise<string | undefined> {
  const q = await SupplyRequest.findById(ctx.action?.value.no ?? '').lean<SupplyRequestRecord>();
  if (q?.status !== 'pending') return undefined;
  return `确认批准${requestSummary(q)}？`;
}
