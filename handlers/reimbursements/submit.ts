import { randomUUID } from 'node:crypto';
import type { StaffContext } from '../../src/core/context.ts';
import { dailyNumber } from '../../src/core/numbering.ts';
import { takeOnce } from '../../src/core/once.ts';
import { transition } from '../../src/core/transition.ts';
import { OnceKey } from '../../src/models/index.ts';
import { mayWithdraw, parseClaimNo, planSteps } from './approval.ts';
import { addClaims } from './by-staff.ts';
import { loadClaim, notifyStep, updateStepCards } from './chain.ts';
import { heldElsewhere, holdsOf, otherWorkflowsProblem, releaseHolds, takeHolds } from './claim-checks.ts';
import { claimantKeys } from './claimant-keys.ts';
import { askCompanions, companionChecks, companionIds } from './companions.ts';
import { showDraft } from './draft-view.ts';
import { claimsPending, reimbursementDue } from './due.ts';
import { claimantOf, claimedSerials, consecutiveAcrossClaims, serialKey, serialKeys } from './items.ts';
import { ReimbursementClaim, ReimbursementDraft } from './models.ts';
import { submittedReply } from './replies.ts';
import { alreadyClaimedSerials, CLAUSE, checkClaim, companionsToVerify } from './rules.ts';
import { reimbursementSettings } from './settings.ts';

const HOUR = 3600_000;

/** 提交报销 / card button 提交报销: checks every rule once more, numbers the claim and starts the chain. */
export async function submitDraft(ctx: StaffContext): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  const { config } = ctx.services;
  const tz = config.timezone;
  const now = ctx.services.now();
  const draft = await ReimbursementDraft.findById(who.staffId).lean();
  const items = draft?.items ?? [];
  if (!draft || !items.length) {
    await ctx.toast('你没有待提交的报销明细。发送「报销」开始填写。');
    return;
  }
  const { errors, flags } = checkClaim(items, now, tz, reimbursementSettings.of(config).amounts);
  const serials = items.flatMap((it) => it.serials);
  const taken = alreadyClaimedSerials(await claimedSerials(serials));
  if (taken) errors.push(taken);
  const companions = await companionChecks(items);
  if (companions.some((c) => c.staffId === who.staffId))
    errors.push({
      clause: CLAUSE.receipts,
      code: 'companion_self',
      message: `${CLAUSE.receipts} 同行人写的是你自己：请写另外几位同行人的姓名。`,
    });
  const across = await consecutiveAcrossClaims(items, who.staffId, companionIds(companions));
  if (across) errors.push(across);
  const holds = holdsOf(ctx.services, items);
  const held = await heldElsewhere(holds);
  if (held) errors.push(held);
  const other = await otherWorkflowsProblem(ctx.services, who.staffId, items);
  if (other) errors.push(other);
  const verify = companionsToVerify(companions);
  if (verify) flags.push(verify);
  if (errors.length) {
    await ctx.reply(
      [
        '没有提交，请先改正：',
        ...errors.map((e) => `• ${e.message}`),
        '发送「删除明细 序号」删掉有问题的项，再发送「报销」重新填写。',
      ].join('\n'),
    );
    return;
  }
  // one submission per draft, however often 提交 is clicked
  if (!(await takeOnce(`reimbursedraft:${draft.token}`, ctx.sender.identity))) {
    await ctx.toast('这份报销已经提交过了。发送「我的报销」查看。');
    return;
  }
  const no = await dailyNumber('BX', now, tz);
  const giveBackDraft = () => OnceKey.deleteOne({ _id: `reimbursedraft:${draft.token}` });
  // §3.5.3: each ticket serial belongs to one claim, across everyone's claims
  const won: string[] = [];
  for (const s of serials) {
    if (await takeOnce(serialKey(s), no)) won.push(s);
    else {
      await OnceKey.deleteMany({ _id: { $in: won.map(serialKey) }, by: no });
      await giveBackDraft();
      const dup = alreadyClaimedSerials(await claimedSerials([s]));
      await ctx.reply(`没有提交：${dup?.message ?? `票号 ${s} 已报销过。`}`);
      return;
    }
  }
  // and whatever else the items hold once (a trip's costs, §3.4.5): of two claims at once, one holds it
  const lost = await takeHolds(no, holds);
  if (lost) {
    await OnceKey.deleteMany({ _id: { $in: won.map(serialKey) }, by: no });
    await giveBackDraft();
    await ctx.reply(`没有提交：${(await heldElsewhere([lost]))?.message ?? `${lost.label}刚刚已被另一张报销单报销。`}`);
    return;
  }
  const steps = planSteps(flags).map((s, i) => ({ ...s, status: i === 0 ? 'pending' : 'waiting' }));
  const release = async () => {
    // the claim was not saved: give the serials, the holds and the draft back so a retry can submit them
    await OnceKey.deleteMany({ _id: { $in: won.map(serialKey) }, by: no });
    await releaseHolds(
      no,
      holds.map((h) => h.key),
    );
    await giveBackDraft();
  };
  const remindAt = new Date(now.getTime() + reimbursementSettings.of(config).remindAfterHours * HOUR);
  await Promise.all([
    addClaims(who.staffId, [no]),
    claimantKeys.add(who.staffId, no),
    reimbursementDue.add(no, remindAt, now),
    claimsPending.add(no, now),
  ]).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  await ReimbursementClaim.create({
    _id: no,
    claimantId: who.staffId,
    claimantName: who.name,
    items,
    total: items.reduce((sum, it) => sum + it.amount, 0),
    flags,
    steps,
    stepIndex: 0,
    status: 'pending',
    currentRole: steps[0]!.role,
    stepSince: now,
    remindAt,
    history: [
      {
        at: now,
        by: who.staffId,
        byName: who.name,
        action: 'submitted',
        note: draft.resubmitOf ? `更正自 ${draft.resubmitOf}` : '',
      },
    ],
    resubmitOf: draft.resubmitOf ?? null,
    holds: holds.map((h) => h.key),
    companionChecks: companions,
    submittedAt: now,
    version: 0,
  }).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  await ReimbursementDraft.deleteOne({ _id: who.staffId, token: draft.token });
  if (draft.resubmitOf) await ReimbursementClaim.updateOne({ _id: draft.resubmitOf }, { $set: { resubmittedAs: no } });
  ctx.log.info({ claim: no, items: items.length, flags: flags.map((f) => f.code) }, 'reimbursement submitted');

  const claim = (await loadClaim(no))!;
  const reached = await notifyStep(ctx.services, claim);
  await askCompanions(ctx.services, claim);
  await ctx.reply(submittedReply(claim, steps[0]!.label, reached > 0));
}

/** 撤回报销 <编号> / card button 撤回: the claimant, before anyone has decided. */
export async function withdrawClaim(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? parseClaimNo(ctx.args);
  if (!no) {
    await ctx.reply('请写明报销单编号，例如：撤回报销 BX-20261127-001');
    return;
  }
  const claim = await loadClaim(no);
  if (!claim) {
    await ctx.toast(`没有找到报销单 ${no}。`);
    return;
  }
  const decided = claim.history.some((h) => h.action === 'approved' || h.action === 'rejected' || h.action === 'paid');
  const check = mayWithdraw(
    { ...claim, decided, status: claim.status },
    { staffId: ctx.sender.staffId, roles: ctx.sender.roles },
  );
  if (!check.ok) {
    await ctx.toast(check.why);
    return;
  }
  const now = ctx.services.now();
  const step = claim.steps[claim.stepIndex]!;
  const steps = claim.steps.map((s, i) => (i === claim.stepIndex ? { ...s, status: 'cancelled', at: now } : s));
  const won = await transition(
    ReimbursementClaim,
    no,
    claim.version,
    {
      $set: { status: 'withdrawn', steps, currentRole: null, remindAt: null },
      $push: {
        history: { at: now, by: ctx.sender.staffId, byName: ctx.sender.name, action: 'withdrawn', step: step.label },
      },
    },
    ctx.sender.identity,
  );
  if (!won) {
    const fresh = (await loadClaim(no))!;
    const last = fresh.history.at(-1);
    await ctx.toast(`没能撤回：报销单 ${no} 刚刚已由 ${last?.byName ?? '他人'} 处理（${last?.step ?? ''}）。`);
    return;
  }
  await claimsPending.remove(no);
  // the tickets (and trips) were never paid: a corrected claim may carry them again
  await OnceKey.deleteMany({ _id: { $in: serialKeys(claim.items.flatMap((it) => it.serials)) }, by: no });
  await releaseHolds(no, claim.holds ?? []);
  await updateStepCards(ctx.services, no, step.key);
  ctx.log.info({ claim: no }, 'reimbursement withdrawn');
  await ctx.toast(`已撤回报销单 ${no}。如需更正后再报，发送：重新报销 ${no}`);
}

/** 重新报销 <编号>: a rejected or withdrawn claim's items become a new draft linked to it. */
export async function resubmitClaim(ctx: StaffContext): Promise<void> {
  const who = await claimantOf(ctx);
  if (!who) return;
  const no = parseClaimNo(ctx.args);
  if (!no) {
    await ctx.reply('请写明被驳回或已撤回的报销单编号，例如：重新报销 BX-20261127-001');
    return;
  }
  const old = await loadClaim(no);
  if (!old || old.claimantId !== who.staffId) {
    await ctx.reply(`没有找到你的报销单 ${no}。`);
    return;
  }
  if (old.status !== 'rejected' && old.status !== 'withdrawn') {
    await ctx.reply(`报销单 ${no} 没有被驳回或撤回，不需要重新报销。`);
    return;
  }
  if (old.resubmittedAs) {
    await ctx.reply(`报销单 ${no} 已经重新提交为 ${old.resubmittedAs}。`);
    return;
  }
  const existing = await ReimbursementDraft.findById(who.staffId).lean();
  if (existing?.items.length) {
    await ctx.reply('你还有一份未提交的报销草稿。请先「提交报销」或「放弃报销」，再重新报销。');
    return;
  }
  await ReimbursementDraft.findOneAndUpdate(
    { _id: who.staffId },
    { $set: { token: randomUUID(), items: old.items, resubmitOf: no, itemAt: ctx.services.now() } },
    { upsert: true },
  );
  const reason = old.steps.find((s) => s.status === 'rejected')?.reason;
  await showDraft(
    ctx,
    who.staffId,
    `已把 ${no} 的明细放进新草稿${reason ? `（驳回原因：${reason}）` : ''}。用「删除明细 序号」去掉有问题的项，「报销」添加更正后的项，然后「提交报销」。`,
  );
}
