import mongoose, { type InferRawDocTypeFromSchema, Schema } from 'mongoose';
import { historyFields, personSchema } from '../../src/core/audit.ts';
import { NarrowCopy } from '../../src/core/narrow-copy.ts';
import { pendingAuditField } from '../../src/models/audit.ts';
import { STATUSES } from './rules.ts';

/*
 * What the dorm workflow owns (§3.3). Keys that must be unique are `_id`s so a double click or a
 * second bot instance cannot create a duplicate on FerretDB 1.24; changes to a roll call or a rent
 * report go through transition() on `version`. No index option FerretDB rejects.
 */

/** One leader of one dorm (`<dorm>:<staffId>`); a dorm may have several, a leader several dorms. */
const dormLeaderSchema = new Schema(
  {
    _id: { type: String, required: true },
    dorm: { type: String, required: true },
    staffId: { type: String, required: true },
    name: { type: String, required: true },
    assignedBy: { type: personSchema, required: true },
    assignedAt: { type: Date, required: true },
    ...pendingAuditField,
  },
  { versionKey: false },
);
dormLeaderSchema.index({ dorm: 1 });
dormLeaderSchema.index({ staffId: 1 });
export const DormLeader = mongoose.model('DormLeader', dormLeaderSchema);

const entrySchema = new Schema(
  {
    staffId: { type: String, required: true },
    name: { type: String, required: true },
    status: { type: String, enum: STATUSES, required: true },
    note: { type: String, default: '' },
    /** 归宿时间 of a 未归 resident who came back. */
    returnedAt: { type: Date, default: null },
    returnedBy: { type: personSchema, default: null },
  },
  { _id: false },
);

const reportSchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: personSchema, required: true },
    late: { type: Boolean, default: false },
    /** Made before 22:00 (§3.3.3) and not yet confirmed at or after it: a 预报 of who is expected in. */
    preCurfew: { type: Boolean, default: false },
    entries: { type: [entrySchema], default: [] },
  },
  { _id: false },
);

const historySchema = new Schema(
  {
    ...historyFields,
    late: { type: Boolean, default: false },
    entries: { type: [entrySchema], default: undefined },
  },
  { _id: false },
);

/**
 * One dorm's roll call on one evening (`<yyyy-MM-dd>:<dorm>`). Its insert is the claim that makes
 * the roll call go out once; the report is replaced by corrections, and every version of it is
 * kept in `history` (who, when, what).
 */
const rollCallSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    date: { type: String, required: true },
    dorm: { type: String, required: true },
    residents: { type: [personSchema], default: [] },
    leaders: { type: [personSchema], default: [] },
    /** When the roll call was sent; null when the leader reported without being asked. */
    askedAt: { type: Date, default: null },
    report: { type: reportSchema, default: null },
    history: { type: [historySchema], default: [] },
  },
  { versionKey: false, minimize: false },
);
rollCallSchema.index({ date: 1 });
rollCallSchema.index({ dorm: 1, date: 1 });
// 查找 <姓名> (search.ts): a person's absences, newest first
rollCallSchema.index({ 'report.entries.staffId': 1, date: -1 });

/** A roll call's row in rollCallRows: what an evening's figures, 查房记录, the exports, 归宿 and 查找 read. */
export interface RollCallRow {
  _id: string;
  date: string;
  dorm: string;
  askedAt: Date | null;
  report?: { at: Date; late?: boolean; preCurfew?: boolean; by: { name: string } };
  /** The report's entries other than 已归, each packed in one string (packEntry; read them with outOf). */
  out: string[];
  /** The staff ids reported 未归, for 查找's filter. */
  absent: string[];
  residentCount: number;
}
export type OutEntry = Pick<EntryRecord, 'staffId' | 'name' | 'status' | 'note' | 'returnedAt'>;

/*
 * An entry as one string: FerretDB 1.24 decodes every field of every row a query reads, with a type
 * description per field, so five fields an entry made a month's rows (9,000) three times the bytes
 * and CPU (1.1 s against 0.45 s on the year's data) for what only this code reads back.
 */
const packEntry = (e: OutEntry): string =>
  JSON.stringify([e.status, e.staffId, e.name, e.note ?? '', e.returnedAt ? new Date(e.returnedAt).getTime() : null]);

/** A row's entries of people not in. */
export function outOf(row: Pick<RollCallRow, 'out'>): OutEntry[] {
  return row.out.map((packed) => {
    const [status, staffId, name, note, returned] = JSON.parse(packed) as [
      OutEntry['status'],
      string,
      string,
      string,
      number | null,
    ];
    return { status, staffId, name, note, returnedAt: returned === null ? null : new Date(returned) };
  });
}

/*
 * The roll calls' narrow copy, one collection per month (rollcallrows_yyyyMM): 110,000 roll calls a
 * year of 300 dorms are 1,072 MB, and FerretDB 1.24 decodes all of them for any filter but a bare
 * `_id` (~90 s of its CPU); a month's rows are ~4 MB. A roll call's date never changes, so neither
 * does its month. Only the entries of people not in are kept (`out`): a dorm's residents in are
 * most of a roll call and no figure counts them.
 */
export const rollCallRows = new NarrowCopy<RollCallRecord>(
  {
    name: 'rollcallrows',
    fields: ['date', 'dorm', 'askedAt', 'report.at', 'report.late', 'report.preCurfew', 'report.by.name'],
    extra: (rc) => {
      const out = (rc.report?.entries ?? []).filter((e) => e.status !== 'present');
      return {
        residentCount: rc.residents?.length ?? 0,
        out: out.map(packEntry),
        absent: out.filter((e) => e.status === 'absent').map((e) => e.staffId),
      };
    },
    partition: (rc) => rc.date.slice(0, 7),
  },
  () => RollCall,
);
// before the model is compiled: RollCall.create and transition()'s updateOne are every write it has
rollCallRows.watch(rollCallSchema);
export const RollCall = mongoose.model('RollCall', rollCallSchema);

/** 卫生评比 (§3.3.2): one inspection of one dorm against the §3.3.1 checklist. */
const hygieneSchema = new Schema(
  {
    dorm: { type: String, required: true },
    /** Local date of the inspection (yyyy-MM-dd); its first 7 characters are the month ranked. */
    date: { type: String, required: true },
    items: { type: [new Schema({ key: String, label: String, pass: Boolean }, { _id: false })], default: [] },
    score: { type: Number, required: true },
    inspector: { type: personSchema, required: true },
    /**
     * #20: the inspector leads this dorm, so it is the leader's own check (自查): kept, shown, and
     * left out of the ranking, which uses 综合部's or another leader's evaluations.
     */
    selfCheck: { type: Boolean, default: false },
    notes: { type: String, default: '' },
    at: { type: Date, required: true },
    /** Pictures sent right after the evaluation, as chat-platform references. */
    photos: { type: [String], default: [] },
  },
  { versionKey: false },
);
hygieneSchema.index({ date: 1 });
hygieneSchema.index({ dorm: 1, date: 1 });
export const HygieneEvaluation = mongoose.model('HygieneEvaluation', hygieneSchema);

/**
 * 房租申报 (§3.3.4): one dorm's rent for one month (`<yyyy-MM>:<dorm>`). The account number is
 * stored in full for finance's transfer and never written to a log.
 */
const rentSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    dorm: { type: String, required: true },
    period: { type: String, required: true },
    amountFen: { type: Number, required: true },
    landlord: { type: String, required: true },
    bank: { type: String, required: true },
    account: { type: String, required: true },
    note: { type: String, default: '' },
    previousFen: { type: Number, default: null },
    changed: { type: Boolean, default: false },
    reportedBy: { type: personSchema, required: true },
    reportedAt: { type: Date, required: true },
    /**
     * The landlord or account against the dorm's last accepted report (rent-rules payeeChange):
     * '' the same, 'changed', or 'new' (nothing accepted before). Anything but '' is paid only once
     * 综合部 confirmed it (`payeeConfirmed`). Records from before this check are ''.
     */
    payeeChange: { type: String, enum: ['', 'changed', 'new'], default: '' },
    /** The last accepted report's payee, shown beside the new one (old → new). */
    lastPayee: {
      type: new Schema(
        {
          period: { type: String, required: true },
          landlord: { type: String, required: true },
          bank: { type: String, default: '' },
          account: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    payeeConfirmed: {
      type: new Schema(
        { by: { type: personSchema, required: true }, at: { type: Date, required: true } },
        { _id: false },
      ),
      default: null,
    },
    paid: {
      type: new Schema(
        // always written whole (markPaid), so the inferred record type needs no cast
        {
          method: { type: String, default: '' },
          date: { type: String, default: '' },
          by: { type: personSchema, required: true },
          at: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { versionKey: false, minimize: false },
);
rentSchema.index({ period: 1 });
rentSchema.index({ dorm: 1, period: 1 });
export const RentReport = mongoose.model('RentReport', rentSchema);

/**
 * Where a roll-call card went (`<rollCall>:<channel>:<userId>`), to update it in place after the
 * report. Kept apart from the roll call so this bookkeeping write can never race a report.
 */
const rollCallCardSchema = new Schema(
  {
    _id: { type: String, required: true },
    rollCall: { type: String, required: true },
    channel: { type: String, required: true },
    userId: { type: String, required: true },
    messageId: { type: String, default: '' },
  },
  { versionKey: false },
);
rollCallCardSchema.index({ rollCall: 1 });
export const RollCallCard = mongoose.model('RollCallCard', rollCallCardSchema);

export const dormModels = [DormLeader, RollCall, RollCallCard, HygieneEvaluation, RentReport];

/** Records as read with `.lean()`, derived from the schemas above (never written out by hand). */
type RollCallRaw = InferRawDocTypeFromSchema<typeof rollCallSchema>;
export type EntryRecord = NonNullable<RollCallRaw['report']>['entries'][number];
// mongoose 9 infers an array with `default: undefined` as a DocumentArray; a lean read is a plain array
export type HistoryRecord = Omit<RollCallRaw['history'][number], 'entries'> & { entries?: EntryRecord[] };
export type RollCallRecord = Omit<RollCallRaw, 'history'> & { history: HistoryRecord[] };
export type RentRecord = InferRawDocTypeFromSchema<typeof rentSchema>;
export type PersonRef = RollCallRecord['residents'][number];

export const rollCallId = (date: string, dorm: string): string => `${date}:${dorm}`;
export const rentId = (period: string, dorm: string): string => `${period}:${dorm}`;
