import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ROLES } from '../core/types.ts';

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

