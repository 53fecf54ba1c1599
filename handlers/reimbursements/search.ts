import { formatFen } from '../../src/core/money.ts';
import { parseRecordNumber } from '../../src/core/numbering.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { olderThan, visiblePeople } from '../../src/core/search.ts';
import { currentStepLabel } from './cards.ts';
import { APPROVER_ROLES } from './lookup.ts';
import { type ClaimRecord, ReimbursementClaim } from './models.ts';

/*
 * 查找 in reimbursements: a claim by its number, a person's claims. As 报销单 shows them: the
 * claimant their own, the approvers (and 行政部) everyone's. Indexes (models.ts): `_id`;
 * {claimantId, submittedAt}.
 */

const hit = (c: ClaimRecord): SearchHit => ({
  at: c.submittedAt,
  kind: '报销',
  line: `${c._id} ${c.claimantName} ${formatFen(c.total)}｜${currentStepLabel(c)}`,
  open: `报销单 ${c._id}`,
});

export const claimSearch: SearchSource = {
  kind: '报销',
  async find(ctx, query, limit, before) {
    const mayAll = ctx.hasRole(...APPROVER_ROLES, 'admin');
    const when = olderThan('submittedAt', before);
    const no = parseRecordNumber('BX', query.text)?.number;
    if (no) {
      const c = await ReimbursementClaim.findOne({ _id: no, ...when }).lean<ClaimRecord>();
      return c && (mayAll || c.claimantId === ctx.sender.staffId) ? [hit(c)] : [];
    }
    const ids = visiblePeople(ctx, query, mayAll);
    if (!ids.length) return [];
    const claims = await ReimbursementClaim.find({ claimantId: { $in: ids }, ...when })
      .sort({ submittedAt: -1 })
      .limit(limit)
      .lean<ClaimRecord[]>();
    return claims.map(hit);
  },
};
