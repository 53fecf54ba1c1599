import mongoose, { Schema } from 'mongoose';

/* The bot's own bookkeeping: inbox, guided forms, text-card buttons, schedule slots, once-keys, sequences. */

/**
 * Every inbound event as received, inserted before it is acknowledged: the unique `_id`
 * `${channel}:${eventId}` is the dedupe. Written once and never updated — on FerretDB 1.24 even a
 * read or update by `_id` scans the whole collection, and this one grows with every event — so the
 * work still to do is kept apart in the small InboxPending collection (src/models/inbox.ts) and
 * the result in InboxOutcome. `status` and the fields after it exist only on records written
 * before that split; start-up moves those still unfinished to InboxPending.
 */
const inboundSchema = new Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
    status: { type: String, enum: ['received', 'processing', 'done', 'failed'] },
    attempts: { type: Number },
    finishedAt: { type: Date },
    refId: { type: String },
  },
  // stored exactly as received: minimize would drop a card's empty `value: {}` and handlers would read undefined
  { versionKey: false, minimize: false },
);
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
    /** A command typed at a question, waiting for the person to say whether to leave the form and run it. */
    pending: { type: String },
    /** Complete from one message, waiting for its one confirmation (a money or approval form, see form-prefill.ts). */
    confirming: { type: Boolean, default: false },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, timestamps: true, minimize: false },
);
formSessionSchema.index({ expiresAt: 1 });
export const FormSession = mongoose.model('FormSession', formSessionSchema);

/**
 * The last text-rendered card a person got in a chat, answered by sending a button's number
 * (src/core/card-numbers.ts). `_id` is `channel:chat` for a private chat and for a card sent to a
 * whole group, `channel:chat:user` for a card a group member got in answer to their message.
 * The card is kept so that a number sent too late can show it again.
 */
const cardPromptSchema = new Schema(
  {
    _id: { type: String, required: true },
    buttons: { type: [Schema.Types.Mixed], default: [] },
    card: { type: Schema.Types.Mixed, default: null },
    /** When it was sent (the bot's clock); records written before this field count from expiresAt − 7 days. */
    at: { type: Date },
    /** A button of it was pressed by number: the card is no longer open. `usedBy` is that event, so its re-run still counts. */
    usedAt: { type: Date, default: null },
    usedBy: { type: String, default: null },
    /** Housekeeping deletes it after this. */
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
cardPromptSchema.index({ expiresAt: 1 });
export const CardPrompt = mongoose.model('CardPrompt', cardPromptSchema);

/**
 * Pictures waiting for their sender to say which of two recent things they belong to (the core asks
 * when it cannot tell, src/core/attachments.ts), and the sender's last such answer, which later
 * pictures follow. One record per sender identity, so it stays small; housekeeping drops old ones.
 */
const pictureChoiceSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Still to be attached: `{ kind, ref, name? }` as received. */
    attachments: { type: [Schema.Types.Mixed], default: [] },
    /** What they could go to: `{ route, id, label, at }`, the buttons of the question. */
    candidates: { type: [Schema.Types.Mixed], default: [] },
    /** The last answer: `{ route, id, at }`. */
    chosen: { type: Schema.Types.Mixed, default: null },
    /** Last written (the bot's clock). */
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
pictureChoiceSchema.index({ at: 1 });
export const PictureChoice = mongoose.model('PictureChoice', pictureChoiceSchema);

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
    /** The reference id of a failure, as the error log line has it. */
    refId: { type: String, default: null },
  },
  { versionKey: false },
);
slotSchema.index({ job: 1, slot: -1 });
export const ScheduleSlot = mongoose.model('ScheduleSlot', slotSchema);

/**
 * Once-keys: the one compare-and-swap that both MongoDB and FerretDB 1.24 make atomic. FerretDB runs
 * an update as read-then-write without a lock, so a filter precondition (`{status: 'pending'}`)
 * or `$inc` can let two concurrent writers both win (measured: 14 of 20 "won" one pending record).
 * A unique `_id` insert cannot: whoever inserts `key` first owns it, everyone else gets E11000.
 */
const onceKeySchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, by: { type: String, default: '' } },
  { versionKey: false },
);
onceKeySchema.index({ at: 1 });
// the collection keeps its old name so existing keys stay valid
export const OnceKey = mongoose.model('OnceKey', onceKeySchema, 'claims');

/** Highest number issued per sequence: a hint that saves retries, never the source of truth. */
const counterSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, default: 0 } },
  { versionKey: false },
);
export const Counter = mongoose.model('Counter', counterSchema);

/**
 * Due keys of a workflow's sweep (src/core/due-index.ts): `<index>|<YYYY-MM-DDTHH:MM>#<n>` holds
 * record ids whose next check falls in that minute. Every chunk is a new unique insert, never an
 * update, so two writers cannot lose each other's ids; the sweep reads each minute by `_id`.
 */
const dueChunkSchema = new Schema(
  {
    _id: { type: String, required: true },
    index: { type: String, required: true },
    ids: { type: [String], default: [] },
  },
  { versionKey: false },
);
export const DueChunk = mongoose.model('DueChunk', dueChunkSchema, 'duekeys');

/**
 * Records in a state few are in at any time (claims waiting for a decision), one key each
 * (`<set>|<id>`), added before the record enters the state and removed after it leaves: a list
 * read with one small query (src/core/period-keys.ts OpenSet), where a `status` filter on the
 * records themselves is a full read on FerretDB 1.24.
 */
const openKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    set: { type: String, required: true },
    id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
openKeySchema.index({ set: 1 });
export const OpenKey = mongoose.model('OpenKey', openKeySchema, 'openkeys');
