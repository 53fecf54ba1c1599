import { Complaint } from '../../handlers/complaints/models.ts';
import { planSteps } from '../../handlers/reimbursements/approval.ts';
import type { CategoryKey } from '../../handlers/reimbursements/categories.ts';
import { ClaimsByStaff, ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import {
  largeAmounts,
  needsChairmanInstruction,
  needsSpecialTransportApproval,
} from '../../handlers/reimbursements/rules.ts';
import { ref, type SeedWorld } from './reports-seed.ts';
import { seedOperations } from './reports-seed-ops.ts';
import { DAY, DailyNumbers, HOUR, type PersonRef, writeAll } from './seed-kit.ts';

/*
 * Complaints (Ch.10 III) and reimbursement claims (§3.5) for the report bench: a year of each, in
 * every status, with the stages a real case goes through, times in order and never after `now`
 * (the morning after the last seeded day).
 */

type Step = (name: string, work: () => Promise<number>) => Promise<void>;

export async function seedRecords(w: SeedWorld, step: Step): Promise<void> {
  await step('complaints', () => writeAll(Complaint, complaints(w)));
  const byStaff = new Map<string, string[]>();
  await step('claims', () => writeAll(ReimbursementClaim, claims(w, byStaff)));
  await step('claimsbystaff', () =>
    writeAll(
      ClaimsByStaff,
      [...byStaff].map(([id, nos]) => ({ _id: id, claims: nos.reverse(), version: nos.length })),
    ),
  );
  await seedOperations(w, step);
}

/** Sorted times spread over the seeded days, in working hours. */
function times(w: SeedWorld, n: number, from = 8, to = 20): Date[] {
  const out = Array.from({ length: n }, () =>
    w.clock.at(w.dice.pick(w.days), w.dice.int(from, to - 1), w.dice.int(0, 59)),
  );
  return out.sort((a, b) => a.getTime() - b.getTime());
}

const LIMIT_HOURS = { general: 72, fee_deduction: 24, unjustified: 48 } as const;
const STAGES = ['registered', 'investigated', 'decided', 'following_up', 'closed'] as const;
const TYPES = ['服务态度', '脱岗睡岗', '仪容仪表', '巡逻不到位', '门岗管理', '其他'];

function* complaints(w: SeedWorld): Generator<Record<string, unknown>> {
  const { dice, clock } = w;
  const now = clock.at(w.end, 9);
  const nos = new DailyNumbers('TS', clock);
  w.numbers.push(nos);
  const cs = w.byRole('customer_service');
  const ops = w.byRole('guard_ops');
  const chairman = ref(w.byRole('chairman')[0]!);
  const guards = w.byRole('guard');
  for (const acceptedAt of times(w, w.scale.complaints)) {
    const _id = nos.next(acceptedAt);
    const category = dice.weighted({ general: 7, fee_deduction: 2, unjustified: 1 });
    const client = dice.pick(w.clients);
    const age = (now.getTime() - acceptedAt.getTime()) / DAY;
    const target =
      age > 45
        ? dice.weighted({ closed: 90, following_up: 4, decided: 2, investigated: 2, registered: 1, unconfirmed: 0 })
        : age > 14
          ? dice.weighted({ closed: 50, following_up: 35, decided: 5, investigated: 5, registered: 5, unconfirmed: 0 })
          : dice.weighted({
              unconfirmed: 5,
              registered: 30,
              investigated: 25,
              decided: 15,
              following_up: 20,
              closed: 5,
            });
    const by = ref(dice.pick(cs));
    const investigator = ref(dice.pick(ops));
    const dueAt = new Date(acceptedAt.getTime() + LIMIT_HOURS[category] * HOUR);
    // when each stage was reached; a stage whose time is still ahead of `now` is not reached yet
    const invAt = new Date(acceptedAt.getTime() + dice.int(2, 40) * HOUR);
    const decAt = new Date(invAt.getTime() + dice.int(1, 20) * HOUR);
    const resAt = new Date(decAt.getTime() + dice.int(1, 30) * HOUR);
    const plan = [7, 30].map((d, i) => ({ seq: i + 1, dueAt: new Date(resAt.getTime() + d * DAY) }));
    const doneAt = plan.map((p) => new Date(p.dueAt.getTime() + dice.int(0, 48) * HOUR));
    const reached = [invAt, decAt, resAt, doneAt[1]!].filter((t) => t < now).length;
    const stage = target === 'unconfirmed' ? -1 : Math.min(STAGES.indexOf(target), reached);
    const status = stage < 0 ? 'unconfirmed' : STAGES[stage]!;
    const resolved = stage >= 3;
    const overdue = resolved ? resAt > dueAt : stage >= 0 && now > dueAt;
    const guard = ref(dice.pick(guards));
    const fee = category === 'fee_deduction';
    const month = clock.dayOf(acceptedAt).slice(0, 7);
    const followUps = resolved
      ? plan.map((p, i) => {
          const done = stage === 4 || doneAt[i]! < now;
          return {
            seq: p.seq,
            dueAt: p.dueAt,
            remindedAt: done ? null : p.dueAt < now ? p.dueAt : null,
            doneAt: done ? doneAt[i] : null,
            by: done ? by : null,
            outcome: done ? '满意' : '',
            note: done ? '客户表示队员表现有改善' : '',
          };
        })
      : [];
    const closedAt = stage === 4 ? doneAt[1]! : null;
    const history = [{ at: acceptedAt, by, action: '登记投诉', detail: `${category}，${TYPES[0]}` }];
    if (stage >= 1) history.push({ at: invAt, by: investigator, action: '调查', detail: '队员夜班脱岗' });
    if (stage >= 2) history.push({ at: decAt, by, action: '处理意见', detail: '合理；警告并培训' });
    if (stage >= 3) history.push({ at: resAt, by, action: '告知结果', detail: '电话告知' });
    for (const f of followUps) if (f.doneAt) history.push({ at: f.doneAt, by, action: '回访', detail: '满意' });
    const next = followUps.find((f) => !f.doneAt);
    const remindAt = new Date(dueAt.getTime() - 12 * HOUR);
    yield {
      _id,
      version: history.length,
      status,
      clientName: client.name,
      clientId: client.id,
      clientAddress: `${client.name}大楼`,
      clientPhone: '0755-26000000',
      reason: dice.pick(['夜班队员在岗睡觉', '门岗未登记外来车辆', '队员对业主态度生硬', '巡逻记录缺失']),
      demand: dice.pick(['更换队员', '书面道歉', '加强培训', '减免当月服务费']),
      category,
      type: dice.pick(TYPES),
      acceptedBy: by,
      acceptedAt,
      registeredAt: acceptedAt,
      registeredBy: by,
      reportedAt: stage < 0 ? acceptedAt : null,
      categoryChanges: [],
      remark: '',
      clientToldAt: stage >= 0 ? new Date(acceptedAt.getTime() + HOUR) : null,
      ackDueAt: new Date(acceptedAt.getTime() + 2 * HOUR),
      ackRemindedAt: null,
      investigation:
        stage >= 1
          ? {
              cause: '队员夜班脱岗',
              guards: [guard.name],
              teamLeader: '',
              measures: '警告并培训',
              by: investigator,
              at: invAt,
            }
          : null,
      responsible:
        stage >= 1 ? [{ ...guard, as: 'guard', toldAt: invAt, seenAt: new Date(invAt.getTime() + HOUR) }] : [],
      decision:
        stage >= 2
          ? {
              reasonable: dice.chance(0.8),
              handling: fee ? '同意扣减服务费' : '口头警告并加强培训',
              responsibility: '当班队员',
              plan: '一周内完成整改',
              deductionFen: fee ? dice.int(1, 20) * 10_000 : null,
              deductionAmount: null,
              deductionMonth: fee ? month : '',
              by,
              at: decAt,
            }
          : null,
      effect: stage === 4 ? { effective: true, note: '', by, at: closedAt } : null,
      measuresDue: false,
      approval:
        fee && stage >= 2
          ? {
              status: 'approved',
              what: `扣服务费（${month}）`,
              requestedBy: by,
              requestedAt: decAt,
              decidedBy: chairman,
              decidedAt: new Date(decAt.getTime() + 30 * 60_000),
              note: '',
            }
          : null,
      result: resolved ? { toldOn: clock.dayOf(resAt), content: '已处理并告知', via: '电话', by, at: resAt } : null,
      appeal: null,
      followUps,
      dueAt,
      remindedAt: stage >= 0 && remindAt < (resolved ? resAt : now) ? remindAt : null,
      overdueAt: overdue ? new Date(dueAt.getTime() + 60_000) : null,
      nextCheckAt:
        stage < 0 || stage === 4
          ? null
          : resolved
            ? (next?.dueAt ?? null)
            : overdue
              ? null
              : remindAt < now
                ? dueAt
                : remindAt,
      closedAt,
      history,
      earlierRounds: [],
      createdAt: acceptedAt,
      updatedAt: history.at(-1)!.at,
    };
  }
}

const ITEM_WEIGHTS: Record<CategoryKey, number> = {
  bus: 20,
  subway: 20,
  taxi: 8,
  ride_hailing: 8,
  transport_other: 4,
  fuel: 10,
  toll: 6,
  repair: 2,
  meal: 10,
  office: 6,
  other: 3,
};
const AMOUNT: Record<CategoryKey, [number, number]> = {
  bus: [200, 1000],
  subway: [300, 1200],
  taxi: [2000, 12_000],
  ride_hailing: [1500, 9000],
  transport_other: [5000, 60_000],
  fuel: [20_000, 50_000],
  toll: [1000, 8000],
  repair: [30_000, 300_000],
  meal: [2000, 20_000],
  office: [1000, 30_000],
  other: [1000, 20_000],
};
const MATTER: Record<CategoryKey, string> = {
  bus: '巡查驻点',
  subway: '去客户处送资料',
  taxi: '夜班后赶往驻点',
  ride_hailing: '紧急顶岗',
  transport_other: '外地驻点培训',
  fuel: '接送队员上下班',
  toll: '运送物资',
  repair: '更换刹车片',
  meal: '加班餐',
  office: '购买执勤记录本',
  other: '购买雨具',
};

function* claims(w: SeedWorld, byStaff: Map<string, string[]>): Generator<Record<string, unknown>> {
  const { dice, clock, scale } = w;
  const now = clock.at(w.end, 9);
  const nos = new DailyNumbers('BX', clock);
  w.numbers.push(nos);
  const claimants = [...w.byRole('guard').slice(0, 800), ...w.byRole('driver'), ...w.byRole('team_leader')];
  const approvers: Record<string, PersonRef[]> = {
    general_affairs: w.byRole('general_affairs').map(ref),
    finance: w.byRole('finance').map(ref),
    chairman: w.byRole('chairman').map(ref),
  };
  let serial = 10_000_000;
  for (const submittedAt of times(w, scale.claims, 9, 22)) {
    const no = nos.next(submittedAt);
    const who = dice.pick(claimants);
    const day = clock.dayOf(submittedAt);
    const old = dice.chance(0.02);
    const items = Array.from({ length: dice.int(1, 2 * scale.itemsPerClaim - 1) }, () => {
      const category = dice.weighted(ITEM_WEIGHTS);
      const [lo, hi] = AMOUNT[category];
      const ticket = category === 'bus' || category === 'subway' || category === 'transport_other';
      return {
        date: clock.plusDays(day, -(old ? dice.int(95, 120) : dice.int(0, 20))),
        category,
        amount: dice.int(lo, hi),
        matter: MATTER[category],
        contact: w.dorms[0]!.leader.name,
        serials: ticket ? [String(serial++)] : [],
        travellers: 1,
        companions: [],
        receipts: [`img_v3_${dice.hex(24)}`],
      };
    });
    const flags = [
      needsSpecialTransportApproval(items),
      needsChairmanInstruction(items, submittedAt, clock.tz),
      ...largeAmounts(items, { largeItemFen: 200_000, chairmanNoteAboveFen: 500_000 }),
    ]
      .filter((f) => !!f)
      .map((f) => ({ clause: f.clause ?? '', code: f.code, message: f.message, items: f.items ?? [] }));
    const plan = planSteps(flags);
    const age = (now.getTime() - submittedAt.getTime()) / DAY;
    const target =
      age > 21
        ? dice.weighted({ paid: 90, rejected: 5, withdrawn: 3, pending: 2 })
        : age > 7
          ? dice.weighted({ paid: 60, pending: 35, rejected: 3, withdrawn: 2 })
          : dice.weighted({ pending: 80, paid: 15, rejected: 3, withdrawn: 2 });
    // each step decided some hours after the one before; those still ahead of now are not decided yet
    const stepAt: Date[] = [];
    let t = submittedAt.getTime();
    for (let i = 0; i < plan.length; i++) {
      t += dice.int(2, 30) * HOUR;
      stepAt.push(new Date(t));
    }
    const done = stepAt.filter((d) => d < now).length;
    const status = target === 'paid' && done < plan.length ? 'pending' : target;
    const stop =
      status === 'paid'
        ? plan.length
        : status === 'pending'
          ? dice.int(0, Math.min(done, plan.length - 1))
          : dice.int(0, Math.min(done, plan.length - 1));
    const history: Record<string, unknown>[] = [
      { at: submittedAt, by: who.staffId, byName: who.name, action: 'submitted', step: '', note: '' },
    ];
    const steps = plan.map((s, i) => {
      const p = dice.pick(approvers[s.role]!);
      if (i < stop) {
        const paid = s.key === 'payout';
        history.push({
          at: stepAt[i],
          by: p.staffId,
          byName: p.name,
          action: paid ? 'paid' : 'approved',
          step: s.key,
          note: '',
        });
        return { ...s, status: paid ? 'paid' : 'approved', by: p.staffId, byName: p.name, at: stepAt[i], reason: null };
      }
      if (i === stop && status === 'rejected') {
        history.push({
          at: stepAt[i],
          by: p.staffId,
          byName: p.name,
          action: 'rejected',
          step: s.key,
          note: '票据不清',
        });
        return { ...s, status: 'rejected', by: p.staffId, byName: p.name, at: stepAt[i], reason: '票据不清' };
      }
      if (i === stop && status === 'withdrawn') {
        history.push({ at: stepAt[i], by: who.staffId, byName: who.name, action: 'withdrawn', step: s.key, note: '' });
        return { ...s, status: 'cancelled', by: null, byName: null, at: stepAt[i], reason: null };
      }
      return {
        ...s,
        status: i === stop && status === 'pending' ? 'pending' : 'waiting',
        by: null,
        byName: null,
        at: null,
        reason: null,
      };
    });
    const paidStep = status === 'paid' ? steps.at(-1)! : null;
    const stepIndex = status === 'paid' ? plan.length - 1 : stop;
    const stepSince = stop === 0 ? submittedAt : stepAt[Math.min(stop, plan.length) - 1]!;
    const paidOn = paidStep ? clock.dayOf(paidStep.at!) : null;
    const updatedAt = history.at(-1)!.at as Date;
    byStaff.set(who.staffId, [...(byStaff.get(who.staffId) ?? []), no]);
    yield {
      _id: no,
      claimantId: who.staffId,
      claimantName: who.name,
      items,
      total: items.reduce((s, it) => s + it.amount, 0),
      flags,
      steps,
      stepIndex,
      status,
      currentRole: status === 'pending' ? plan[stop]!.role : null,
      stepSince,
      remindAt: status === 'pending' ? new Date(stepSince.getTime() + 24 * HOUR) : null,
      history,
      resubmitOf: null,
      resubmittedAs: null,
      holds: [],
      companionChecks: [],
      payment: paidStep
        ? {
            date: paidOn,
            method: dice.pick(['银行转账', '微信', '现金']),
            by: paidStep.by,
            byName: paidStep.byName,
            at: paidStep.at,
          }
        : { date: null, method: null, by: null, byName: null, at: null },
      paidOn,
      submittedAt,
      version: history.length - 1,
      createdAt: submittedAt,
      updatedAt,
    };
  }
}
