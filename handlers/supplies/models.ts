import mongoose, { type InferRawDocType, type InferRawDocTypeFromSchema, type InferSchemaType, Schema } from 'mongoose';
import { pendingAuditField } from '../../src/models/audit.ts';

/*
 * Supplies (§4.1 驻点装备物资配置清单, §4.2 物资管理月报). Months are yyyy-MM in BOT_TIMEZONE.
 * Once-only writes: a report's `_id` is post + month (the first filing wins); a request's decision
 * goes through core/transition.ts (its `version`). No index options FerretDB rejects.
 */

/** One configured item of a post (§4.1): the quantity the post should hold. */
const itemSchema = new Schema(
  {
    post: { type: String, required: true },
    item: { type: String, required: true },
    quantity: { type: Number, required: true },
    unit: { type: String, default: '' },
    updatedBy: { type: String, default: '' },
    ...pendingAuditField,
  },
  { versionKey: false, timestamps: true },
);
itemSchema.index({ post: 1, item: 1 }, { unique: true });
export const SupplyItem = mongoose.model('SupplyItem', itemSchema);

/** Every change to a list, kept for good: who, when, old → new, and whether by chat or import. */
const changeSchema = new Schema(
  {
    post: { type: String, required: true },
    item: { type: String, required: true },
    from: { type: Number, default: null },
    to: { type: Number, default: null },
    unit: { type: String, default: '' },
    by: { type: String, default: '' },
    byName: { type: String, required: true },
    at: { type: Date, required: true },
    /** `chat`, `chat-import` (a pasted table) or `file:<name>` (npm run import-supplies). */
    source: { type: String, required: true },
  },
  { versionKey: false },
);
changeSchema.index({ post: 1, at: -1 });
export const SupplyChange = mongoose.model('SupplyChange', changeSchema);

const lineSchema = new Schema(
  {
    item: { type: String, required: true },
    stock: { type: Number, required: true },
    consumed: { type: Number, default: 0 },
    damaged: { type: Number, default: 0 },
    lost: { type: Number, default: 0 },
    note: { type: String, default: '' },
    /** The configured quantity when the report was filed (null: not on the list). */
    configured: { type: Number, default: null },
  },
  { _id: false },
);

const flagSchema = new Schema(
  {
    clause: { type: String, default: '' },
    kind: { type: String, required: true },
    item: { type: String, required: true },
    message: { type: String, required: true },
  },
  { _id: false },
);

/** One post's 物资管理月报 for one month (§4.2). */
const reportSchema = new Schema(
  {
    /** `${post}|${month}`: a second filing for the same month collides. */
    _id: { type: String, required: true },
    post: { type: String, required: true },
    month: { type: String, required: true },
    leaderId: { type: String, required: true },
    leaderName: { type: String, required: true },
    lines: { type: [lineSchema], default: [] },
    flags: { type: [flagSchema], default: [] },
    requestNos: { type: [String], default: [] },
    note: { type: String, default: '' },
    submittedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
reportSchema.index({ month: 1, post: 1 });
export const SupplyReport = mongoose.model('SupplyReport', reportSchema);

/**
 * A report 综合部 sent back for correction (退回月报), kept as it was filed with who returned it,
 * when and why; the post then files the month again.
 */
const returnedSchema = reportSchema.clone();
// as const keeps `required: true` literal, so the record type below can be inferred from it
const returnedFields = {
  reportId: { type: String, required: true },
  returnedBy: { type: String, default: '' },
  returnedByName: { type: String, required: true },
  returnedAt: { type: Date, required: true },
  returnReason: { type: String, required: true },
} as const;
returnedSchema.add(returnedFields);
returnedSchema.index({ reportId: 1 });
/** A report as read with lean(), derived from the schema above. */
export type SupplyReportRecord = InferRawDocTypeFromSchema<typeof reportSchema>;
/** clone() keeps the report's schema type, so the added fields are typed from their definition. */
export type ReturnedReportRecord = SupplyReportRecord & Omit<InferRawDocType<typeof returnedFields>, '_id'>;
export const SupplyReturnedReport = mongoose.model<ReturnedReportRecord>('SupplyReturnedReport', returnedSchema);

export const reportId = (post: string, month: string) => `${post}|${month}`;

/** One request of a report (申领), decided by 综合部 on a card or by command. */
const requestSchema = new Schema(
  {
    /** WZ-20261127-001 */
    _id: { type: String, required: true },
    post: { type: String, required: true },
    month: { type: String, required: true },
    reportId: { type: String, required: true },
    item: { type: String, required: true },
    quantity: { type: Number, required: true },
    unit: { type: String, default: '' },
    reason: { type: String, default: '' },
    /** What the post had and should have when it asked, shown to the approver. */
    stock: { type: Number, default: null },
    configured: { type: Number, default: null },
    requesterId: { type: String, required: true },
    requesterName: { type: String, required: true },
    status: { type: String, enum: ['pending', 'approved', 'refused'], default: 'pending' },
    decidedBy: { type: String, default: null },
    decidedByName: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    refuseReason: { type: String, default: null },
    requestedAt: { type: Date, required: true },
    version: { type: Number, default: 0 },
  },
  { versionKey: false, minimize: false },
);
requestSchema.index({ status: 1, requestedAt: 1 });
requestSchema.index({ month: 1 });
requestSchema.index({ requestedAt: 1 }); // 周报: the week's requests
// 查找 <驻点> (search.ts): a post's requests, newest first
requestSchema.index({ post: 1, requestedAt: -1 });
export const SupplyRequest = mongoose.model('SupplyRequest', requestSchema);
export type SupplyRequestRecord = InferSchemaType<typeof requestSchema> & { _id: string };

/**
 * Every approval card sent, so each copy is updated in place after the decision. Apart from the
 * request on purpose: a bookkeeping write racing a decision must not put the old status back.
 */
const requestCardSchema = new Schema(
  {
    requestNo: { type: String, required: true },
    channel: { type: String, required: true },
    userId: { type: String, required: true },
    messageId: { type: String, default: null },
  },
  { versionKey: false },
);
requestCardSchema.index({ requestNo: 1 });
export const SupplyRequestCard = mongoose.model('SupplyRequestCard', requestCardSchema);

export const supplyModels = [
  SupplyItem,
  SupplyChange,
  SupplyReport,
  SupplyReturnedReport,
  SupplyRequest,
  SupplyRequestCard,
];
