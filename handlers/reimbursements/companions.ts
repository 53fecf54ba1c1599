import type { Services, StaffContext } from '../../src/core/context.ts';
import { formatFen } from '../../src/core/money.ts';
import { notify, recipientsOf } from '../../src/core/notify.ts';
import { transition } from '../../src/core/transition.ts';
import type { Card } from '../../src/core/types.ts';
import { staffNamed } from '../../src/roster/names.ts';
import { parseClaimNo } from './approval.ts';
import { isTicket } from './categories.ts';
import { loadClaim, refreshStepCards, tellClaimant } from './chain.ts';
import { type ClaimRecord, ReimbursementClaim } from './models.ts';
import { CLAUSE, type ClaimItem, type CompanionCheck, categoryLabel } from './rules.ts';

/*
 * §3.5.3 除二人及以上同行外均不得连号 (#20): a group trip's consecutive tickets are allowed on the word
 * of the people who travelled, not on a head count. A companion who is staff confirms on a card that
 * they travelled, and until every one has, 综合部 cannot pass the claim (companionsUnconfirmed in
 * decide.ts); one who did not travel says so and the claim stops there. A companion the bot cannot
 * ask (not staff, or a name two staff share) is shown to 综合部 to check (companionsToVerify).
 */

/** The companions named on the items, each looked up among the active staff. */
export async function companionChecks(items: readonly ClaimItem[]): Promise<CompanionCheck[]> {
  const out: CompanionCheck[] = [];
  for (const [item, it] of items.entries()) {
    if (!isTicket(it) || (it.travellers ?? 1) < 2) continue;
    for (const name of it.companions ?? []) {
      const found = await staffNamed(name, { active: true }, 2);
      const staffId = found.length === 1 ? String(found[0]!._id) : null;
      out.push({
        item,
        name,
        staffId,
        status: found.length === 0 ? 'not_staff' : found.length > 1 ? 'ambiguous' : 'pending',
      });
    }
  }
  return out;
}

/** The staff companions' ids (for the same-trip check across claims). */
export const companionIds = (checks: readonly CompanionCheck[]) =>
  checks.flatMap((c) => (c.staffId ? [c.staffId] : []));

/** The card a staff companion gets: the trip as the claimant wrote it, and two buttons. */
function companionCard(claim: Pick<ClaimRecord, '_id' | 'claimantName' | 'items'>, c: CompanionCheck): Card {
  const it = claim.items[c.item]!;
  return {
    title: `同行确认：报销单 ${claim._id}`,
    color: 'orange',
    lines: [
      `${claim.claimantName} 报销 ${it.date} ${categoryLabel(it.category)} ${formatFen(it.amount)}（${it.travellers} 人同行，票号 ${it.serials.join(',')}），所办事项：${it.matter}。`,
      `写明你是同行人。是否属实？（${CLAUSE.receipts} 二人及以上同行的车票才可连号）`,
      '确认后，这一趟的车票由对方报销，你不能再报。',
    ],
    buttons: [
      { label: '确认同行', action: 'reimburse.companion', value: { no: claim._id, yes: '1' }, style: 'primary' },
      { label: '没有同行', action: 'reimburse.companion', value: { no: claim._id, yes: '0' }, style: 'danger' },
    ],
    note: `也可发送：确认同行 ${claim._id}，或 否认同行 ${claim._id}`,
  };
}

/** Asks each staff companion of a new claim to confirm. */
export async function askCompanions(services: Services, claim: ClaimRecord): Promise<void> {
  for (const c of claim.companionChecks.filter((x) => x.status === 'pending' && x.staffId)) {
    const people = await recipientsOf(services, [{ id: c.staffId!, name: c.name }]);
    await notify(services, people, companionCard(claim, c));
  }
}

/** 确认同行 / 否认同行 <编号>, or the card's buttons: once per companion, with who and when on the record. */
async function answer(ctx: StaffContext, yes: boolean): Promise<void> {
  const no = ctx.action?.value.no ?? parseClaimNo(ctx.args);
  const me = ctx.sender.staffId;
  if (!no || !me) {
    await ctx.reply(`请写明报销单编号，例如：${yes ? '确认同行' : '否认同行'} BX-20261127-001`);
    return;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const claim = await loadClaim(no);
    const mine = claim?.companionChecks.filter((c) => c.staffId === me) ?? [];
    if (!claim || !mine.length) {
      await ctx.toast(`报销单 ${no} 没有写你是同行人。`);
      return;
    }
    if (mine.every((c) => c.status !== 'pending')) {
      await ctx.toast(
        `你已${mine[0]!.status === 'confirmed' ? '确认同行' : '否认同行'}，不能再改。如有出入请联系综合部。`,
      );
      return;
    }
    const now = ctx.services.now();
    const checks = claim.companionChecks.map((c) =>
      c.staffId === me ? { ...c, status: yes ? 'confirmed' : 'denied', at: now } : c,
    );
    const won = await transition(
      ReimbursementClaim,
      no,
      claim.version,
      {
        $set: { companionChecks: checks },
        $push: {
          history: {
            at: now,
            by: me,
            byName: ctx.sender.name,
            action: 'companion',
            step: '同行确认',
            note: yes ? '确认同行' : '否认同行',
          },
        },
      },
      ctx.sender.identity,
    );
    if (!won) continue; // a decision or another companion came first: read again and answer on top of it
    ctx.log.info({ claim: no, companion: me, yes }, 'companion answered');
    const fresh = (await loadClaim(no))!;
    await refreshStepCards(ctx.services, fresh);
    if (ctx.can.updatesCards && ctx.action?.messageId)
      await ctx.updateCard({
        ...companionCard(fresh, mine[0]!),
        buttons: [],
        note: yes ? '你已确认同行。' : '你已否认同行。',
      });
    await tellClaimant(ctx.services, fresh, `${ctx.sender.name} ${yes ? '已确认' : '否认'}与你同行（报销单 ${no}）。`);
    await ctx.toast(yes ? `已确认同行（报销单 ${no}）。` : `已记录你没有同行，已告知综合部（报销单 ${no}）。`);
    return;
  }
  await ctx.toast(`报销单 ${no} 正在被处理，请稍后再试。`);
}

export async function confirmCompanion(ctx: StaffContext): Promise<void> {
  await answer(ctx, true);
}

export async function denyCompanion(ctx: StaffContext): Promise<void> {
  await answer(ctx, false);
}

/** The card's buttons: yes = 1 confirms, 0 denies. */
export async function companionFromCard(ctx: StaffContext): Promise<void> {
  await answer(ctx, ctx.action?.value.yes === '1');
}
