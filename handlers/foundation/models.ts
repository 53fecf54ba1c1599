import mongoose, { Schema } from 'mongoose';
import { pendingAuditField } from '../../src/models/audit.ts';

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
    ...pendingAuditField,
  },
  { versionKey: false },
);
bindCodeSchema.index({ expiresAt: 1 });
export const BindCode = mongoose.model('BindCode', bindCodeSchema);

const byWhomSchema = new Schema(
  {
    staffId: { type: String, default: '' },
    name: { type: String, default: '' },
    identity: { type: String, default: '' },
  },
  { _id: false },
);

/**
 * A grant of an approving role (or a 启用 that gives one back) waiting for a second person
 * (handlers/foundation/roles.ts). `staffVersion` is the staff record's version when it was asked:
 * confirming applies it only from that version, so a change made in between voids it.
 */
const grantRequestSchema = new Schema(
  {
    /** QX-20261127-001 */
    _id: { type: String, required: true },
    kind: { type: String, enum: ['roles', 'enable'], required: true },
    staffId: { type: String, required: true },
    staffName: { type: String, required: true },
    before: { type: [String], default: [] },
    after: { type: [String], default: [] },
    /** The approving roles it gives, shown on the card. */
    granted: { type: [String], default: [] },
    staffVersion: { type: Number, required: true },
    requestedBy: { type: byWhomSchema, required: true },
    requestedAt: { type: Date, required: true },
    status: { type: String, enum: ['pending', 'confirmed', 'refused', 'void'], default: 'pending' },
    decidedBy: { type: byWhomSchema, default: null },
    decidedAt: { type: Date, default: null },
    note: { type: String, default: '' },
    version: { type: Number, default: 0 },
    /** Where the confirmation cards went, so every copy shows the outcome. */
    cards: { type: [new Schema({ channel: String, userId: String, messageId: String }, { _id: false })], default: [] },
    ...pendingAuditField,
  },
  { versionKey: false },
);
export const GrantRequest = mongoose.model('GrantRequest', grantRequestSchema);
