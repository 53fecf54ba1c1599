import mongoose, { Schema } from 'mongoose';

/*
 * The audit trail (src/core/audit-trail.ts): every change of people, places, permits and settings,
 * with who, when, what, old → new and the channel. Append-only: nothing in the bot updates or deletes
 * an entry, and no command edits one.
 */

const personSchema = new Schema(
  { staffId: { type: String, default: '' }, name: { type: String, default: '' } },
  { _id: false },
);

const auditSchema = new Schema(
  {
    /** Made before the change is written, so copying the entry again (after a crash) is harmless. */
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    /** Who did it; `identity` is the chat account (`lark:ou_x`) or `cli:<user>` for the command line. */
    by: {
      type: new Schema(
        {
          staffId: { type: String, default: '' },
          name: { type: String, default: '' },
          identity: { type: String, default: '' },
        },
        { _id: false },
      ),
      required: true,
    },
    /** lark, wechat, console, cli. */
    channel: { type: String, required: true },
    /** What kind of change (AUDIT_KINDS: roles, post, dorm, active, …). */
    kind: { type: String, required: true },
    /** The record changed: its type (staff, dorm, vehicle, permit, setting, supplies…), id and name. */
    record: {
      type: new Schema(
        {
          type: { type: String, required: true },
          id: { type: String, required: true },
          label: { type: String, default: '' },
        },
        { _id: false },
      ),
      required: true,
    },
    /** The person the change is about, when it is about one. */
    subject: { type: personSchema, default: null },
    what: { type: String, required: true },
    from: { type: String, default: '' },
    to: { type: String, default: '' },
    note: { type: String, default: '' },
    /** `<type>:<id>` of the record and of the subject: one field a record's or a person's history reads. */
    keys: { type: [String], default: [] },
  },
  { versionKey: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ keys: 1 });
export const AuditEntry = mongoose.model('AuditEntry', auditSchema, 'audit');

/**
 * A change in progress: written before the change, deleted once its entries are in the trail. One
 * left behind (a crash, a database error) is finished by the `audit.flush` job, which reads the
 * record by `_id` and copies what it carries — or, for a removal, checks that the record is gone.
 */
const auditQueueSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The collection of the record that carries the entries (or was removed). */
    coll: { type: String, required: true },
    /** How to find that record: `{_id}` mostly, or a unique key (`{post, item}`). */
    filter: { type: Schema.Types.Mixed, default: null },
    /** Or the `_id`s of several records changed by one write (a roster import's batch). */
    ids: { type: [Schema.Types.Mixed], default: undefined },
    /** `carried`: the entries are in the record's pendingAudit; `removal`: they are here, valid if the record is gone. */
    mode: { type: String, enum: ['carried', 'removal'], required: true },
    entries: { type: [Schema.Types.Mixed], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
export const AuditQueue = mongoose.model('AuditQueue', auditQueueSchema, 'auditqueue');

/**
 * Spread into the schema of every record whose changes are audited: the change's entries ride in
 * the same write as the change (FerretDB 1.24 has no multi-document transactions), and are moved to
 * the trail right after, so it is empty but for a moment. Not `select: false`: mongoose would then
 * add a projection to every findOneAndUpdate on these models, which FerretDB 1.24 refuses
 * ("findAndModify: support for field "fields" … is not implemented yet").
 */
export const pendingAuditField = { pendingAudit: { type: [Schema.Types.Mixed], default: undefined } };
