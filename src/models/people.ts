import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ROLES } from '../core/types.ts';

/*
 * Schemas avoid index options FerretDB rejects (TTL, sparse, partial, text): expiry is done by
 * cleanup jobs, and uniqueness that must ignore blanks is kept in a collection of its own
 * (Identity) because FerretDB treats an array as one key, not as many.
 */


/*
 * Staff and identities are read on every event and cached (src/core/senders.ts); these hooks tell
 * the cache about every write made through mongoose, whichever code makes it.
 */
const peopleWriteListeners = new Set<() => void>();
/** Calls `fn` after every write to staff or identities; returns the unsubscribe function. */
export function onPeopleWrite(fn: () => void): () => void {
  peopleWriteListeners.add(fn);
  return () => peopleWriteListeners.delete(fn);
}
function peopleWritten(): void {
  for (const fn of peopleWriteListeners) fn();
}
const QUERY_WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete', 'replaceOne', 'deleteOne', 'deleteMany'] as const;
function watchWrites(schema: Schema): void {
  schema.post('save', peopleWritten);
  schema.post([...QUERY_WRITES], peopleWritten);
  schema.post('deleteOne', { document: true, query: false }, peopleWritten);
  schema.post('insertMany', peopleWritten);
  schema.post('bulkWrite', peopleWritten);
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
  },
  { versionKey: false },
);
identitySchema.index({ staffId: 1 });
watchWrites(identitySchema);
export const Identity = mongoose.model('Identity', identitySchema);

