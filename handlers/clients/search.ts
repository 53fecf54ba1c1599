import { parseRecordNumber } from '../../src/core/numbering.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { latest, olderThan, visiblePeople } from '../../src/core/search.ts';
import { echo } from '../../src/core/text.ts';
import { type ClientLogRecord, ClientPromise, clientLogRows, type PromiseRecord } from './models.ts';
import { CLIENT_VIEWERS, STATUS_LABELS } from './rules.ts';
import { clientByName } from './store.ts';

/*
 * 查找 in clients, for those who may read client records (CLIENT_VIEWERS, as 客户): the client
 * record itself, its calls, visits and promises; a promise by number; the calls, visits and
 * promises of a person. Indexes (models.ts): ClientName `_id` (the name key) then Client `_id`;
 * logs {clientId, at} and {by.staffId, at}; promises `_id`, {clientId, createdAt} and
 * {owner.staffId, createdAt}.
 */

const PROMISE_STATUS: Record<string, string> = {
  pending: '待董事长核准',
  open: '未完成',
  done: '已完成',
  refused: '未核准',
};

const logHit = (l: ClientLogRecord): SearchHit => ({
  at: l.at,
  kind: l.kind === 'visit' ? '拜访' : '回访',
  line: `${l.clientName} ${l.by.name}${l.reached ? ` → ${l.reached}` : ''}：${echo((l.kind === 'visit' ? l.purpose : l.content) || '—')}`,
  open: `客户 ${l.clientName}`,
});

const promiseHit = (p: PromiseRecord): SearchHit => ({
  at: new Date(p.createdAt),
  kind: '承诺',
  line: `${p._id} ${p.clientName} ${p.owner.name}：${echo(p.text)}，${p.dueDay} 到期｜${PROMISE_STATUS[p.status] ?? p.status}`,
  open: `承诺 ${p.clientName}`,
});

export const clientSearch: SearchSource = {
  kind: '客户',
  async find(ctx, query, limit, before) {
    if (!ctx.hasRole(...CLIENT_VIEWERS)) return [];
    const logs = (f: Record<string, unknown>) =>
      clientLogRows.all({ ...f, ...olderThan('at', before) }, { sort: { at: -1 }, limit });
    const promises = (f: Record<string, unknown>) =>
      ClientPromise.find({ ...f, ...olderThan('createdAt', before) })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<PromiseRecord[]>();
    const no = parseRecordNumber('CN', query.text)?.number;
    if (no) return (await promises({ _id: no })).map(promiseHit);
    const client = await clientByName(query.text);
    if (client) {
      const id = String(client._id);
      const [l, p] = await Promise.all([logs({ clientId: id }), promises({ clientId: id })]);
      const record: SearchHit = {
        at: new Date(client.updatedAt ?? 0),
        kind: '客户',
        pinned: true,
        line: `${client.name}（${STATUS_LABELS[client.status]}${client.owner?.name ? `，负责人 ${client.owner.name}` : ''}）`,
        open: `客户 ${client.name}`,
      };
      return [...(before ? [] : [record]), ...latest([...l.map(logHit), ...p.map(promiseHit)], limit)];
    }
    const ids = visiblePeople(ctx, query, true);
    if (!ids.length) return [];
    const [l, p] = await Promise.all([
      logs({ 'by.staffId': { $in: ids } }),
      promises({ 'owner.staffId': { $in: ids } }),
    ]);
    return latest([...l.map(logHit), ...p.map(promiseHit)], limit);
  },
};
