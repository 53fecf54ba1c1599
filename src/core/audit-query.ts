import { AuditEntry } from '../models/audit.ts';
import { type AuditEntryData, type AuditKind, auditKey, CHANNEL_LABELS } from './audit-trail.ts';

/*
 * Reading the audit trail (src/core/audit-trail.ts writes it): 审计's pages and 导出 审计's every
 * entry, selected the same way by person, record, kind and period.
 */

export interface AuditQuery {
  /** Changes made by or about this person. */
  staffId?: string;
  /** Changes of this record, by id or name (ZJ-2026-001, 粤B12345, 城南宿舍). */
  record?: string;
  kind?: AuditKind;
  from?: Date;
  to?: Date;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

/** The trail's query for `q`'s person, record, kind and period (its pages aside). */
export function auditFilter(q: AuditQuery): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (q.staffId) and.push({ $or: [{ 'by.staffId': q.staffId }, { keys: auditKey('staff', q.staffId) }] });
  if (q.record) and.push({ $or: [{ 'record.id': q.record }, { 'record.label': q.record }] });
  if (q.kind) and.push({ kind: q.kind });
  if (q.from || q.to) and.push({ at: { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) } });
  return and.length ? { $and: and } : {};
}

/** Every entry `q` selects, oldest first, read from the database a batch at a time (导出 审计). */
export function eachAudit(q: AuditQuery, batchSize = 500): AsyncIterable<AuditEntryData> {
  return AuditEntry.find(auditFilter(q)).sort({ at: 1, _id: 1 }).lean<AuditEntryData[]>().cursor({ batchSize });
}

/**
 * One page of the trail, newest first, and whether there are more. On FerretDB 1.24 this reads the
 * whole collection (only `_id` reads use an index); the trail holds administrative changes, a few
 * thousand a year, and only 行政部 and 董事长 ask.
 */
export async function findAudit(q: AuditQuery): Promise<{ entries: AuditEntryData[]; more: boolean }> {
  const size = q.pageSize ?? 10;
  const page = Math.max(1, q.page ?? 1);
  const rows = await AuditEntry.find(auditFilter(q))
    .sort({ at: -1, _id: -1 })
    .skip((page - 1) * size)
    .limit(size + 1)
    .lean<AuditEntryData[]>();
  return { entries: rows.slice(0, size), more: rows.length > size };
}

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
