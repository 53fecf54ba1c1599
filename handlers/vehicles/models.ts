import mongoose, { type InferRawDocTypeFromSchema, Schema } from 'mongoose';
import { historySchema, personSchema } from '../../src/core/audit.ts';
import { pendingAuditField } from '../../src/models/audit.ts';

/*
 * Company vehicles (车辆管理, §3.4). Distances are whole kilometres, money integer fen, calendar days
 * yyyy-MM-dd strings in BOT_TIMEZONE. Every state change of a vehicle, permit, trip or accident goes
 * through core/transition.ts (the `version` field), because FerretDB 1.24 lets two filtered updates
 * both win. No index option FerretDB rejects (TTL, sparse, partial, text).
 */

export const PERMIT_STATUSES = ['active', 'revoked'] as const;
export const TRIP_STATUSES = ['open', 'ended'] as const;
export const ACCIDENT_STATUSES = ['reported', 'acknowledged', 'closed'] as const;

// sub-document fields say they are always written, so the inferred record types need no casts
// (strings default to '' rather than being required: mongoose's `required` refuses an empty string)
const text = { type: String, default: '' };
const at = { type: Date, required: true };

/** A company vehicle, keyed by its plate (粤B12345). */
const vehicleSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    model: { type: String, required: true },
    post: { type: String, default: '' },
    /** 专人驾车 (§3.4.1): the people 综合部 designated for this vehicle. */
    drivers: { type: [personSchema], default: [] },
    /** The last odometer reading the bot knows (registration, a trip's end, a maintenance). */
    odometer: { type: Number, default: 0 },
    /** The trip under way, if any: one at a time per vehicle. */
    openTrip: { type: String, default: null },
    lastMaintenance: {
      type: new Schema(
        { on: { type: String, required: true }, odometer: { type: Number, required: true } },
        { _id: false },
      ),
      default: null,
    },
    active: { type: Boolean, default: true },
    history: { type: [historySchema], default: [] },
    ...pendingAuditField,
  },
  { versionKey: false, timestamps: true, minimize: false },
);
vehicleSchema.index({ active: 1 });
export const Vehicle = mongoose.model('Vehicle', vehicleSchema);

/** A driving permit (准驾证), issued by 综合部 after an assessment (§3.4.1); `_id` is its number. */
const permitSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    holder: { type: personSchema, required: true },
    /** Plates this permit allows its holder to drive. */
    vehicles: { type: [String], default: [] },
    assessedOn: { type: String, required: true },
    expiresOn: { type: String, required: true },
    assessor: { type: String, required: true },
    issuedBy: { type: personSchema, required: true },
    issuedAt: { type: Date, required: true },
    status: { type: String, enum: PERMIT_STATUSES, default: 'active' },
    revoked: {
      type: new Schema({ by: { type: personSchema, required: true }, at, reason: text }, { _id: false }),
      default: null,
    },
    ...pendingAuditField,
  },
  { versionKey: false, timestamps: true, minimize: false },
);
permitSchema.index({ 'holder.staffId': 1, status: 1 });
permitSchema.index({ status: 1, expiresOn: 1 });
// 查找 <姓名> (search.ts): a person's permits, newest first
permitSchema.index({ 'holder.staffId': 1, issuedAt: -1 });
export const Permit = mongoose.model('Permit', permitSchema);

const flagSchema = new Schema({ clause: text, code: text, message: text }, { _id: false });

/** One trip (出车记录, §3.4.5): odometer at both ends, what it was for, and what it cost. */
const tripSchema = new Schema(
  {
    /** CL-20261127-001 */
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    plate: { type: String, required: true },
    driver: { type: personSchema, required: true },
    permit: { type: String, required: true },
    status: { type: String, enum: TRIP_STATUSES, default: 'open' },
    startedAt: { type: Date, required: true },
    startOdometer: { type: Number, required: true },
    purpose: { type: String, required: true },
    route: { type: String, default: '' },
    endedAt: { type: Date, default: null },
    endOdometer: { type: Number, default: null },
    /** fuel 油费, toll 过路费, parking 停车费, repair 维修费, in fen. */
    costs: {
      type: new Schema(
        {
          fuel: { type: Number, default: 0 },
          toll: { type: Number, default: 0 },
          parking: { type: Number, default: 0 },
          repair: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      default: () => ({ fuel: 0, toll: 0, parking: 0, repair: 0 }),
    },
    note: { type: String, default: '' },
    /** §3.4.5 odometer continuity problems reported to 综合部. */
    flags: { type: [flagSchema], default: [] },
    /** When its costs were put into the driver's reimbursement draft (§3.5). */
    claimedAt: { type: Date, default: null },
    /**
     * §3.4.5 costs far beyond the vehicle's usual per km (implausibleTripCost), held for 综合部: `pending`
     * until someone of 综合部 other than the driver confirms them; null when nothing was out of line.
     */
    costCheck: {
      type: new Schema(
        {
          status: { type: String, enum: ['pending', 'confirmed'], required: true },
          message: text,
          by: { type: personSchema, default: null },
          at: { type: Date, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
tripSchema.index({ plate: 1, startedAt: -1 });
tripSchema.index({ 'driver.staffId': 1, status: 1 });
tripSchema.index({ startedAt: 1 });
tripSchema.index({ endedAt: 1 }); // 周报: trips ended in the week
// 查找 <姓名> (search.ts): a driver's trips, newest first
tripSchema.index({ 'driver.staffId': 1, startedAt: -1 });
export const Trip = mongoose.model('Trip', tripSchema);

/** A traffic accident (§3.4.4): reported to 人防部 at once; instructions and the outcome are kept. */
const accidentSchema = new Schema(
  {
    /** SG-20261127-001 */
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    plate: { type: String, required: true },
    trip: { type: String, default: null },
    reporter: { type: personSchema, required: true },
    /**
     * When it happened: an ISO instant in the bot's zone (2026-12-04T09:00:00.000+08:00), read from what
     * the driver typed. Reports from before that keep the text as typed (今天 14:30); showOccurred shows both.
     */
    occurred: { type: String, required: true },
    place: { type: String, required: true },
    injuries: { type: String, required: true },
    damage: { type: String, required: true },
    account: { type: String, default: '' },
    status: { type: String, enum: ACCIDENT_STATUSES, default: 'reported' },
    reportedAt: { type: Date, required: true },
    acknowledged: {
      type: new Schema({ by: { type: personSchema, required: true }, at }, { _id: false }),
      default: null,
    },
    instructions: {
      type: [new Schema({ at, by: { type: personSchema, required: true }, text }, { _id: false })],
      default: [],
    },
    outcome: {
      type: new Schema({ at, by: { type: personSchema, required: true }, text }, { _id: false }),
      default: null,
    },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
accidentSchema.index({ status: 1, reportedAt: 1 });
accidentSchema.index({ plate: 1, reportedAt: -1 });
// 查找 <姓名> (search.ts): the accidents a person reported, newest first
accidentSchema.index({ 'reporter.staffId': 1, reportedAt: -1 });
export const Accident = mongoose.model('Accident', accidentSchema);

/** 综合部's monthly check of one vehicle (§3.4.6); `_id` `<plate>:<yyyy-MM>` makes it once a month. */
const inspectionSchema = new Schema(
  {
    _id: { type: String, required: true },
    plate: { type: String, required: true },
    month: { type: String, required: true },
    usage: { type: new Schema({ trips: Number, km: Number, costs: Number }, { _id: false }), required: true },
    safety: { type: String, required: true },
    condition: { type: String, required: true },
    note: { type: String, default: '' },
    /** Who recorded it and when (for a 补录, after the month it is for). */
    by: { type: personSchema, required: true },
    at: { type: Date, required: true },
    /** §3.4.6 recorded after its month had ended (补录). */
    late: { type: Boolean, default: false },
  },
  { versionKey: false, timestamps: true },
);
inspectionSchema.index({ month: 1 });
// 查找 <车牌> (search.ts): a vehicle's inspections, newest first
inspectionSchema.index({ plate: 1, at: -1 });
export const Inspection = mongoose.model('Inspection', inspectionSchema);

/** Things 综合部 was told about that are no record's state: refused drivers (§3.4.2), kept as evidence. */
const vehicleEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    plate: { type: String, default: '' },
    kind: { type: String, required: true },
    by: { type: personSchema, required: true },
    detail: { type: String, default: '' },
  },
  { versionKey: false },
);
vehicleEventSchema.index({ plate: 1, at: -1 });
export const VehicleEvent = mongoose.model('VehicleEvent', vehicleEventSchema);

/** A fixed shuttle run (§3.4.3 准时出车接送员工上下班), every day at `time` in BOT_TIMEZONE. */
const shuttleRunSchema = new Schema(
  {
    /** BC1, BC2… */
    _id: { type: String, required: true },
    plate: { type: String, required: true },
    post: { type: String, default: '' },
    time: { type: String, required: true },
    route: { type: String, required: true },
    active: { type: Boolean, default: true },
    createdBy: { type: personSchema, required: true },
    ...pendingAuditField,
  },
  { versionKey: false, timestamps: true },
);
shuttleRunSchema.index({ active: 1, time: 1 });
export const ShuttleRun = mongoose.model('ShuttleRun', shuttleRunSchema);

/** One run marked done on one day; `_id` `<run>:<yyyy-MM-dd>` makes it once. */
const shuttleDoneSchema = new Schema(
  {
    _id: { type: String, required: true },
    run: { type: String, required: true },
    day: { type: String, required: true },
    by: { type: personSchema, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
shuttleDoneSchema.index({ day: 1 });
export const ShuttleDone = mongoose.model('ShuttleDone', shuttleDoneSchema);

/** Every copy of an accident card sent to 人防部, so all show who acknowledged it (Lark updates in place). */
const accidentCardSchema = new Schema(
  {
    accident: { type: String, required: true },
    channel: { type: String, required: true },
    userId: { type: String, required: true },
    messageId: { type: String, default: null },
  },
  { versionKey: false },
);
accidentCardSchema.index({ accident: 1 });
export const AccidentCard = mongoose.model('AccidentCard', accidentCardSchema);

/**
 * A photo of an accident (§3.4.4 报备…照片), kept as the chat platform's reference; `_id`
 * `<accident>:<ref>` so a redelivered picture is kept once. Apart from the case, so it never races a decision.
 */
const accidentPhotoSchema = new Schema(
  {
    _id: { type: String, required: true },
    accident: { type: String, required: true },
    ref: { type: String, required: true },
    kind: { type: String, default: 'image' },
    by: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
accidentPhotoSchema.index({ accident: 1 });
export const AccidentPhoto = mongoose.model('AccidentPhoto', accidentPhotoSchema);

export const vehicleModels = [
  Vehicle,
  Permit,
  Trip,
  Accident,
  Inspection,
  VehicleEvent,
  ShuttleRun,
  ShuttleDone,
  AccidentCard,
  AccidentPhoto,
];

/** Records as read with `.lean()`, derived from the schemas above (never written out by hand). */
export type VehicleRecord = InferRawDocTypeFromSchema<typeof vehicleSchema>;
export type PermitRecord = InferRawDocTypeFromSchema<typeof permitSchema>;
export type TripRecord = InferRawDocTypeFromSchema<typeof tripSchema>;
export type AccidentRecord = InferRawDocTypeFromSchema<typeof accidentSchema>;
export type ShuttleRunRecord = InferRawDocTypeFromSchema<typeof shuttleRunSchema>;
export type Person = VehicleRecord['drivers'][number];
export type Costs = TripRecord['costs'];
