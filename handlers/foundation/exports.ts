import { type AuditQuery, channelLabel, eachAudit } from '../../src/core/audit-query.ts';
import { AUDIT_KINDS, type AuditKind } from '../../src/core/audit-trail.ts';
import { EXPORT_PAGE, type ExportDefinition } from '../../src/core/reporting.ts';
import { readAuditWords } from './audit.ts';

/*
 * 导出 审计 [人名|编号] [类型] [期间]: the audit trail 审计 pages through, every entry it selects,
 * oldest first, for 行政部 and the chairman as 审计 is. 第N页 means nothing here: it is all of it.
 */

async function* auditRows(query: AuditQuery): AsyncIterable<unknown[]> {
  for await (const e of eachAudit(query, EXPORT_PAGE)) {
    yield [
      e.at,
      e.by.name || e.by.identity,
      channelLabel(e.channel),
      AUDIT_KINDS[e.kind as AuditKind] ?? e.kind,
      e.what,
      e.subject?.name ?? '',
      e.record.label || e.record.id,
      e.from,
      e.to,
      e.note,
    ];
  }
}

export const foundationExports: ExportDefinition[] = [
  {
    words: ['审计', 'audit'],
    title: '审计记录',
    allow: ['admin', 'chairman'],
    async sheets(ctx, args) {
      const read = await readAuditWords(ctx, args);
      if ('error' in read) return { error: read.error.replace('例如：审计', '例如：导出 审计') };
      return [
        {
          name: '审计记录',
          columns: [
            { header: '时间', type: 'datetime' },
            { header: '操作人', type: 'text', width: 10 },
            { header: '渠道', type: 'text', width: 8 },
            { header: '类型', type: 'text', width: 10 },
            { header: '操作', type: 'text', width: 16 },
            { header: '涉及人员', type: 'text', width: 10 },
            { header: '记录', type: 'text', width: 16 },
            { header: '原来', type: 'text', width: 20 },
            { header: '改为', type: 'text', width: 20 },
            { header: '说明', type: 'text', width: 24 },
          ],
          rows: auditRows(read.query),
        },
      ];
    },
  },
];
