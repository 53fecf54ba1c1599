import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimHolds } from '../../../handlers/reimbursements/api.ts';
import { ReimbursementClaim, ReimbursementDraft } from '../../../handlers/reimbursements/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { loadConfig } from '../../../src/config.ts';
import { compose, install, type Workflow } from '../../../src/core/workflow.ts';
import { OnceKey } from '../../../src/models/index.ts';
import { installed } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { itemMessage, seedPeople } from '../../helpers/reimbursement-people.ts';

/*
 * #20 "a trip's costs are claimable once … atomically: two drafts submitted at once must not both
 * pass". What a claim holds once (claimHolds) is taken with a unique insert at submission. A trip
 * has one driver and a person one draft, so two drafts naming one trip cannot be built through the
 * vehicles workflow: a stand-in workflow says that any item naming 单据 T-1 holds it, and two people
 * submit such drafts at the same moment.
 */

useDatabase('reimb_holds');

const holder: Workflow = {
  name: 'test-holds',
  title: '测试',
  commands: [],
  actions: [],
  requires: ['reimbursements'],
  extends: [
    claimHolds.with((items) =>
      items.some((it) => it.matter.includes('单据 T-1')) ? [{ key: 'test:T-1', label: '单据 T-1' }] : [],
    ),
  ],
};

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T04:00:00Z');

beforeAll(async () => {
  const workflows = compose([...installed, install(holder)]);
  ({ bot, receiver: chat } = await startTestBot({
    config: loadConfig({ BOT_CONSOLE: 'off', HTTP_PORT: '0' }, workflows.settings),
    workflows,
    now: () => clock,
  }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
});

async function draft(who: string): Promise<void> {
  expect(
    (
      await chat.say(
        who,
        itemMessage({ date: '2026-11-25', category: '办公用品', amount: '50', matter: '单据 T-1 打印纸' }),
      )
    ).join(),
  ).toContain('报销草稿');
  await chat.picture(who, `console:${who}-t1.jpg`);
}

describe('what a claim holds once (claimHolds)', () => {
  it('lets one of two claims submitted at the same moment hold it; the other is refused and keeps its draft', async () => {
    await draft('zhang');
    await draft('zhao');
    const answers = (await Promise.all([chat.say('zhang', '提交报销'), chat.say('zhao', '提交报销')])).map((a) =>
      a.join('\n'),
    );
    expect(answers.filter((a) => /BX-\d{8}-\d{3}/.test(a) && !a.includes('没有提交'))).toHaveLength(1);
    expect(answers.find((a) => a.includes('没有提交'))).toContain('单据 T-1已在报销单');
    expect(await ReimbursementClaim.countDocuments()).toBe(1);
    expect(await ReimbursementDraft.countDocuments()).toBe(1);
    const claim = (await ReimbursementClaim.findOne().lean())!;
    expect(claim.holds).toEqual(['test:T-1']);
    expect(await OnceKey.findById('test:T-1').lean()).toMatchObject({ by: claim._id });
  });

  it('is refused when the item is added once another claim holds it, and freed when that claim is withdrawn', async () => {
    await draft('zhang');
    const no = /BX-\d{8}-\d{3}/.exec((await chat.say('zhang', '提交报销')).join())![0];
    const refused = (
      await chat.say(
        'zhao',
        itemMessage({ date: '2026-11-25', category: '办公用品', amount: '50', matter: '单据 T-1 打印纸' }),
      )
    ).join();
    expect(refused).toContain(`单据 T-1已在报销单 ${no} 中`);
    await chat.say('zhao', '取消');
    expect((await chat.say('zhang', `撤回报销 ${no}`)).join()).toContain('已撤回');
    expect(await OnceKey.exists({ _id: 'test:T-1' })).toBeNull();
    await draft('zhao');
    expect((await chat.say('zhao', '提交报销')).join()).toMatch(/BX-\d{8}-\d{3}/);
  });
});
