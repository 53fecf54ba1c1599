import type { Services, StaffContext } from '../../src/core/context.ts';
import { notify, recipientsOf } from '../../src/core/notify.ts';
import { maskPhonesIn } from '../../src/core/text.ts';
import type { Card } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { applyStep, findComplaint, fmt, loadComplaint } from './common.ts';
import type { ComplaintRecord, Responsible } from './models.ts';
import { clip } from './notice.ts';

/*
 * §3.2.3 投诉的保安队员、队长确认: the guards and team leader the investigation names are told
 * privately, and each confirms having seen it; the confirmation goes on the record.
 */

/** 张三 or 张三(13800000001), as the investigation form writes them → the staff record. */
async function staffFor(entry: string): Promise<{ staffId: string; name: string } | undefined> {
  const m = /^(.+?)\((\d{11})\)$/.exec(entry);
  const s = await Staff.findOne(m ? { phone: m[2] } : { name: entry }, { name: 1 }).lean();
  return s ? { staffId: String(s._id), name: s.name } : undefined;
}

/** The people an investigation names, as they are kept on the case (not yet told). */
export async function responsibleOf(guards: readonly string[], teamLeader: string, now: Date): Promise<Responsible[]> {
  const out: Responsible[] = [];
  const add = async (entry: string, as: 'guard' | 'team_leader') => {
    const s = entry ? await staffFor(entry) : undefined;
    if (s && !out.some((r) => r.staffId === s.staffId)) out.push({ ...s, as, toldAt: now, seenAt: null });
  };
  for (const g of guards) await add(g, 'guard');
  await add(teamLeader, 'team_leader');
  return out;
}

/**
 * What a responsible person is shown: the complaint and the finding, never the client's phone, in
 * two lines (#21); they are not among those who read the whole record.
 */
function noticeCard(c: ComplaintRecord, r: Responsible): Card {
  // the reason or the finding may quote the client's number as it was typed: masked before it is cut
  const short = (text: string) => clip(maskPhonesIn(text), 40);
  const i = c.investigation;
  return {
    title: `投诉责任告知：${c._id}`,
    color: 'orange',
    lines: [
      `${c.clientName}投诉：${short(c.reason)}。人防部调查：${short(i?.cause ?? '')}；改善对策：${short(i?.measures ?? '')}。`,
      `你被确定为：${r.as === 'guard' ? '责任队员' : '责任队长'}。看完请点「已阅确认」，或发送「已阅 ${c._id}」（§3.2.3）。`,
    ],
    buttons: [{ label: '已阅确认', action: 'complaints.seen', value: { id: c._id }, style: 'primary' }],
  };
}

/** Tells each responsible person privately; returns how many could be reached. */
export async function tellResponsible(services: Services, c: ComplaintRecord): Promise<number> {
  let reached = 0;
  for (const r of c.responsible ?? []) {
    if (r.seenAt) continue;
    const to = await recipientsOf(services, [{ id: r.staffId, name: r.name }]);
    if (to.length) reached++;
    await notify(services, to, noticeCard(c, r));
  }
  return reached;
}

async function confirmSeen(ctx: StaffContext, c: ComplaintRecord): Promise<void> {
  const me = (c.responsible ?? []).find((r) => r.staffId === ctx.sender.staffId);
  if (!me) {
    await ctx.toast('这件投诉没有把你列为责任人，不需要你确认。');
    return;
  }
  if (me.seenAt) {
    await ctx.toast(`你已在 ${fmt(ctx.services, me.seenAt)} 确认过。`);
    return;
  }
  const now = ctx.services.now();
  const responsible = c.responsible.map((r) => (r.staffId === me.staffId ? { ...r, seenAt: now } : r));
  if (
    !(await applyStep(
      ctx,
      c,
      { responsible },
      '责任人已阅确认',
      `${me.name}（${me.as === 'guard' ? '责任队员' : '责任队长'}）`,
    ))
  )
    return;
  await ctx.toast(`已记录：你已阅知投诉 ${c._id} 的调查结果（§3.2.3）。`);
}

/** Button 已阅确认 */
export async function seenFromCard(ctx: StaffContext): Promise<void> {
  const c = await loadComplaint(ctx.action?.value.id ?? '');
  if (!c) {
    await ctx.toast('找不到这件投诉。');
    return;
  }
  await confirmSeen(ctx, c);
}

/** 已阅 <编号> */
export async function seenCommand(ctx: StaffContext): Promise<void> {
  const found = await findComplaint(ctx, ctx.args, '已阅 TS-20261127-003');
  if (found) await confirmSeen(ctx, found.c);
}
