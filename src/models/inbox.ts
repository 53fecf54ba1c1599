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

export const inboxModels = [InboxAttempt, SentReply];
