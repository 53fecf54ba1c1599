import mongoose, { type InferRawDocTypeFromSchema, type InferSchemaType, Schema } from 'mongoose';
import { personSchema } from '../../src/core/audit.ts';
import { NarrowCopy } from '../../src/core/narrow-copy.ts';
import { CLIENT_STATUSES } from './rules.ts';

/*
 * 客户管理 (Ch.10 I–II). The client record is owned here; complaint registration (Ch.10 III) picks
 * and creates the same records. Every change to a record is a transition() from its `version`, so
 * an edit, an import and a logged visit that meet never write over each other on FerretDB. No index
 * option FerretDB rejects (TTL, sparse, partial, text): search reads `searchText` with a regex.
 */

const contactSchema = new Schema(
  {
    name: { type: String, required: true },
    title: { type: String, default: '' },
    phone: { type: String, default: '' },
  },
  { _id: false },
);

const changeFieldSchema = new Schema({ field: String, from: String, to: String }, { _id: false });

/** I.1.1 客户关系…进行跟踪记录: one entry per saved change, with every field's old and new value. */
const changeSchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: personSchema, required: true },
    /** 新建 / 修改 / 导入 / 归档 / 登记投诉时建立 … */
    action: { type: String, required: true },
    fields: { type: [changeFieldSchema], default: [] },
  },
  { _id: false },
);

const clientSchema = new Schema(
  {
    name: { type: String, required: true, unique: true, trim: true },
    version: { type: Number, default: 0 },
    address: { type: String, default: '' },
    /** The client's main number (总机 / the number complaints were registered with). */
    phone: { type: String, default: '' },
    contacts: { type: [contactSchema], default: [] },
    /** 驻点 serving this client. */
    posts: { type: [String], default: [] },
    // a client known only from a complaint is a client the company serves
    status: { type: String, enum: CLIENT_STATUSES, default: 'current' },
    owner: { type: personSchema, default: null },
    notes: { type: String, default: '' },
    /** Per-client cadence in days (0 = none); null = the status default. */
    callDays: { type: Number, default: null },
    visitDays: { type: Number, default: null },
    /** Latest phone follow-up / visit logged: the cadence restarts from these. */
    lastCallAt: { type: Date, default: null },
    lastVisitAt: { type: Date, default: null },
    archivedAt: { type: Date, default: null },
    /** Name, contacts, phones and posts in one string, lower-cased: what 客户 <关键词> searches. */
    searchText: { type: String, default: '' },
    changes: { type: [changeSchema], default: [] },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
clientSchema.index({ status: 1, name: 1 });
clientSchema.index({ 'owner.staffId': 1, status: 1 });
clientSchema.index({ posts: 1 });
export const Client = mongoose.model('Client', clientSchema);
type ClientRaw = InferRawDocTypeFromSchema<typeof clientSchema>;
// mongoose 9 infers a sub-document array inside a sub-document as a DocumentArray; a lean read is a plain array
type ChangeRecord = Omit<ClientRaw['changes'][number], 'fields'> & {
  fields: Omit<InferRawDocTypeFromSchema<typeof changeFieldSchema>, '_id'>[];
};
/** A client as read with `.lean()`, derived from the schema above. */
export type ClientRecord = Omit<ClientRaw, 'changes'> & { changes: ChangeRecord[] };

/**
 * II 客户拜访: a phone follow-up or a visit, as logged in chat. A visit carries the fields of the
 * rulebook's 拜访报告 / 拜访客户记录卡.
 */
const clientLogSchema = new Schema(
  {
    clientId: { type: String, required: true },
    clientName: { type: String, required: true },
    kind: { type: String, enum: ['call', 'visit'], required: true },
    /** The day of the call or visit (yyyy-LL-dd, the bot's zone). */
    day: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: personSchema, required: true },
    /** Call: who was reached. Visit (II.2.6): the person met. */
    reached: { type: String, default: '' },
    /** II.2.6 the title of the person met. */
    reachedTitle: { type: String, default: '' },
    /** Call: what was said. */
    content: { type: String, default: '' },
    /** II.2.1 purpose of the visit. */
    purpose: { type: String, default: '' },
    /** II.1.1 / II.3.2 needs learned. */
    needs: { type: String, default: '' },
    /** II.1.2 problems found in the guard service. */
    problems: { type: String, default: '' },
    /** II.6.1 help or training given. */
    help: { type: String, default: '' },
    /** II.6.4 objections and how they were handled. */
    objections: { type: String, default: '' },
    /** II.4.2 competitors' client relations and service. */
    competitors: { type: String, default: '' },
    /** II.4.1 potential clients in the area. */
    prospects: { type: String, default: '' },
    /** II.7 the promises made, as typed; each one is also a ClientPromise. */
    promises: { type: String, default: '' },
    /** Pictures sent with the report, as chat-platform references. */
    photos: { type: [String], default: [] },
    /** III.3.1.10 the complaint whose follow-up this call or visit also was, and which one. */
    complaintId: { type: String, default: '' },
    complaintSeq: { type: Number, default: null },
  },
  { timestamps: true },
);
clientLogSchema.index({ clientId: 1, at: -1 });
clientLogSchema.index({ 'by.staffId': 1, at: -1 });
clientLogSchema.index({ at: 1 }); // 周报: the week's calls and visits
export type ClientLogRecord = InferSchemaType<typeof clientLogSchema> & { _id: mongoose.Types.ObjectId };
/**
 * What the lists of calls and visits filter and sort on, ~100 B a row (a log is ~2 KB with its
 * report texts, and FerretDB 1.24 decodes every log for any filter but `_id`: 1 s of its CPU for a
 * year's 7,000 logs). 周报 counts the week's from the rows; the client card, 月报, 查找 and 导出
 * read the logs they find by `_id` (src/core/narrow-copy.ts).
 */
export const clientLogRows = new NarrowCopy<ClientLogRecord>(
  { name: 'clientlogrows', fields: ['clientId', 'kind', 'at', 'by.staffId', 'createdAt'] },
  () => ClientLog,
);
clientLogRows.watch(clientLogSchema);
export const ClientLog = mongoose.model('ClientLog', clientLogSchema);

/**
 * II.7 对客户的承诺要兑现: one tracked promise, numbered CN-yyyymmdd-nnn. `pending`: it commits money
 * beyond its owner's authority and waits for the 董事长 (III §4.4); only `open` ones are reminded.
 * `refused`: the chairman did not confirm it, so it is not the company's promise.
 */
export const PROMISE_STATUSES = ['pending', 'open', 'done', 'refused'] as const;
const promiseSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    clientId: { type: String, required: true },
    clientName: { type: String, required: true },
    text: { type: String, required: true },
    dueDay: { type: String, required: true },
    owner: { type: personSchema, required: true },
    status: { type: String, enum: PROMISE_STATUSES, default: 'open' },
    /** §4.4 the money it commits (减免、赔偿 …); '' for a promise within the owner's authority. */
    money: { type: String, default: '' },
    /** §4.4 the chairman's answer to a `pending` promise: who, when, and why not. */
    decidedBy: { type: personSchema, default: null },
    decidedAt: { type: Date, default: null },
    decisionNote: { type: String, default: '' },
    logId: { type: String, default: '' },
    createdBy: { type: personSchema, required: true },
    doneAt: { type: Date, default: null },
    doneBy: { type: personSchema, default: null },
    doneNote: { type: String, default: '' },
  },
  { versionKey: false, timestamps: true },
);
promiseSchema.index({ status: 1, 'owner.staffId': 1, dueDay: 1 });
promiseSchema.index({ clientId: 1, status: 1 });
promiseSchema.index({ dueDay: 1 }); // 周报: the promises due in the week
// 查找 (search.ts): a client's promises and a person's, newest first
promiseSchema.index({ clientId: 1, createdAt: -1 });
promiseSchema.index({ 'owner.staffId': 1, createdAt: -1 });
export const ClientPromise = mongoose.model('ClientPromise', promiseSchema);
export type PromiseRecord = InferSchemaType<typeof promiseSchema> & { _id: string };

/**
 * #12 the exact-name lookup as a read by _id (FerretDB 1.24 indexes only a bare `{_id}` filter):
 * the client's normalized name (store.ts nameKey) → its id. Created with the client and moved on a
 * rename; the unique insert is also what stops two clients taking one name at the same moment.
 */
const clientNameSchema = new Schema(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
export const ClientName = mongoose.model('ClientName', clientNameSchema);

export const clientModels = [Client, ClientLog, ClientPromise, ClientName];
