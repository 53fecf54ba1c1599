import { DateTime } from 'luxon';
import { formatFen } from '../../src/core/money.ts';
import { parseRecordNumber } from '../../src/core/numbering.ts';
import { newestKept } from '../../src/core/period-keys.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { latest, visiblePeople } from '../../src/core/search.ts';
import { currentStepLabel } from './cards.ts';
import { claimantKeys, claimantKeysFilled } from './claimant-keys.ts';
import { APPROVER_ROLES } from './lookup.ts';
import { type ClaimRecord, ReimbursementClaim } from './models.ts';

/*
 * 查找 in reimbursements: a claim by its number, a person's claims. As 报销单 shows them: the
 * claimant their own, the approvers (and 行政部) everyone's. Every read is by `_id`: a person's
 * claim numbers come from their claimant keys (claimant-keys.ts), and a number (BX-yyyyMMdd-nnn)
 * carries its day, so the newest are read first and only those shown are read at all; any other
 * filter decodes every claim (154 MB in a year) on FerretDB 1.24.
 */

const hit = (c: ClaimRecord): SearchHit => ({
  at: c.submittedAt,
  kind: '报销',
  line: `${c._id} ${c.claimantName} ${formatFen(c.total)}｜${currentStepLabel(c)}`,
  open: `报销单 ${c._id}`,
});

/** yyyyMMdd of BX-yyyyMMdd-nnn: the day in the bot's zone the claim was numbered (submitted). */
const dayOf = (no: string) => no.split('-')[1] ?? '';

const read = (no: string) => ReimbursementClaim.findById(no).lean<ClaimRecord>();

export const claimSearch: SearchSource = {
  kind: '报销',
  async find(ctx, query, limit, before) {
    const mayAll = ctx.hasRole(...APPROVER_ROLES, 'admin');
    const older = (c: ClaimRecord) => !before || c.submittedAt.getTime() < before.getTime();
    const no = parseRecordNumber('BX', query.text)?.number;
    if (no) {
      // a bare `_id` read, then the page's time checked here: `{_id, submittedAt}` is a full scan on FerretDB
      const c = await read(no);
      return c && older(c) && (mayAll || c.claimantId === ctx.sender.staffId) ? [hit(c)] : [];
    }
    const ids = visiblePeople(ctx, query, mayAll);
    if (!ids.length) return [];
    // records from before the keys are keyed in the background at start: wait for it
    await claimantKeysFilled();
    const claims = await newestKept(await claimantKeys.ids(ids), {
      dayOf,
      lastDay: before
        ? DateTime.fromMillis(before.getTime() - 1, { zone: ctx.services.config.timezone }).toFormat('yyyyLLdd')
        : undefined,
      read,
      // a key is a hint: the claim must be theirs and older than the page
      keep: (c) => ids.includes(c.claimantId) && older(c),
      limit,
    });
    return latest(claims.map(hit), limit);
  },
};
