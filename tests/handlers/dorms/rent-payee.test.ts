import { describe, expect, it } from 'vitest';
import { RentReport } from '../../../handlers/dorms/models.ts';
import { Staff } from '../../../src/models/index.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * Issue #20 item 2, "rent redirected" (§3.3.4 队长定期向综合部申报房租，并提供房东账号，便于财务划账):
 * the leader is the one who types the landlord's account, so a changed landlord or account is
 * the one thing finance must not pay on his word alone.
 */

let clock = sh('10:00');
let ids: Record<DormWho, string>;
let mark = 0;

const { chat } = useTestBot('dorms_rent_payee', {
  now: () => clock,
  seed: async () => {
    clock = sh('10:00');
    ids = await seedDormPeople('console');
    await seedLeaders(ids);
    mark = chat.sent.length;
  },
});

const inbox = (who: DormWho) => chat.privately(who, mark).join('\n');
const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
const LANDLORD_ACCOUNT = '6222021234567890123';
const NEW_ACCOUNT = '6217009876543219999';
/** 房租申报 as one message; complete, it asks the one confirmation (money), answered by `reported` (#21). */
const report = (o: { month?: string; landlord?: string; account?: string } = {}) =>
  `房租申报\n月份: ${o.month ?? '2026-11'}\n金额: 3500\n房东姓名: ${o.landlord ?? '王房东'}\n开户行: 工商银行城南支行\n账号: ${o.account ?? LANDLORD_ACCOUNT}\n备注: 无`;

/** `who` sends a complete 房租申报 and confirms it with 1: what the bot answered to both. */
async function reported(who: DormWho, text: string): Promise<string> {
  const asked = await say(who, text);
  expect(asked).toContain('回复 1 确认提交');
  return `${asked}\n${await say(who, '1')}`;
}

/** Last month's rent, reported and paid to the real landlord. */
async function paidOctober(): Promise<void> {
  await RentReport.create({
    _id: '2026-10:城南宿舍',
    dorm: '城南宿舍',
    period: '2026-10',
    amountFen: 350000,
    landlord: '王房东',
    bank: '工商银行城南支行',
    account: LANDLORD_ACCOUNT,
    reportedBy: { staffId: ids.chen, name: '陈队长' },
    reportedAt: new Date('2026-10-01T10:00:00+08:00'),
    paid: {
      method: '银行转账',
      date: '2026-10-05',
      by: { staffId: ids.caiwu, name: '孙财务' },
      at: new Date('2026-10-05T10:00:00+08:00'),
    },
  });
}

describe('§3.3.4 rent redirected: a changed landlord or account is paid only after 综合部 confirms it', () => {
  it('the leader names himself landlord with a new account, same amount: 综合部 and 财务部 see old → new, and nobody can pay it until 综合部 confirms', async () => {
    await paidOctober();
    const toLeader = await reported('chen', report({ landlord: '陈队长', account: NEW_ACCOUNT }));
    expect(await RentReport.findById('2026-11:城南宿舍').lean()).toMatchObject({
      payeeChange: 'changed',
      payeeConfirmed: null,
      paid: null,
    });

    // both departments are told, old → new, the accounts in full in their private chats
    for (const who of ['zonghe', 'caiwu'] as const) {
      expect(inbox(who)).toContain(
        '收款人与 2026-10 已核对的申报不同：房东 王房东 → 陈队长；账号 6222021234567890123 → 6217009876543219999',
      );
      expect(inbox(who)).toContain('待综合部确认收款人');
    }
    expect(inbox('caiwu')).not.toContain('已付款');
    // the leader sees it masked, as everywhere else
    expect(toLeader).toContain('账号 6222 **** **** 0123 → 6217 **** **** 9999');
    expect(toLeader + inbox('chen')).not.toContain(NEW_ACCOUNT);

    // finance cannot pay it, by command or by a 已付款 button from any card
    expect(await say('caiwu', '房租已付 城南宿舍 2026-11 银行转账')).toContain('要等综合部确认收款人后才能付款');
    expect((await chat.click('caiwu', 'dorms.rentPaid', { id: '2026-11:城南宿舍' })).join('\n')).toContain(
      '要等综合部确认收款人后才能付款',
    );
    expect((await RentReport.findById('2026-11:城南宿舍').lean())!.paid).toBeNull();

    // 综合部 confirms on its card; finance then gets the card with 已付款 and pays it
    expect(await say('zonghe', '1')).toContain('确认收款人：城南宿舍 2026-11 房租 ¥3500.00，收款人 陈队长');
    expect(await say('zonghe', '1')).toContain('已确认 城南宿舍 2026-11 的收款人 陈队长');
    expect(await say('zonghe', '房租确认 城南宿舍 2026-11')).toContain('没有重复确认');
    expect(inbox('caiwu')).toContain('房租收款人已确认：城南宿舍 2026-11（赵综合）');
    expect(inbox('chen')).toContain('已由综合部 赵综合 确认');
    expect(await say('caiwu', '1')).toContain('确认登记已付款');
    expect(await say('caiwu', '1')).toContain('已登记：城南宿舍 2026-11 房租 ¥3500.00');
    expect(await RentReport.findById('2026-11:城南宿舍').lean()).toMatchObject({
      payeeConfirmed: { by: { name: '赵综合' } },
      paid: { by: { name: '孙财务' } },
    });
  });

  it('the reporting leader cannot confirm his own change, even holding 综合部 too', async () => {
    await paidOctober();
    await Staff.updateOne({ _id: ids.chen }, { $set: { roles: ['team_leader', 'general_affairs'] } });
    await reported('chen', report({ account: NEW_ACCOUNT }));
    expect((await RentReport.findById('2026-11:城南宿舍').lean())!.payeeChange).toBe('changed');
    expect(await say('chen', '房租确认 城南宿舍 2026-11')).toContain('不能确认自己申报的房租');
    expect((await chat.click('chen', 'dorms.rentConfirm', { id: '2026-11:城南宿舍' })).join('\n')).toContain(
      '不能确认自己申报的房租',
    );
    expect(await say('lisi', '房租确认 城南宿舍 2026-11')).toContain('没有权限');
    expect((await RentReport.findById('2026-11:城南宿舍').lean())!.payeeConfirmed).toBeNull();
  });

  it('compares with the last accepted report, not the last one typed: an unpaid change does not become the reference', async () => {
    await paidOctober();
    await reported('chen', report({ account: NEW_ACCOUNT }));
    clock = new Date('2026-12-01T10:00:00+08:00');
    // December with the same new account: still a change against October, the last paid
    await reported('chen', report({ month: '2026-12', account: NEW_ACCOUNT }));
    expect(await RentReport.findById('2026-12:城南宿舍').lean()).toMatchObject({
      payeeChange: 'changed',
      lastPayee: { period: '2026-10', account: LANDLORD_ACCOUNT },
    });
  });

  it('the same landlord and account as last month’s paid report is paid without a confirmation; a dorm’s first payee needs one', async () => {
    await paidOctober();
    await reported('chen', report({ landlord: '王 房东' }));
    expect((await RentReport.findById('2026-11:城南宿舍').lean())!.payeeChange).toBe('');
    expect(await say('caiwu', '房租已付 城南宿舍 2026-11')).toContain('已登记');

    await reported('liu', report().replace('房租申报', '房租申报 城北宿舍'));
    expect((await RentReport.findById('2026-11:城北宿舍').lean())!.payeeChange).toBe('new');
    expect(inbox('zonghe')).toContain('新收款人');
    expect(await say('caiwu', '房租已付 城北宿舍 2026-11')).toContain('要等综合部确认收款人后才能付款');
  });
});

describe('§3.3.4 rent months far from the current one are refused', () => {
  it('refuses 2024-01 and 2027-09 in November 2026 and records nothing; two months back and next month are taken', async () => {
    for (const month of ['2024-01', '2027-09', '2026-08', '2027-01']) {
      expect(await say('chen', report({ month }))).toContain('房租月份只能是 2026-09 到 2026-12');
      await say('chen', '取消');
    }
    expect(await RentReport.countDocuments()).toBe(0);
    await reported('chen', report({ month: '2026-09' }));
    await reported('chen', report({ month: '2026-12' }));
    expect((await RentReport.find().lean()).map((r) => r.period).sort()).toEqual(['2026-09', '2026-12']);
  });
});
