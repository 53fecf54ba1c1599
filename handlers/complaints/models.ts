import mongoose, { type InferRawDocTypeFromSchema, Schema } from 'mongoose';
import { historySchema, personSchema } from '../../src/core/audit.ts';
import { NarrowCopy } from '../../src/core/narrow-copy.ts';
import { pendingAuditField } from '../../src/models/audit.ts';

/*
 * Client complaints (客户投诉, rulebook Ch.10 III). One document per complaint, keyed by its
 * acceptance number (受理编号, e.g. TS-20261127-003). Every state change goes through
 * core/transition.ts: the `version` field is what makes a double click act once on FerretDB.
 * No index option FerretDB rejects (TTL, sparse, partial, text); every query a handler or the
 * sweep made had an index below. Lists now filter the cases' rows (complaintRows, below), which
 * have no index of their own, and read the cases by `_id`.
 */

/** `unconfirmed`: registered by someone outside 客服部, waiting for 客服部 to accept it (§4.1); no clock runs. */
export const COMPLAINT_STATUSES = [
  'unconfirmed',
  'registered',
  'investigated',
  'decided',
  'following_up',
  'closed',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];
export const CATEGORIES = ['general', 'fee_deduction', 'unjustified'] as const;
export type Category = (typeof CATEGORIES)[number];
export const APPEAL_STATUSES = ['pending', 'upheld', 'changed'] as const;

// strings default to '' rather than being required: mongoose's `required` refuses an empty string
const text = { type: String, default: '' };
const at = { type: Date, required: true };

const followUpSchema = new Schema(
  {
    seq: { type: Number, required: true },
    dueAt: { type: Date, required: true },
    remindedAt: { type: Date, default: null },
    doneAt: { type: Date, default: null },
    by: { type: personSchema, default: null },
    outcome: { type: String, default: '' },
    note: { type: String, default: '' },
  },
  { _id: false },
);

const investigationSchema = new Schema(
  {
    cause: text,
    guards: { type: [String], default: [] },
    teamLeader: text,
    measures: text,
    by: { type: personSchema, required: true },
    at,
  },
  { _id: false },
);

const responsibleSchema = new Schema(
  {
    staffId: { type: String, required: true },
    name: { type: String, required: true },
    /** 责任队员 or 责任队长 */
    as: { type: String, enum: ['guard', 'team_leader'], required: true },
    toldAt: at,
    seenAt: { type: Date, default: null },
  },
  { _id: false },
);

const decisionSchema = new Schema(
  {
    reasonable: { type: Boolean, required: true },
    handling: text,
    responsibility: text,
    plan: text,
    /** The fee the client deducted, in fen. */
    deductionFen: { type: Number, default: null },
    /** Yuan, as records made before amounts were kept in fen have it; read only. */
    deductionAmount: { type: Number, default: null },
    deductionMonth: text,
    by: { type: personSchema, required: true },
    at,
  },
  { _id: false },
);

const effectSchema = new Schema(
  { effective: { type: Boolean, required: true }, note: text, by: { type: personSchema, required: true }, at },
  { _id: false },
);

const resultSchema = new Schema(
  { toldOn: text, content: text, via: text, by: { type: personSchema, required: true }, at },
  { _id: false },
);

const appealSchema = new Schema(
  {
    status: { type: String, enum: APPEAL_STATUSES, required: true },
    reason: text,
    by: { type: personSchema, required: true },
    at,
    ruling: text,
    ruledBy: { type: personSchema, default: null },
    ruledAt: { type: Date, default: null },
  },
  { _id: false },
);

/** One closed round of a reopened case, as it stood when it was reopened. */
const roundSchema = new Schema(
  {
    reopenedAt: at,
    reopenedBy: { type: personSchema, required: true },
    reason: text,
    investigation: { type: investigationSchema, default: null },
    decision: { type: decisionSchema, default: null },
    effect: { type: effectSchema, default: null },
    result: { type: resultSchema, default: null },
    appeal: { type: appealSchema, default: null },
    followUps: { type: [followUpSchema], default: [] },
    /** Who that round named responsible: they stay subjects of the case (#20). */
    responsible: { type: [responsibleSchema], default: [] },
  },
  { _id: false },
);

/**
 * §4.4 a handling that commits money to the client (a deduction, 减免, 赔偿 …) waits for the 董事长:
 * what it commits, who decided it, and the chairman's answer.
 */
export const APPROVAL_STATUSES = ['pending', 'approved', 'refused'] as const;
const approvalSchema = new Schema(
  {
    status: { type: String, enum: APPROVAL_STATUSES, required: true },
    /** What the handling commits, as shown to the chairman: 扣服务费 ¥500.00（2026-11）、减免 */
    what: text,
    requestedBy: { type: personSchema, required: true },
    requestedAt: at,
    decidedBy: { type: personSchema, default: null },
    decidedAt: { type: Date, default: null },
    note: text,
  },
  { _id: false },
);

/** §2 / §4.1: 客服部 set or changed the category; the time limit was recomputed from acceptance. */
const categoryChangeSchema = new Schema(
  {
    at,
    by: { type: personSchema, required: true },
    from: { type: String, enum: CATEGORIES, required: true },
    to: { type: String, enum: CATEGORIES, required: true },
    reason: text,
  },
  { _id: false },
);

const complaintSchema = new Schema(
  {
    /** 受理编号 */
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    status: { type: String, enum: COMPLAINT_STATUSES, default: 'registered' },
    // ── 客户投诉登记表 ──
    clientName: { type: String, required: true },
    /** The client record (clients workflow) by id; '' on complaints registered before it was kept. */
    clientId: { type: String, default: '' },
    clientAddress: { type: String, default: '' },
    clientPhone: { type: String, default: '' },
    reason: { type: String, required: true },
    demand: { type: String, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    type: { type: String, required: true },
    /**
     * 投诉受理: the 客服部 member who accepted it (§4.1). While `unconfirmed`, the registrant, until
     * 客服部 confirms.
     */
    acceptedBy: { type: personSchema, required: true },
    /**
     * 受理日期: when 客服部 accepted it; the time limit runs from it (§3.1.3). 客服部's own
     * registration is accepted when the client complained (earlier for 补登); anyone else's when
     * 客服部 confirms it. While `unconfirmed`, the time the registrant gave, until confirmed.
     */
    acceptedAt: { type: Date, required: true },
    /** When it was entered in the bot; later than acceptedAt for a registration made after the fact (补登). */
    registeredAt: { type: Date, default: null },
    /** Who entered it; null on cases registered before it was kept (acceptedBy entered those). */
    registeredBy: { type: personSchema, default: null },
    /** When the client complained as a registrant outside 客服部 said it; null when 客服部 registered. */
    reportedAt: { type: Date, default: null },
    /** Every category 客服部 set other than the one registered, oldest first (§2, §4.1). */
    categoryChanges: { type: [categoryChangeSchema], default: [] },
    remark: { type: String, default: '' },
    // ── §4.2 the client was told it is being handled ──
    clientToldAt: { type: Date, default: null },
    /** §4.2: when the owners are reminded if 已告知 is still missing (null on cases from before it was kept). */
    ackDueAt: { type: Date, default: null },
    ackRemindedAt: { type: Date, default: null },
    // ── §3.2 人防部's investigation ──
    investigation: { type: investigationSchema, default: null },
    /** §3.2.3 the responsible guards and team leader, told privately; each confirms having seen it. */
    responsible: { type: [responsibleSchema], default: [] },
    // ── §3.1.5 / §3.1.6 customer service's decision ──
    decision: { type: decisionSchema, default: null },
    /** §3.1.6 whether the improvement worked; 无效 sends it back to 人防部 for new measures. */
    effect: { type: effectSchema, default: null },
    /** §3.1.6 人防部 owes new measures because the last ones were confirmed 无效. */
    measuresDue: { type: Boolean, default: false },
    /** §4.4 the chairman's confirmation of a handling that commits money; null when none was needed. */
    approval: { type: approvalSchema, default: null },
    // ── §3.1.9 the result told to the client ──
    result: { type: resultSchema, default: null },
    // ── §4.5 签呈 ──
    appeal: { type: appealSchema, default: null },
    /** §3.1.10 the follow-up plan, created when the result is told. */
    followUps: { type: [followUpSchema], default: [] },
    // ── §3.1.3 time limits: resolution (result told) is due by dueAt ──
    dueAt: { type: Date, required: true },
    remindedAt: { type: Date, default: null },
    overdueAt: { type: Date, default: null },
    /** When the sweep must next look at this case (reminder, overdue, follow-up); null = nothing pending. */
    nextCheckAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    history: { type: [historySchema], default: [] },
    /** What earlier rounds found and decided, kept when a closed case is reopened. */
    earlierRounds: { type: [roundSchema], default: [] },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
complaintSchema.index({ nextCheckAt: 1 });
complaintSchema.index({ status: 1, acceptedAt: -1 });
complaintSchema.index({ status: 1, dueAt: 1 });
complaintSchema.index({ overdueAt: 1, status: 1 });
complaintSchema.index({ category: 1, acceptedAt: -1 });
complaintSchema.index({ clientName: 1, acceptedAt: -1 });
complaintSchema.index({ clientId: 1, acceptedAt: -1 });
complaintSchema.index({ acceptedAt: -1 });
complaintSchema.index({ closedAt: 1 }); // §4.3 report and 周报: cases closed in the period
complaintSchema.index({ 'acceptedBy.staffId': 1, clientToldAt: 1 });
complaintSchema.index({ 'registeredBy.staffId': 1, clientToldAt: 1 });
complaintSchema.index({ 'appeal.status': 1 });
complaintSchema.index({ 'responsible.staffId': 1 });
complaintSchema.index({ measuresDue: 1, status: 1 });
complaintSchema.index({ 'approval.status': 1 });
complaintSchema.index({ clientToldAt: 1, ackDueAt: 1 });
// 查找 <姓名> (search.ts): the cases a person accepted or is named responsible in, newest first
complaintSchema.index({ 'acceptedBy.staffId': 1, acceptedAt: -1 });
complaintSchema.index({ 'responsible.staffId': 1, acceptedAt: -1 });
/** A complaint as read with `.lean()`, derived from the schema above (never written out by hand). */
export type ComplaintRecord = InferRawDocTypeFromSchema<typeof complaintSchema>;

/**
 * Every path a complaint list, report, search or the clients' lists filter or sort on, and the
 * acceptor's name (the clients' daily lists show it). 5,000 complaints with their histories are
 * 41 MB, and FerretDB 1.24 decodes all of them for any filter but a bare `_id`; their rows are
 * ~7 MB as FerretDB stores them (src/core/narrow-copy.ts). A path missing here makes a list
 * silently miss cases: add it here when a query starts filtering on it. Each field costs every
 * read of the rows (~75 ms of FerretDB CPU per MB), so what lists only show stays out, or comes
 * flat in ROW_EXTRA.
 */
export const COMPLAINT_ROW_FIELDS = [
  'status',
  'category',
  'clientName',
  'clientId',
  'acceptedAt',
  'acceptedBy.staffId',
  'acceptedBy.name',
  'registeredBy.staffId',
  'responsible.staffId',
  'clientToldAt',
  'ackDueAt',
  'dueAt',
  'overdueAt',
  'closedAt',
  'nextCheckAt',
  'measuresDue',
  'appeal.status',
  'approval.status',
] as const;

/**
 * What the rows show without a path of their own (flat: a nested array of the follow-up plan
 * would be a third of the row): the deduction 周报 totals, in fen, and the next follow-up still
 * to be made (§3.1.10), for the clients' lists.
 */
function rowExtra(c: ComplaintRecord): Record<string, unknown> {
  const d = c.decision;
  const fen =
    typeof d?.deductionFen === 'number'
      ? d.deductionFen
      : typeof d?.deductionAmount === 'number'
        ? Math.round(d.deductionAmount * 100) // yuan on records from before amounts were kept in fen
        : null;
  const next = (c.followUps ?? []).find((f) => !f.doneAt); // as timing.ts nextFollowUp
  return { fen, ...(next ? { nextFollowUpSeq: next.seq, nextFollowUpAt: next.dueAt } : {}) };
}

/** A complaint's row: the record cut down to COMPLAINT_ROW_FIELDS, in the record's shape, and rowExtra. */
export interface ComplaintRow {
  _id: string;
  status: ComplaintStatus;
  category: Category;
  clientName: string;
  clientId?: string;
  acceptedAt: Date;
  acceptedBy: { staffId: string; name: string };
  registeredBy?: { staffId: string };
  responsible: { staffId: string }[];
  clientToldAt?: Date | null;
  ackDueAt?: Date | null;
  dueAt: Date;
  overdueAt?: Date | null;
  closedAt?: Date | null;
  nextCheckAt?: Date | null;
  measuresDue?: boolean;
  appeal?: { status: string };
  approval?: { status: string };
  /** The fee the client deducted, in fen; null when none was decided. */
  fen: number | null;
  /** The next follow-up still to be made; absent when none is. */
  nextFollowUpSeq?: number;
  nextFollowUpAt?: Date;
}

export const complaintRows = new NarrowCopy<ComplaintRecord>(
  { name: 'complaintrows', fields: COMPLAINT_ROW_FIELDS, extra: rowExtra },
  () => Complaint,
);
// before the model is compiled: the copy's hooks must be on the schema mongoose compiles
complaintRows.watch(complaintSchema);
export const Complaint = mongoose.model('Complaint', complaintSchema);

/** The rows matching `filter` (a complaint query on COMPLAINT_ROW_FIELDS only), sorted, at most `limit`. */
export async function complaintRowsWhere(
  filter: Record<string, unknown>,
  opts: { sort?: Record<string, 1 | -1>; limit?: number } = {},
): Promise<ComplaintRow[]> {
  return (await complaintRows.rows(filter, opts)) as ComplaintRow[];
}
export type Person = ComplaintRecord['acceptedBy'];
export type FollowUp = ComplaintRecord['followUps'][number];
export type Responsible = ComplaintRecord['responsible'][number];

/** Settings the admin can change, e.g. `complaint.types` (the 投诉类型 list). */
const settingSchema = new Schema(
  { _id: { type: String, required: true }, values: { type: [String], default: [] }, ...pendingAuditField },
  { versionKey: false, timestamps: true },
);
export const ComplaintSetting = mongoose.model('ComplaintSetting', settingSchema);

export const complaintModels = [Complaint, ComplaintSetting];
