import { parseRecordNumber } from '../../src/core/numbering.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { olderThan } from '../../src/core/search.ts';
import { findPlace } from '../../src/roster/places.ts';
import { LIST_VIEWERS, OFFICE_ROLES } from './list.ts';
import { SupplyRequest, type SupplyRequestRecord } from './models.ts';

/*
 * 查找 in supplies: a post's requests (申领), and one by its number. As 查看月报 shows them: the
 * office every post's, a team leader their own post's. Indexes (models.ts): `_id`; {post, requestedAt}.
 */

const STATUS: Record<string, string> = { pending: '待批', approved: '已批准', refused: '已拒绝' };

const hit = (q: SupplyRequestRecord): SearchHit => ({
  at: q.requestedAt,
  kind: '申领',
  line: `${q._id} ${q.post} ${q.item} ${q.quantity}${q.unit}（${q.requesterName}）｜${STATUS[q.status] ?? q.status}`,
  open: `查看月报 ${q.post} ${q.month}`,
});

export const supplySearch: SearchSource = {
  kind: '物资',
  async find(ctx, query, limit, before) {
    if (!ctx.hasRole(...LIST_VIEWERS)) return [];
    const office = ctx.hasRole(...OFFICE_ROLES);
    const mayRead = (post: string) => office || (!!ctx.sender.post && post === ctx.sender.post);
    const when = olderThan('requestedAt', before);
    const no = parseRecordNumber('WZ', query.text)?.number;
    if (no) {
      const q = await SupplyRequest.findOne({ _id: no, ...when }).lean<SupplyRequestRecord>();
      return q && mayRead(q.post) ? [hit(q)] : [];
    }
    const post = await findPlace('post', query.text);
    if (!post || !mayRead(post)) return [];
    const requests = await SupplyRequest.find({ post, ...when })
      .sort({ requestedAt: -1 })
      .limit(limit)
      .lean<SupplyRequestRecord[]>();
    return requests.map(hit);
  },
};
