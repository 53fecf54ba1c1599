import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ROLES } from '../core/types.ts';
import { complaintModels } from './complaints.ts';
import { reimbursementModels } from './reimbursements.ts';

/*
 * Schemas avoid index options FerretDB rejects (TTL, sparse, partial, text): expiry is done by
 * cleanup jobs, and uniqueness that must ignore blanks is kept in a collection of its own
 * (Identity) because FerretDB treats an array as one key, not as many.
 */

const staffSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    roles: { type: [{ type: String, enum: ROLES }], default: [] },
    /** Mobile number; the roster's key, so a re-import updates the same person. */
    phone: { type: String, required: true, unique: true },
    post: { type: String, default: '' },
    dorm: { type: String, default: '' },
    active: { type: Boolean, default: true },
    note: { type: String, default: '' },
  },
  { timestamps: true },
);
staffSchema.index({ name: 1 });
staffSchema.index({ roles: 1, active: 1 });
export const Staff = mongoose.model('Staff', staffSchema);
export type StaffDoc = HydratedDocument<InferSchemaType<typeof staffSchema>>;

/** One chat identity (`lark:ou_x`, `wechat:wxid_x`) linked to one staff record; `_id` makes it unique. */
const identitySchema = new Schema(
  {
    _id: { type: String, required: true },
    staffId: { type: Schema.Types.ObjectId, required: true, ref: 'Staff' },
    channel: { type: String, required: true },
    userId: { type: String, required: true },
    displayName: { type: String, default: '' },
    boundAt: { type: Date, required: true },
  },
  { versionKey: false },
);
identitySchema.index({ staffId: 1 });
export const Identity = mongoose.model('Identity', identitySchema);

const bindCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    staffId: { type: Schema.Types.ObjectId, required: true },
    createdBy: { type: Schema.Types.ObjectId },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    usedBy: { type: String, default: null },
    /** Issued after the admin confirmed that the person is already bound: may replace that account. */
    rebind: { type: Boolean, default: false },
  },
  { versionKey: false },
);
bindCodeSchema.index({ expiresAt: 1 });
export const BindCode = mongoose.model('BindCode', bindCodeSchema);

const placeFields = {
  name: { type: String, required: true, unique: true, trim: true },
  address: { type: String, default: '' },
};
export const Post = mongoose.model('Post', new Schema({ ...placeFields, client: { type: String, default: '' } }, { timestamps: true }));
export const Dorm = mongoose.model('Dorm', new Schema({ ...placeFields, post: { type: String, default: '' } }, { timestamps: true }));

/**
 * The inbox: every inbound event is inserted here before it is acknowledged (the unique `_id`
 * `${channel}:${eventId}` is the dedupe), and processed from this record, so a crash after the
 * acknowledgement loses nothing: start-up replays what is still `received`/`processing`.
 */
const inboundSchema = new Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['received', 'processing', 'done', 'failed'], default: 'received' },
    attempts: { type: Number, default: 0 },
    receivedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    refId: { type: String, default: null },
  },
  // stored exactly as received: minimize would drop a card's empty `value: {}` and handlers would read undefined
  { versionKey: false, minimize: false },
);
inboundSchema.index({ status: 1, receivedAt: 1 });
inboundSchema.index({ receivedAt: 1 });
export const InboundEvent = mongoose.model('InboundEvent', inboundSchema);

/** A guided form in progress; one per person per chat, kept in MongoDB so a restart loses nothing. */
const formSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    form: { type: String, required: true },
    channel: { type: String, required: true },
    chatId: { type: String, required: true },
    userId: { type: String, required: true },
    step: { type: Number, default: 0 },
    values: { type: Schema.Types.Mixed, default: {} },
    context: { type: Schema.Types.Mixed, default: {} },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
formSessionSchema.index({ expiresAt: 1 });
export const FormSession = mongoose.model('FormSession', formSessionSchema);

/** The buttons of the last text-rendered card in a chat, answered by sending their number. */
const cardPromptSchema = new Schema(
  {
    _id: { type: String, required: true },
    buttons: { type: [Schema.Types.Mixed], default: [] },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
cardPromptSchema.index({ expiresAt: 1 });
export const CardPrompt = mongoose.model('CardPrompt', cardPromptSchema);

/** One record per job and slot: the unique insert is the lease that makes a slot fire once. */
const slotSchema = new Schema(
  {
    _id: { type: String, required: true },
    job: { type: String, required: true },
    slot: { type: Date, required: true },
    owner: { type: String, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    status: { type: String, enum: ['running', 'done', 'failed'], default: 'running' },
    error: { type: String, default: null },
  },
  { versionKey: false },
);
slotSchema.index({ job: 1, slot: -1 });
export const ScheduleSlot = mongoose.model('ScheduleSlot', slotSchema);

/**
 * Claims: the one compare-and-swap that both MongoDB and FerretDB 1.24 make atomic. FerretDB runs
 * an update as read-then-write without a lock, so a filter precondition (`{status: 'pending'}`)
 * or `$inc` can let two concurrent writers both win (measured: 14 of 20 "won" one pending record).
 * A unique `_id` insert cannot: whoever inserts `key` first owns it, everyone else gets E11000.
 */
const claimSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, by: { type: String, default: '' } },
  { versionKey: false },
);
claimSchema.index({ at: 1 });
export const Claim = mongoose.model('Claim', claimSchema);

/** True for exactly one caller per key, on MongoDB and FerretDB alike. */
export async function claimOnce(key: string, by = ''): Promise<boolean> {
  try {
    await Claim.create({ _id: key, at: new Date(), by });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/** Highest number issued per sequence: a hint that saves retries, never the source of truth. */
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } }, { versionKey: false });
export const Counter = mongoose.model('Counter', counterSchema);

/** The next number of a sequence, unique even when many callers ask at the same moment. */
export async function nextSequence(key: string): Promise<number> {
  const hint = (await Counter.findById(key).lean())?.seq ?? 0;
  for (let n = hint + 1; ; n++) {
    if (await claimOnce(`seq:${key}:${n}`)) {
      await Counter.updateOne({ _id: key }, { $max: { seq: n } }, { upsert: true }).catch(() => {
        // a concurrent first upsert may collide on _id; the hint is only an optimisation
      });
      return n;
    }
  }
}

/** Builds every index up front, so a query never runs without its index and a bad option fails at start. */
export async function ensureIndexes(): Promise<void> {
  const foundation = [Staff, Identity, BindCode, Post, Dorm, InboundEvent, FormSession, CardPrompt, ScheduleSlot, Claim, Counter];
  for (const model of [...foundation, ...complaintModels, ...reimbursementModels]) {
    await model.init();
  }
}
