import mongoose, { Schema, type InferRawDocTypeFromSchema } from 'mongoose';

/*
 * Client complaints (客户投诉, rulebook Ch.10 III). One document per complaint, keyed by its
 * acceptance number (受理编号, e.g. TS-20261127-003). Every state change goes through
 * core/transition.ts: the `version` field is what makes a double click act once on FerretDB.
 * No index option FerretDB rejects (TTL, sparse, partial, text); every query a handler or the
 * sweep makes has an index below.
 */

export const COMPLAINT_STATUSES = ['registered', 'investigated', 'decided', 'following_up', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];
export const CATEGORIES = ['general', 'fee_deduction', 'unjustified'] as const;
export type Category = (typeof CATEGORIES)[number];
export const APPEAL_STATUSES = ['pending', 'upheld', 'changed'] as const;

// strings default to '' rather than being required: mongoose's `required` refuses an empty string
const text = { type: String, default: '' };
const at = { type: Date, required: true };

const personSchema = new Schema({ staffId: { type: String, default: '' }, name: { type: String, default: '' } }, { _id: false });

const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: personSchema, required: true },
    action: { type: String, required: true },
    detail: { type: String, default: '' },
  },
  { _id: false },
);

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

const complaintSchema = new Schema(
  {
    /** 受理编号 */
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    status: { type: String, enum: COMPLAINT_STATUSES, default: 'registered' },
    // ── 客户投诉登记表 ──
    clientName: { type: String, required: true },
    clientAddress: { type: String, default: '' },
    clientPhone: { type: String, default: '' },
    reason: { type: String, required: true },
    demand: { type: String, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    type: { type: String, required: true },
    /** 投诉受理: who accepted it. */
    acceptedBy: { type: personSchema, required: true },
    /** 受理日期 */
    acceptedAt: { type: Date, required: true },
    remark: { type: String, default: '' },
    // ── §4.2 the client was told it is being handled ──
    clientToldAt: { type: Date, default: null },
    // ── §3.2 人防部's investigation ──
    investigation: {
      type: new Schema(
        {
          cause: text,
          guards: { type: [String], default: [] },
          teamLeader: text,
          measures: text,
          by: { type: personSchema, required: true },
          at,
        },
        { _id: false },
      ),
      default: null,
    },
    // ── §3.1.5 / §3.1.6 customer service's decision ──
    decision: {
      type: new Schema(
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
      ),
      default: null,
    },
    /** §3.1.6 whether the improvement worked. */
    effect: {
      type: new Schema({ effective: { type: Boolean, required: true }, note: text, by: { type: personSchema, required: true }, at }, { _id: false }),
      default: null,
    },
    // ── §3.1.9 the result told to the client ──
    result: {
      type: new Schema({ toldOn: text, content: text, via: text, by: { type: personSchema, required: true }, at }, { _id: false }),
      default: null,
    },
    // ── §4.5 签呈 ──
    appeal: {
      type: new Schema(
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
      ),
      default: null,
    },
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
  },
  { versionKey: false, timestamps: true, minimize: false },
);
complaintSchema.index({ nextCheckAt: 1 });
complaintSchema.index({ status: 1, acceptedAt: -1 });
complaintSchema.index({ status: 1, dueAt: 1 });
complaintSchema.index({ overdueAt: 1, status: 1 });
complaintSchema.index({ category: 1, acceptedAt: -1 });
complaintSchema.index({ clientName: 1, acceptedAt: -1 });
complaintSchema.index({ acceptedAt: -1 });
complaintSchema.index({ 'acceptedBy.staffId': 1, clientToldAt: 1 });
complaintSchema.index({ 'appeal.status': 1 });
export const Complaint = mongoose.model('Complaint', complaintSchema);
/** A complaint as read with `.lean()`, derived from the schema above (never written out by hand). */
export type ComplaintRecord = InferRawDocTypeFromSchema<typeof complaintSchema>;
export type Person = ComplaintRecord['acceptedBy'];
export type FollowUp = ComplaintRecord['followUps'][number];

/** Client records (客户档案): picked at registration instead of retyping name, address and phone. */
const clientSchema = new Schema(
  {
    name: { type: String, required: true, unique: true, trim: true },
    address: { type: String, default: '' },
    phone: { type: String, default: '' },
  },
  { timestamps: true },
);
export const Client = mongoose.model('Client', clientSchema);

/** Settings the admin can change, e.g. `complaint.types` (the 投诉类型 list). */
const settingSchema = new Schema(
  { _id: { type: String, required: true }, values: { type: [String], default: [] } },
  { versionKey: false, timestamps: true },
);
export const ComplaintSetting = mongoose.model('ComplaintSetting', settingSchema);

export const complaintModels = [Complaint, Client, ComplaintSetting];
