import mongoose, { Schema } from 'mongoose';

/**
 * One processing attempt of an inbox event: `_id` = `${eventKey}#${n}`. The unique insert IS the
 * claim (FerretDB 1.24 makes nothing else atomic), and it carries the time, so an attempt whose
 * owner died — before or after it wrote anything else — is recognised by its stale `beatAt` and
 * taken over by claiming `#${n + 1}`. The owner refreshes `beatAt` while it works; it is the only
 * writer of its own record, so that update needs no atomicity.
 */
const inboxAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    event: { type: String, required: true },
    n: { type: Number, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    beatAt: { type: Date, required: true },
  },
  { versionKey: false },
);
inboxAttemptSchema.index({ event: 1 });
inboxAttemptSchema.index({ at: 1 });
export const InboxAttempt = mongoose.model('InboxAttempt', inboxAttemptSchema);

/**
 * A message sent while processing an event: `_id` = `${eventKey}:reply:${n}`, n counting the
 * sends of that processing in call order. Written after the platform accepted the message; a
 * re-run of the event after a crash skips every send recorded here.
 */
const sentReplySchema = new Schema(
  {
    _id: { type: String, required: true },
    event: { type: String, required: true },
    n: { type: Number, required: true },
    channel: { type: String, required: true },
    messageId: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
sentReplySchema.index({ event: 1 });
sentReplySchema.index({ at: 1 });
export const SentReply = mongoose.model('SentReply', sentReplySchema);

/**
 * An acknowledged event not yet finished, with its payload: inserted at intake (before the
 * acknowledgement), deleted once its outcome is written. Kept small on purpose — it holds only the
 * backlog — because on FerretDB 1.24 every read or update by `_id` scans its collection. `by` and
 * `beatAt` are the claim of attempt 0 by the instance that recorded it (taken over once `beatAt`
 * is stale); null on records moved here from the old inbox, whose attempt 0 is an InboxAttempt.
 */
const inboxPendingSchema = new Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
    by: { type: String, default: null },
    beatAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
export const InboxPending = mongoose.model('InboxPending', inboxPendingSchema, 'inboxpending');

/** How an event ended: written once (insert only), then its InboxPending record is deleted. */
const inboxOutcomeSchema = new Schema(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['done', 'failed'], required: true },
    attempts: { type: Number, required: true },
    finishedAt: { type: Date, required: true },
    refId: { type: String, default: null },
  },
  { versionKey: false },
);
inboxOutcomeSchema.index({ finishedAt: 1 });
export const InboxOutcome = mongoose.model('InboxOutcome', inboxOutcomeSchema);

/**
 * One bot instance's heartbeat (`_id` = its owner id). Its pending records count as held while it
 * beats: one tiny write every few seconds instead of rewriting every record of a large backlog.
 */
const inboxInstanceSchema = new Schema(
  { _id: { type: String, required: true }, beatAt: { type: Date, required: true } },
  { versionKey: false },
);
export const InboxInstance = mongoose.model('InboxInstance', inboxInstanceSchema);

export const inboxModels = [InboxAttempt, SentReply, InboxPending, InboxOutcome, InboxInstance];
