import mongoose, { Schema } from 'mongoose';

/** One-time codes that bind a chat account to a staff record (single use, expiring). */
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

