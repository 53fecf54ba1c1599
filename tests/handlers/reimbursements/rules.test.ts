import { describe, expect, it } from 'vitest';
import { planSteps } from '../../../handlers/reimbursements/approval.ts';
import { isTicket, specialApprovalReason } from '../../../handlers/reimbursements/categories.ts';
import {
  alreadyClaimedSerials,
  amountProblem,
  type ClaimItem,
  checkClaim,
  companionLines,
  companionsProblem,
  companionsToVerify,
  companionsUnconfirmed,
  consecutiveBusTickets,
  consecutiveWithEarlierClaims,
  largeAmounts,
  missingReceiptDetails,
  missingReceiptPhotos,
  needsChairmanInstruction,
  needsSpecialTransportApproval,
  olderThanThreeMonths,
  payoutDateProblem,
  repeatedSerials,
  sameTripClaimedBefore,
} from '../../../handlers/reimbursements/rules.ts';
import { adjacentSerials, parseSerials } from '../../../handlers/reimbursements/serials.ts';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-11-27T04:00:00Z'); // 12:00 in Shanghai
const MAX = { largeItemFen: 500_000, chairmanNoteAboveFen: 2_000_000 };

function item(over: Partial<ClaimItem> = {}): ClaimItem {
  // a meal: neither a ticket (§3.5.3 serials) nor other transport (§3.5.2), so each test adds only what it is about
  return {
    date: '2026-11-20',
    category: 'meal',
    amount: 400,
    matter: '去万达广场送排班表',
    contact: '李经理',
    serials: [],
    travellers: 1,
    ...over,
  };
}
const bus = (serials: string[], travellers = 1) =>
  item({ category: 'bus', amount: 200 * serials.length, serials, travellers });

describe('§3.5.2 transport', () => {
  it('needs 综合部 special approval for a taxi, and names the clause', () => {
    const flag = needsSpecialTransportApproval([item(), item({ category: 'taxi', amount: 3500 })]);
    expect(flag?.clause).toBe('§3.5.2');
    expect(flag?.items).toEqual([1]);
    expect(flag?.message).toContain('§3.5.2');
    expect(flag?.message).toContain('综合部特批');
  });

  it('does not for bus, subway or company-vehicle fuel (§3.4.5)', () => {
    expect(
      needsSpecialTransportApproval([
        item(),
        bus(['10001']),
        item({ category: 'subway', serials: ['M1001'] }),
        item({ category: 'fuel' }),
      ]),
    ).toBeUndefined();
  });

  it('puts the special approval before 综合部 review in the chain', () => {
    const { flags } = checkClaim([item({ category: 'ride_hailing' })], NOW, TZ, MAX);
    expect(planSteps(flags).map((s) => s.key)).toEqual([
      'ga_special',
      'ga_review',
      'finance_check',
      'chairman_approve',
      'payout',
    ]);
  });
});

describe('§3.5.3 receipts', () => {
  it('requires date, matter and contact on every item', () => {
    const r = missingReceiptDetails({ date: '2026-11-20', matter: '', contact: ' ' }, 2);
    expect(r?.message).toContain('§3.5.3');
    expect(r?.message).toContain('第3项');
    expect(r?.message).toContain('所办事项、公司接洽人');
    expect(missingReceiptDetails(item())).toBeUndefined();
  });

  it('refuses consecutive bus tickets for a single traveller', () => {
    const r = consecutiveBusTickets([bus(['A00123', 'A00124'])]);
    expect(r?.clause).toBe('§3.5.3');
    expect(r?.message).toContain('A00123/A00124');
  });

  it('accepts consecutive bus tickets when two or more travelled together', () => {
    expect(consecutiveBusTickets([bus(['A00123', 'A00124'], 2)])).toBeUndefined();
  });

  it("compares a 2-person item's tickets with a 1-person item's in the same claim (§3.5.3)", () => {
    expect(consecutiveBusTickets([bus(['A00123', 'A00124'], 2), bus(['A00125'])])?.items).toEqual([0, 1]);
    // two group trips are two trips: their tickets are not consecutive with each other either
    expect(consecutiveBusTickets([bus(['A00123'], 2), bus(['A00124'], 2)])?.items).toEqual([0, 1]);
  });

  it('compares serials however they were typed: A123 next to A-0124 is consecutive (§3.5.3)', () => {
    expect(consecutiveBusTickets([bus(['A123']), bus(['a-0124'])])?.items).toEqual([0, 1]);
    expect(repeatedSerials([bus(['A0123']), bus(['a 123'])])?.message).toContain('重复');
  });

  it('asks the names of the other travellers when two or more travelled together (§3.5.3)', () => {
    expect(companionsProblem(2, [])).toContain('另外 1 位同行人');
    expect(companionsProblem(3, ['李四'])).toContain('现在写了 1 位');
    expect(companionsProblem(2, ['李四'])).toBeUndefined();
    expect(companionsProblem(1, [])).toBeUndefined();
    const { errors } = checkClaim([bus(['A00123', 'A00124'], 2)], NOW, TZ, MAX);
    expect(errors.map((e) => e.code)).toEqual(['companions']);
    expect(checkClaim([{ ...bus(['A00123', 'A00124'], 2), companions: ['李四'] }], NOW, TZ, MAX).errors).toEqual([]);
  });

  it('never tells the claimant to raise the head count (§3.5.3)', () => {
    expect(consecutiveBusTickets([bus(['50017', '50018'])])?.message).not.toContain('同行人数填为');
    expect(
      consecutiveWithEarlierClaims([{ serial: '1', earlier: '2', claimNo: 'BX-20261120-001' }])?.message,
    ).not.toContain('同行人数填为');
  });

  it('catches consecutive tickets split over two single-traveller items', () => {
    expect(consecutiveBusTickets([bus(['50017']), bus(['50018'])])?.items).toEqual([0, 1]);
    expect(consecutiveBusTickets([bus(['50017']), bus(['50019'])])).toBeUndefined();
    // different prefixes are different rolls
    expect(consecutiveBusTickets([bus(['A50017', 'B50018'])])).toBeUndefined();
  });

  it('refuses the same serial twice in one claim, and one claimed before as a duplicate', () => {
    expect(repeatedSerials([bus(['90001']), bus(['90001'])])?.message).toContain('重复');
    const dup = alreadyClaimedSerials(new Map([['90001', 'BX-20261101-004']]));
    expect(dup?.message).toContain('§3.5.3');
    expect(dup?.message).toContain('BX-20261101-004');
  });

  it('refuses a ticket without its serial, bus or subway alike (#20: a bus ticket typed as 地铁 is still a ticket)', () => {
    for (const category of ['bus', 'subway', 'transport_other']) {
      expect(checkClaim([item({ category, serials: [] })], NOW, TZ, MAX).errors.map((e) => e.code)).toContain(
        'ticket_serials_missing',
      );
    }
    expect(
      checkClaim([item({ category: 'other', matter: '坐公交去万达广场', serials: [] })], NOW, TZ, MAX).errors.map(
        (e) => e.code,
      ),
    ).toContain('ticket_serials_missing');
  });

  it('parses serials and refuses what is not one', () => {
    expect(parseSerials('00123，00124、00125')).toEqual({ serials: ['00123', '00124', '00125'] });
    expect(parseSerials('无')).toEqual({ serials: [] });
    expect('error' in parseSerials('一张票')).toBe(true);
  });
});

describe('§3.5.4 deadline', () => {
  it("flags an item older than three months for the chairman's special instruction", () => {
    expect(olderThanThreeMonths('2026-07-27', NOW, TZ)).toBe(true);
    expect(olderThanThreeMonths('2026-08-27', NOW, TZ)).toBe(false);
    const flag = needsChairmanInstruction([item({ date: '2026-07-20' })], NOW, TZ);
    expect(flag?.message).toContain('§3.5.4');
    expect(flag?.message).toContain('董事长批示');
  });

  it("puts the chairman's special instruction before his approval", () => {
    const { flags } = checkClaim([item({ date: '2026-07-20' })], NOW, TZ, MAX);
    expect(planSteps(flags).map((s) => s.key)).toEqual([
      'ga_review',
      'finance_check',
      'chairman_special',
      'chairman_approve',
      'payout',
    ]);
  });
});

describe('amounts and dates', () => {
  it('refuses zero, but never a large amount, and never advises splitting a receipt', () => {
    expect(amountProblem(0)).toContain('大于 0');
    expect(amountProblem(100_000_000)).toBeUndefined();
    const { errors, flags } = checkClaim([item({ amount: 600_000 })], NOW, TZ, MAX);
    expect(errors).toEqual([]);
    expect(flags.map((f) => f.code)).toEqual(['large_amount']);
    expect(flags.map((f) => f.message).join()).not.toContain('拆分');
  });

  it('flags a large item for the approvers, and a claim past the configured total gets 董事长批示', () => {
    const big = checkClaim([item({ amount: 1_500_000 }), item({ amount: 600_000 })], NOW, TZ, MAX);
    expect(big.flags.map((f) => f.code)).toEqual(['large_amount', 'large_total']);
    expect(big.flags[0]!.items).toEqual([0, 1]);
    expect(planSteps(big.flags).map((s) => s.key)).toEqual([
      'ga_review',
      'finance_check',
      'chairman_special',
      'chairman_approve',
      'payout',
    ]);
    expect(largeAmounts([item({ amount: 500_000 })], MAX)).toEqual([]);
  });

  it('refuses a date in the future', () => {
    const { errors } = checkClaim([item({ date: '2026-11-28' })], NOW, TZ, MAX);
    expect(errors.map((e) => e.code)).toEqual(['future_date']);
  });
});

describe('§3.5.3 consecutive tickets across claims', () => {
  it('finds the serials next to a ticket, in their normal form (the once-only keys use it)', () => {
    expect(adjacentSerials('A00123')).toEqual(['A122', 'A124']);
    expect(adjacentSerials('0')).toEqual(['1']);
  });

  it('names the earlier claim in its message', () => {
    const m = consecutiveWithEarlierClaims([{ serial: '00124', earlier: '00123', claimNo: 'BX-20261120-001' }]);
    expect(m?.message).toContain('§3.5.3');
    expect(m?.message).toContain('BX-20261120-001');
    expect(consecutiveWithEarlierClaims([])).toBeUndefined();
  });
});

describe('§3.5.1 / §3.5.3 the payout date', () => {
  const submitted = new Date('2026-11-20T01:00:00Z'); // 09:00 on 11-20 in Shanghai

  it('refuses a day before the claim was submitted, naming the clause and the submission date', () => {
    const why = payoutDateProblem('2026-11-19', submitted, NOW, TZ);
    expect(why).toContain('§3.5.1');
    expect(why).toContain('早于报销单提交日期 2026-11-20');
  });

  it('refuses a day after today, naming today', () => {
    expect(payoutDateProblem('2026-11-28', submitted, NOW, TZ)).toContain('晚于今天（2026-11-27）');
  });

  it('accepts the submission day, today and the days between', () => {
    for (const day of ['2026-11-20', '2026-11-24', '2026-11-27'])
      expect(payoutDateProblem(day, submitted, NOW, TZ)).toBeUndefined();
  });

  it('reads the submission day and today in BOT_TIMEZONE', () => {
    // submitted 11-20 23:30 in Shanghai (15:30 UTC); at 00:30 on 11-21 in Shanghai 11-21 is today
    const late = new Date('2026-11-20T15:30:00Z');
    const now = new Date('2026-11-20T16:30:00Z');
    expect(payoutDateProblem('2026-11-21', late, now, TZ)).toBeUndefined();
    expect(payoutDateProblem('2026-11-19', late, now, TZ)).toContain('2026-11-20');
  });
});

describe('#20 the evidence decides, not the category typed (§3.5.2, §3.5.3)', () => {
  it('takes a receipt for a ticket by its category or by what its 所办事项 says, not by a place named after a station', () => {
    expect(isTicket({ category: 'subway', matter: '去公司' })).toBe(true);
    expect(isTicket({ category: 'other', matter: '坐公交去万达广场' })).toBe(true);
    expect(isTicket({ category: 'meal', matter: '在火车站等新队员时吃饭' })).toBe(false);
    expect(isTicket({ category: 'fuel', matter: '出车 CL-20261127-001 粤B12345：送队员去火车（油费）' })).toBe(false);
  });

  it('sends a taxi typed as anything, and every 其他, to 综合部特批', () => {
    expect(specialApprovalReason({ category: 'other', matter: '打车送受伤队员去医院' })).toContain('打车');
    expect(specialApprovalReason({ category: 'meal', matter: '滴滴去客户公司' })).toContain('滴滴');
    expect(specialApprovalReason({ category: 'other', matter: '买胶水' })).toContain('其他');
    expect(specialApprovalReason({ category: 'subway', matter: '去公司' })).toBeUndefined();
    const { flags } = checkClaim([item({ category: 'other', matter: '打车送受伤队员去医院' })], NOW, TZ, MAX);
    expect(planSteps(flags)[0]!.key).toBe('ga_special');
  });

  it('asks every item’s receipt photo, except under the exempt amount', () => {
    const photo = item({ receipts: ['lark:om_1:img_1'] });
    expect(missingReceiptPhotos([photo, item({ amount: 499 }), item({ amount: 500 })], 500)?.items).toEqual([2]);
    expect(missingReceiptPhotos([item()], 0)?.message).toContain('补票据 1');
    expect(checkClaim([item()], NOW, TZ, MAX).errors).toEqual([]); // the rules alone: no setting, no photo check
    expect(checkClaim([item()], NOW, TZ, { ...MAX, receiptExemptFen: 0 }).errors.map((e) => e.code)).toEqual([
      'receipt_photo_missing',
    ]);
  });

  it('holds a group trip at 综合部 until every staff companion confirmed, and stops it on a denial', () => {
    const c = (name: string, status: string) => ({
      item: 0,
      name,
      staffId: status === 'not_staff' ? null : `s-${name}`,
      status,
    });
    expect(companionsUnconfirmed([c('李四', 'confirmed'), c('王五', 'pending')])).toContain('王五 还没有确认同行');
    expect(companionsUnconfirmed([c('李四', 'denied'), c('王五', 'pending')])).toContain('李四 否认同行');
    expect(companionsUnconfirmed([c('李四', 'confirmed'), c('外人', 'not_staff')])).toBeUndefined();
    expect(companionsToVerify([c('外人', 'not_staff')])?.message).toContain('外人 不是公司员工');
    expect(companionLines([c('李四', 'confirmed')])).toEqual(['同行确认：李四 已确认同行']);
  });

  it('names the claim and its claimant when the same trip was claimed as a group before', () => {
    expect(
      sameTripClaimedBefore([{ serial: '00125', earlier: '00124', claimNo: 'BX-20261127-001', who: '张三' }])?.message,
    ).toContain('BX-20261127-001（张三）');
  });
});
