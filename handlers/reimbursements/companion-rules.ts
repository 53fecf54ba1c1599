import { CLAUSE, type RuleMessage } from './clause.ts';

/* §3.5.3 二人及以上同行 as pure functions: the companions named on a claim's items. */

/** One named companion of a claim's item, as the claim keeps it (see companions.ts). */
export interface CompanionCheck {
  item: number;
  name: string;
  staffId?: string | null;
  /** pending/confirmed/denied for staff; not_staff or ambiguous (two staff of that name) otherwise. */
  status: string;
}

const listNames = (cs: readonly CompanionCheck[]) => [...new Set(cs.map((c) => c.name))].join('、');

/**
 * §3.5.3: a group trip lifts the consecutive rule on the word of the people who travelled. 综合部
 * passes it only once every companion who is staff confirmed it on their card; a denial stops it.
 */
export function companionsUnconfirmed(checks: readonly CompanionCheck[]): string | undefined {
  const denied = checks.filter((c) => c.status === 'denied');
  if (denied.length)
    return `${CLAUSE.receipts} 同行人 ${listNames(denied)} 否认同行：这一趟不能按多人同行报销，请驳回。`;
  const waiting = checks.filter((c) => c.status === 'pending');
  if (waiting.length)
    return `${CLAUSE.receipts} 同行人 ${listNames(waiting)} 还没有确认同行，确认后综合部才能审批。已再次提醒。`;
  return undefined;
}

/** §3.5.3: companions the bot cannot ask (not staff, or a name two staff share) are 综合部's to check. */
export function companionsToVerify(checks: readonly CompanionCheck[]): RuleMessage | undefined {
  const open = checks.filter((c) => c.status === 'not_staff' || c.status === 'ambiguous');
  if (!open.length) return undefined;
  const what = open
    .map(
      (c) =>
        `第${c.item + 1}项同行人 ${c.name} ${c.status === 'ambiguous' ? '有同名员工，无法确认是谁' : '不是公司员工'}`,
    )
    .join('；');
  return {
    clause: CLAUSE.receipts,
    code: 'companion_unverified',
    items: [...new Set(open.map((c) => c.item))],
    message: `${CLAUSE.receipts} ${what}：请综合部核实是否同行。`,
  };
}

/** One line per companion for the cards: who, and whether they confirmed. */
export function companionLines(checks: readonly CompanionCheck[]): string[] {
  const word: Record<string, string> = {
    pending: '待确认同行',
    confirmed: '已确认同行',
    denied: '否认同行',
    not_staff: '非公司员工',
    ambiguous: '同名员工，待综合部核实',
  };
  return checks.length ? [`同行确认：${checks.map((c) => `${c.name} ${word[c.status] ?? c.status}`).join('；')}`] : [];
}

/**
 * §3.5.3 the same trip twice: a ticket next to one on a claim where the claimant travelled as a
 * companion (their ticket was in that group's item), or where a named companion claimed it himself.
 */
export function sameTripClaimedBefore(
  pairs: readonly { serial: string; earlier: string; claimNo: string; who: string }[],
): RuleMessage | undefined {
  if (!pairs.length) return undefined;
  const list = pairs.map((p) => `${p.serial} 与 ${p.claimNo}（${p.who}）中的 ${p.earlier}`).join('、');
  return {
    clause: CLAUSE.receipts,
    code: 'same_trip_claimed',
    message: `${CLAUSE.receipts} 同一趟行程只能报销一次：${list} 是连号，这一趟已作为多人同行报销过。`,
  };
}
