import type { Services, StaffContext } from '../../src/core/context.ts';
import { formatFen } from '../../src/core/money.ts';
import { isSubject } from '../../src/core/subject.ts';
import { maskPhonesIn } from '../../src/core/text.ts';
import type { Card, CardButton, Role } from '../../src/core/types.ts';
import { fmt, isLate, mayseeClientPhone, phoneFor } from './common.ts';
import { CATEGORIES, type ComplaintRecord } from './models.ts';
import { CATEGORY_LABELS, CATEGORY_SHORT, complaintSubjects, nextFollowUp, STATUS_LABELS } from './rules.ts';

/*
 * The complaint's whole record as a card (投诉 <编号>, the sweep's reminders) and the buttons for
 * what its viewer may do next. Split from common.ts.
 */

/** §3.2.3: who of the responsible people confirmed having seen the finding. */
export function responsibleLine(
  c: Pick<ComplaintRecord, 'responsible'>,
  t: (d: Date | null | undefined) => string,
): string | undefined {
  if (!c.responsible?.length) return undefined;
  return `【责任人确认】${c.responsible.map((r) => `${r.name}${r.seenAt ? ` 已确认（${t(r.seenAt)}）` : ' 未确认'}`).join('；')}`;
}

/**
 * §4.1 投诉受理 and 受理日期, and who registered it when that was someone else: a registration
 * outside 客服部 shows as waiting for 客服部's confirmation until it is accepted.
 */
function acceptanceLines(c: ComplaintRecord, t: (d: Date | null | undefined) => string): string[] {
  const reg = c.registeredBy;
  const reported = c.reportedAt ? `，客户投诉于 ${t(c.reportedAt)}` : '';
  if (c.status === 'unconfirmed')
    return [
      `投诉受理：待客服部确认（${reg?.name ?? c.acceptedBy.name} ${t(c.registeredAt ?? c.acceptedAt)} 登记${reported}）`,
    ];
  const by = reg && reg.staffId !== c.acceptedBy.staffId ? `（${reg.name} 登记${reported}）` : '';
  const lines = [
    `投诉受理：${c.acceptedBy.name}${by}　受理日期：${t(c.acceptedAt)}${isLate(c) ? `（补登，${t(c.registeredAt)} 登记）` : ''}`,
  ];
  for (const k of c.categoryChanges ?? [])
    lines.push(
      `【改分类】${t(k.at)} ${k.by.name}：${CATEGORY_LABELS[k.from]} → ${CATEGORY_LABELS[k.to]}（${k.reason}）`,
    );
  return lines;
}

/** One line per case, for lists. */
export function summaryLine(services: Pick<Services, 'config'>, c: ComplaintRecord): string {
  const overdue = c.overdueAt ? '（已逾期）' : '';
  return `• ${c._id} ${c.clientName}｜${CATEGORY_LABELS[c.category]}｜${STATUS_LABELS[c.status]}${overdue}｜受理 ${fmt(services, c.acceptedAt)}`;
}

export interface CardOptions {
  fullPhone: boolean;
  /** Buttons for what the viewer can do next. */
  buttons?: CardButton[];
  note?: string;
  title?: string;
  /** The whole record with the audit trail (`投诉 <编号>`); otherwise a short card. */
  full?: boolean;
}

/** The 客户投诉登记表 and everything recorded since, as a card. */
export function complaintCard(services: Pick<Services, 'config'>, c: ComplaintRecord, o: CardOptions): Card {
  const t = (d: Date | null | undefined) => fmt(services, d);
  const lines = [
    `受理编号：${c._id}　状态：${STATUS_LABELS[c.status]}${c.overdueAt ? '（已逾期）' : ''}`,
    `投诉客户名称：${c.clientName}`,
    `客户地址：${c.clientAddress || '未填'}`,
    `电话：${phoneFor(c.clientPhone, o.fullPhone)}`,
    `投诉缘由：${c.reason}`,
    `客户要求：${c.demand}`,
    `分类：${CATEGORY_LABELS[c.category]}　投诉类型：${c.type}`,
    ...acceptanceLines(c, t),
    `备注：${c.remark || '无'}`,
    c.status === 'unconfirmed'
      ? '处理时限：客服部确认受理后按分类起算（§3.1.3）'
      : `处理时限：${t(c.dueAt)}前告知客户结果`,
    `已告知客户受理：${c.clientToldAt ? t(c.clientToldAt) : '未确认'}`,
  ];
  if (c.investigation) {
    const i = c.investigation;
    lines.push(
      `【调查】原因：${i.cause}；责任队员：${i.guards.join('、') || '无'}；责任队长：${i.teamLeader || '无'}；改善对策：${i.measures}（${i.by.name}）`,
    );
  }
  const seen = responsibleLine(c, t);
  if (seen) lines.push(seen);
  if (c.decision) {
    const d = c.decision;
    const fen = d.deductionFen ?? (d.deductionAmount != null ? Math.round(d.deductionAmount * 100) : null);
    const fee = fen ? `；扣服务费 ${formatFen(fen)}（${d.deductionMonth}）` : '';
    lines.push(
      `【处理】${d.reasonable ? '合理' : '不合理'}投诉；处理方式：${d.handling}；责任归属：${d.responsibility}；改善方案：${d.plan}${fee}（${d.by.name}）`,
    );
  }
  if (c.effect)
    lines.push(
      `【改善效果】${c.effect.effective ? '有效' : '无效'}${c.effect.note ? `：${c.effect.note}` : ''}（${c.effect.by.name}）`,
    );
  if (c.measuresDue) lines.push('【待人防部提出新改善对策】（§3.1.6）');
  if (c.appeal) {
    const a = c.appeal;
    const state =
      a.status === 'pending'
        ? '待决定'
        : a.status === 'upheld'
          ? `维持原处理（${a.ruledBy?.name}）`
          : `改为：${a.ruling}（${a.ruledBy?.name}）`;
    lines.push(`【签呈】${a.by.name}：${a.reason}｜${state}`);
  }
  if (c.approval) {
    const a = c.approval;
    const state =
      a.status === 'pending'
        ? '待董事长核准'
        : a.status === 'approved'
          ? `已核准（${a.decidedBy?.name ?? ''}）`
          : `不核准（${a.decidedBy?.name ?? ''}：${a.note}）`;
    lines.push(`【涉及金额（§4.4）】${a.what}｜${state}`);
  }
  if (c.result)
    lines.push(
      `【告知结果】${c.result.toldOn}${c.result.via ? ` ${c.result.via}` : ''}：${c.result.content}（${c.result.by.name}）`,
    );
  for (const f of c.followUps) {
    lines.push(
      f.doneAt
        ? `【回访${f.seq}】${t(f.doneAt)} ${f.outcome}${f.note ? `：${f.note}` : ''}（${f.by?.name ?? ''}）`
        : `【回访${f.seq}】计划 ${t(f.dueAt)}`,
    );
  }
  (c.earlierRounds ?? []).forEach((r, n) => {
    const i = r.investigation;
    const d = r.decision;
    lines.push(
      `【第 ${n + 1} 轮，${t(r.reopenedAt)} 由 ${r.reopenedBy.name} 重开：${r.reason}】` +
        `${i ? `调查：${i.cause}；责任队员：${i.guards.join('、') || '无'}；责任队长：${i.teamLeader || '无'}；改善对策：${i.measures}。` : ''}` +
        `${d ? `处理：${d.handling}；责任归属：${d.responsibility}。` : ''}` +
        `${r.effect ? `改善效果：${r.effect.effective ? '有效' : '无效'}。` : ''}${r.result ? `告知结果：${r.result.content}。` : ''}`,
    );
  });
  if (o.full) {
    lines.push('—— 记录 ——');
    for (const h of c.history) lines.push(`${t(h.at)} ${h.by.name} ${h.action}${h.detail ? `：${h.detail}` : ''}`);
  }
  return {
    title: o.title ?? `客户投诉 ${c._id}`,
    color: c.overdueAt && c.status !== 'closed' ? 'red' : c.status === 'closed' ? 'grey' : 'blue',
    // a phone typed into the reason, a remark or a follow-up note is masked as the 电话 line is
    lines: o.fullPhone ? lines : lines.map(maskPhonesIn),
    buttons: o.buttons?.length ? o.buttons : undefined,
    note: o.note,
  };
}

/** Buttons for the next step the viewer's roles allow. */
export function nextButtons(c: ComplaintRecord, can: (r: Role) => boolean): CardButton[] {
  const v = { id: c._id };
  const out: CardButton[] = [];
  if (c.status === 'unconfirmed' && can('customer_service')) {
    // §4.1: 客服部 accepts as registered, or with another category (asked for the reason)
    out.push({ label: '确认受理', action: 'complaints.confirm', value: v, style: 'primary' });
    for (const k of CATEGORIES.filter((k) => k !== c.category))
      out.push({ label: `改为${CATEGORY_SHORT[k]}`, action: 'complaints.reclassify', value: { ...v, category: k } });
  }
  if (!c.clientToldAt && c.status !== 'closed' && (can('customer_service') || can('team_leader'))) {
    out.push({ label: '已告知客户受理', action: 'complaints.told', value: v, style: 'primary' });
  }
  if (c.status === 'registered' && can('guard_ops'))
    out.push({ label: '记录调查', action: 'complaints.investigate', value: v, style: 'primary' });
  if (c.status === 'investigated' && can('customer_service'))
    out.push({ label: '拟定处理', action: 'complaints.decide', value: v, style: 'primary' });
  if (
    c.status === 'decided' &&
    can('customer_service') &&
    c.appeal?.status !== 'pending' &&
    c.approval?.status !== 'pending'
  ) {
    out.push({ label: '告知客户结果', action: 'complaints.result', value: v, style: 'primary' });
  }
  if (c.approval?.status === 'pending' && can('chairman')) {
    // §4.4 the chairman confirms a handling that commits money, or sends it back with a reason
    out.push({
      label: '核准处理',
      action: 'complaints.approve',
      value: v,
      style: 'primary',
      confirm: `核准投诉 ${c._id}（${c.clientName}）的处理：${c.approval.what}？`,
    });
    out.push({ label: '不核准', action: 'complaints.refuseApproval', value: v });
  }
  const stalled = c.status === 'following_up' && !nextFollowUp(c.followUps);
  if (c.status === 'following_up' && !stalled && can('customer_service'))
    out.push({ label: '记录回访', action: 'complaints.followup', value: v, style: 'primary' });
  if (stalled && can('customer_service')) {
    out.push({ label: '再安排回访', action: 'complaints.moreFollowUp', value: v, style: 'primary' });
    out.push({ label: '重开投诉', action: 'complaints.reopen', value: v });
  }
  if (c.measuresDue && can('guard_ops'))
    out.push({ label: '提出新改善对策', action: 'complaints.measures', value: v, style: 'primary' });
  if (c.appeal?.status === 'pending' && (can('admin') || can('chairman'))) {
    out.push({ label: '维持原处理', action: 'complaints.uphold', value: v, style: 'primary' });
    out.push({ label: '修改处理', action: 'complaints.change', value: v });
  }
  return out;
}

/** The card as this viewer should see it. */
export function cardFor(ctx: StaffContext, c: ComplaintRecord, extra: Partial<CardOptions> = {}): Card {
  return complaintCard(ctx.services, c, { fullPhone: mayseeClientPhone(ctx), buttons: buttonsFor(ctx, c), ...extra });
}

/**
 * The buttons this viewer may press: none on a case they are the subject of (#20), and never the
 * acceptance of a case they registered themselves (§4.1).
 */
export function buttonsFor(ctx: StaffContext, c: ComplaintRecord): CardButton[] {
  const me = ctx.sender.staffId;
  if (isSubject(me, complaintSubjects(c))) return [];
  const registrant = (c.registeredBy ?? c.acceptedBy).staffId;
  return nextButtons(c, (r) => ctx.hasRole(r)).filter(
    (b) => !(me && me === registrant && ['complaints.confirm', 'complaints.reclassify'].includes(b.action)),
  );
}
