import { Schema } from 'mongoose';
import type { BotContext } from './context.ts';

/*
 * Who did what and when, the same on every record: the person acting as a workflow records them
 * (`actor`), and the sub-schemas records keep them in.
 */

/** A staff member as records name them; staffId is '' for a BOT_ADMINS identity not bound to one. */
export interface Person {
  staffId: string;
  name: string;
}

/** The person sending this message or clicking this button, as records keep them. */
export function actor(ctx: Pick<BotContext, 'sender'>): Person {
  return { staffId: ctx.sender?.staffId ?? '', name: ctx.sender?.name ?? '' };
}

/** A Person inside a record (assigned by, holder, resident…). */
export const personSchema = new Schema(
  { staffId: { type: String, default: '' }, name: { type: String, default: '' } },
  { _id: false },
);

/** The fields of one entry of a record's history; spread them to add a workflow's own (`late`, …). */
export const historyFields = {
  at: { type: Date, required: true as const },
  by: { type: personSchema, required: true as const },
  action: { type: String, required: true as const },
  detail: { type: String, default: '' },
};

/** One entry of a record's history: when, who, what (`action`) and the particulars (`detail`). */
export const historySchema = new Schema(historyFields, { _id: false });
