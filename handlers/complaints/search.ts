import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { latest, olderThan, visiblePeople } from '../../src/core/search.ts';
import { clientsOf } from './client-directory.ts';
import { type ComplaintRecord, complaintRows } from './models.ts';
import { parseComplaintNumber, STATUS_LABELS, VIEWERS } from './rules.ts';

/*
 * 查找 in complaints, for those who may read complaints at all (VIEWERS, as 投诉列表): a complaint
 * by its number, a client's complaints, and those a person accepted or is named responsible in.
 * Indexes (models.ts): `_id`; {clientId, acceptedAt}; {clientName, acceptedAt};
 * {acceptedBy.staffId, acceptedAt}; {responsible.staffId, acceptedAt}. Read through the complaints'
 * rows (complaintRows), which keep all those paths.
 */

const AS: Record<string, string> = { guard: '责任队员', team_leader: '责任队长' };

function hit(c: ComplaintRecord, staffIds: readonly string[]): SearchHit {
  const roles = [
    ...(staffIds.includes(c.acceptedBy.staffId) ? [`${c.acceptedBy.name}受理`] : []),
    ...c.responsible.filter((r) => staffIds.includes(r.staffId)).map((r) => `${r.name}${AS[r.as] ?? '责任人'}`),
  ];
  return {
    at: c.acceptedAt,
    kind: '投诉',
    line: `${c._id} ${c.clientName}｜${STATUS_LABELS[c.status]}${c.overdueAt && c.status !== 'closed' ? '（已逾期）' : ''}${roles.length ? `｜${roles.join('、')}` : ''}`,
    open: `投诉 ${c._id}`,
  };
}

export const complaintSearch: SearchSource = {
  kind: '投诉',
  async find(ctx, query, limit, before) {
    if (!ctx.hasRole(...VIEWERS)) return [];
    const when = olderThan('acceptedAt', before);
    // through the rows (models.ts complaintRows), even by number: `{_id, acceptedAt}` is not a bare `_id` read on FerretDB
    const read = (filter: Record<string, unknown>) =>
      complaintRows.all({ ...filter, ...when }, { sort: { acceptedAt: -1 }, limit });
    const no = parseComplaintNumber(query.text);
    if (no) return (await read({ _id: no })).map((c) => hit(c, []));
    const ids = visiblePeople(ctx, query, true);
    const client = await clientsOf(ctx.services).byName(query.text);
    const filters = [
      ...(ids.length ? [{ 'acceptedBy.staffId': { $in: ids } }, { 'responsible.staffId': { $in: ids } }] : []),
      // complaints keep the client's id; older ones only its name, as typed then
      ...(client ? [{ clientId: client.id }] : []),
      ...(client || !ids.length ? [{ clientName: client?.name ?? query.text }] : []),
    ];
    // one `$or`, not a read a filter: each is a read of every row on FerretDB; the latest `limit`
    // of the union are the latest of each filter's latest `limit`, as the hits list wants
    const found = await read({ $or: filters });
    return latest(
      found.map((c) => hit(c, ids)),
      limit,
    );
  },
};
