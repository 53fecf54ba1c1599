import mongoose, { type HydratedDocument, type InferSchemaType, Schema } from 'mongoose';
import { isDuplicateKey } from '../core/once.ts';
import { ROLES } from '../core/types.ts';
import { pendingAuditField } from './audit.ts';

/*
 * Schemas avoid index options FerretDB rejects (TTL, sparse, partial, text): expiry is done by
 * cleanup jobs, and uniqueness that must ignore blanks is kept in a collection of its own
 * (Identity) because FerretDB treats an array as one key, not as many.
 */

/*
 * Staff and identities are read on every event from a directory each instance keeps in memory
 * (src/core/senders.ts). Every write made through mongoose, whichever code makes it, tells this
 * process's directory at once and stamps PeopleStamp afterwards, which every instance reads before
 * trusting its copy: a write's effect (a disabled person, new roles, a binding) holds everywhere
 * from the moment the write returns.
 */
const peopleStampSchema = new Schema(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
/** One document (`_id: 'people'`) whose token changes with every staff or identity write; tiny, so reading it is cheap on FerretDB. */
export const PeopleStamp = mongoose.model('PeopleStamp', peopleStampSchema);
export const PEOPLE_STAMP_ID = 'people';

const peopleWriteListeners = new Set<() => void>();
/** Calls `fn` after every write to staff or identities; returns the unsubscribe function. */
export function onPeopleWrite(fn: () => void): () => void {
  peopleWriteListeners.add(fn);
  return () => peopleWriteListeners.delete(fn);
}
/** Awaited by mongoose (an async post hook), so the write returns only once the stamp has changed. */
async function peopleWritten(): Promise<void> {
  for (const fn of peopleWriteListeners) fn();
  const move = () =>
    PeopleStamp.updateOne(
      { _id: PEOPLE_STAMP_ID },
      { $set: { token: new mongoose.Types.ObjectId().toHexString(), at: new Date() } },
      { upsert: true },
    );
  try {
    await move();
  } catch (err) {
    // two first writes at once both try to insert the stamp and one loses the race (E11000); the
    // stamp exists now, so the loser's update finds it
    if (!isDuplicateKey(err)) throw err;
    await move();
  }
}
const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'replaceOne',
  'deleteOne',
  'deleteMany',
] as const;
function watchWrites(schema: Schema): void {
  const stamp = async () => peopleWritten();
  schema.post('save', stamp);
  schema.post([...QUERY_WRITES], stamp);
  schema.post('deleteOne', { document: true, query: false }, stamp);
  schema.post('insertMany', stamp);
  schema.post('bulkWrite', stamp);
}

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
    /**
     * Moved on by every change of roles or of 停用/启用 (through transition(), whose claim makes each
     * version change once): a role grant confirmed later applies only if the record is still at the
     * version it was asked on. Records written before it have none, read as 0.
     */
    version: { type: Number, default: 0 },
    ...pendingAuditField,
  },
  { timestamps: true },
);
staffSchema.index({ name: 1 });
staffSchema.index({ roles: 1, active: 1 });
watchWrites(staffSchema);
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
    ...pendingAuditField,
  },
  { versionKey: false },
);
identitySchema.index({ staffId: 1 });
watchWrites(identitySchema);
export const Identity = mongoose.model('Identity', identitySchema);
