import mongoose, { type InferRawDocTypeFromSchema, Schema } from 'mongoose';
import { NarrowCopy } from '../../src/core/narrow-copy.ts';
import { ROLES } from '../../src/core/types.ts';
import { lastDecision, packItems, packSteps } from './claim-rows.ts';

/*
 * Expense reimbursements (费用报销, §3.5). Money is integer fen; item dates are yyyy-MM-dd strings in
 * BOT_TIMEZONE. State changes go through core/transition.ts (the `version` field); plain updates are
 * only for bookkeeping that no decision depends on (card refs, reminder times).
 * No index options FerretDB rejects (TTL, sparse, partial, text).
 */

export const CLAIM_STATUSES = ['pending', 'paid', 'rejected', 'withdrawn'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const STEP_STATUSES = ['waiting', 'pending', 'approved', 'rejected', 'paid', 'cancelled'] as const;
export const HISTORY_ACTIONS = ['submitted', 'approved', 'rejected', 'paid', 'withdrawn', 'companion'] as const;
/** §3.5.3 a named companion: staff confirm or deny on a card; others are for 综合部 to check. */
export const COMPANION_STATUSES = ['pending', 'confirmed', 'denied', 'not_staff', 'ambiguous'] as const;

const itemSchema = new Schema(
  {
    date: { type: String, required: true },
    category: { type: String, required: true },
    amount: { type: Number, required: true },
    matter: { type: String, required: true },
    contact: { type: String, required: true },
    serials: { type: [String], default: [] },
    travellers: { type: Number, default: 1 },
    /** §3.5.3 the other travellers of a group trip (staff names or free text), shown to approvers. */
    companions: { type: [String], default: [] },
    /** References to receipt files on the chat platform (image keys, file ids). */
    receipts: { type: [String], default: [] },
  },
  { _id: false },
);

/** A companion named on an item (§3.5.3 二人及以上同行), and whether they confirmed travelling. */
const companionCheckSchema = new Schema(
  {
    item: { type: Number, required: true },
    name: { type: String, required: true },
    staffId: { type: String, default: null },
    status: { type: String, enum: COMPANION_STATUSES, required: true },
    at: { type: Date, default: null },
  },
  { _id: false },
);

const flagSchema = new Schema(
  {
    clause: { type: String, default: '' },
    code: { type: String, required: true },
    message: { type: String, required: true },
    items: { type: [Number], default: [] },
  },
  { _id: false },
);

const stepSchema = new Schema(
  {
    key: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    label: { type: String, required: true },
    status: { type: String, enum: STEP_STATUSES, default: 'waiting' },
    by: { type: String, default: null },
    byName: { type: String, default: null },
    at: { type: Date, default: null },
    reason: { type: String, default: null },
  },
  { _id: false },
);

/** The audit trail: who did what and when, shown in the record. */
const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: String, default: '' },
    byName: { type: String, default: '' },
    action: { type: String, enum: HISTORY_ACTIONS, required: true },
    step: { type: String, default: '' },
    note: { type: String, default: '' },
  },
  { _id: false },
);

const claimSchema = new Schema(
  {
    /** The claim number, BX-20261127-001. */
    _id: { type: String, required: true },
    claimantId: { type: String, required: true },
    claimantName: { type: String, required: true },
    items: { type: [itemSchema], default: [] },
    total: { type: Number, required: true },
    flags: { type: [flagSchema], default: [] },
    steps: { type: [stepSchema], default: [] },
    stepIndex: { type: Number, default: 0 },
    status: { type: String, enum: CLAIM_STATUSES, default: 'pending' },
    /** Role of the current step while pending; null once the claim has ended. */
    currentRole: { type: String, enum: [...ROLES, null], default: null },
    stepSince: { type: Date, required: true },
    /** When the current step's approvers are next reminded; null once the claim has ended. */
    remindAt: { type: Date, default: null },
    history: { type: [historySchema], default: [] },
    resubmitOf: { type: String, default: null },
    resubmittedAs: { type: String, default: null },
    /** Once-only keys this claim holds besides ticket serials (a trip's costs, §3.4.5), freed on rejection or withdrawal. */
    holds: { type: [String], default: [] },
    companionChecks: { type: [companionCheckSchema], default: [] },
    payment: {
      date: { type: String, default: null },
      method: { type: String, default: null },
      by: { type: String, default: null },
      byName: { type: String, default: null },
      at: { type: Date, default: null },
    },
    /** Payment date (yyyy-MM-dd) once paid: the ledger's month query. */
    paidOn: { type: String, default: null },
    submittedAt: { type: Date, required: true },
    version: { type: Number, default: 0 },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
claimSchema.index({ claimantId: 1, submittedAt: -1 }); // 我的报销
claimSchema.index({ status: 1, currentRole: 1, submittedAt: 1 }); // 待审批
claimSchema.index({ status: 1, remindAt: 1 }); // the reminder job
claimSchema.index({ paidOn: 1 }); // the ledger
claimSchema.index({ resubmitOf: 1 });
claimSchema.index({ submittedAt: 1 }); // 周报: claims of the week
claimSchema.index({ 'steps.at': 1 }); // 周报: steps decided in the week
/** A claim as read with `.lean()`, derived from the schema above. */
export type ClaimRecord = InferRawDocTypeFromSchema<typeof claimSchema>;
/**
 * What 周报 counts of every claim, ~0.5 KB a row as FerretDB stores it (a claim is ~8 KB with its
 * history): its status, step role while pending, submission time, its steps (key, status, time,
 * label) and items (category, amount) as two short texts (claim-rows.ts), and the latest decision's
 * time to filter on. 周报 filters these rows for the week (one read of ~10 MB rather than ~1,500
 * claims read by _id). Kept by the claim's write hooks (every claim write goes through create or
 * updateOne: submit.ts, core/transition.ts); built once for older claims at the workflow's start.
 */
export const claimRows = new NarrowCopy<ClaimRecord>(
  {
    name: 'reimbursementweeklyrows',
    fields: ['status', 'submittedAt'],
    extra: (c) => {
      const last = lastDecision(c.steps);
      return {
        ...(c.currentRole ? { currentRole: c.currentRole } : {}),
        ...(last ? { lastAt: last } : {}),
        steps: packSteps(c.steps),
        items: packItems(c.items),
      };
    },
  },
  () => ReimbursementClaim,
);
claimRows.watch(claimSchema);
/**
 * The paid claims as 导出 报销台账 writes them (~1/3 of a claim as FerretDB stores it: no history,
 * flags, receipts), one collection per payment month, so a month's export reads that month's rows
 * in one query instead of each claim by _id (~1.5 ms of FerretDB CPU a claim). Paid is final, so a
 * claim's row, once written, stays in its month.
 */
export const ledgerRows = new NarrowCopy<ClaimRecord>(
  {
    name: 'reimbursementledger',
    fields: [
      'status',
      'claimantName',
      'total',
      'submittedAt',
      'paidOn',
      'payment.method',
      'payment.byName',
      'steps.label',
      'steps.status',
      'steps.byName',
      'steps.at',
      'items.date',
      'items.category',
      'items.amount',
      'items.matter',
      'items.contact',
      'items.serials',
      'items.companions',
    ],
    partition: (c) => (c.paidOn ?? '').slice(0, 7),
    keep: (c) => c.status === 'paid' && !!c.paidOn,
  },
  () => ReimbursementClaim,
);
ledgerRows.watch(claimSchema);
export const ReimbursementClaim = mongoose.model('ReimbursementClaim', claimSchema);
/** One item of a claim or draft as stored: money in fen, the date as yyyy-MM-dd in the bot's time zone. */
export type ItemRecord = Omit<InferRawDocTypeFromSchema<typeof itemSchema>, '_id'>; // the schema keeps no _id on items

/** A claim being put together item by item (one per staff member), before it gets a number. */
const draftSchema = new Schema(
  {
    /** The claimant's staff id. */
    _id: { type: String, required: true },
    /** Fresh per draft: submitting claims `reimbursedraft:<token>` so a double click submits once. */
    token: { type: String, required: true },
    items: { type: [itemSchema], default: [] },
    /** When the last item was put in (the bot's clock): its receipt photos are wanted from then on. */
    itemAt: { type: Date },
    /** The item (0-based) the next receipt photos go to, chosen with 补票据; null = the last item. */
    photoItem: { type: Number, default: null },
    resubmitOf: { type: String, default: null },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
export const ReimbursementDraft = mongoose.model('ReimbursementDraft', draftSchema);

/**
 * Every approval card sent, so each copy can be updated in place after a decision. Kept apart from
 * the claim on purpose: FerretDB writes whole documents back, so a bookkeeping $push on the claim
 * racing a decision could put the old status back.
 */
const approvalCardSchema = new Schema(
  {
    claimNo: { type: String, required: true },
    step: { type: String, required: true },
    channel: { type: String, required: true },
    userId: { type: String, required: true },
    messageId: { type: String, default: null },
  },
  { versionKey: false },
);
approvalCardSchema.index({ claimNo: 1, step: 1 });
export const ReimbursementCard = mongoose.model('ReimbursementCard', approvalCardSchema);

/**
 * 我的报销 without a scan: each claimant's claim numbers, newest first, read by `_id` (the staff id).
 * FerretDB 1.24 runs `{claimantId}` as a full scan whatever the index. Changed only through
 * transition() on `version`, so two submissions at once cannot drop each other's number.
 */
const claimsByStaffSchema = new Schema(
  {
    _id: { type: String, required: true },
    claims: { type: [String], default: [] },
    version: { type: Number, default: 0 },
  },
  { versionKey: false },
);
export const ClaimsByStaff = mongoose.model('ClaimsByStaff', claimsByStaffSchema, 'reimbursementsbystaff');

export const reimbursementModels = [ReimbursementClaim, ReimbursementDraft, ReimbursementCard, ClaimsByStaff];
