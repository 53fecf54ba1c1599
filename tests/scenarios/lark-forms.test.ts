import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Staff } from '../../src/models/index.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue } from '../helpers/lark-standin.ts';

/*
 * A form card whose record was saved but whose card Lark then refuses to update (code 230001):
 * the admin is told it was saved, not that something went wrong, and the card's new state
 * arrives as a new message instead.
 */

useDatabase('lark_forms');

const ADMIN = 'ou_admin';
let lark: LarkBot;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  lark.standin.reset();
});

describe('Lark form card whose final update fails', () => {
  it('添加人员: the staff member is created and the admin sees success, not 处理出错了', async () => {
    const { standin } = lark;
    await lark.say(ADMIN, '添加人员');
    const [form] = standin.cards(p2p(ADMIN));
    const submit = findButtonValue(form!.card, 'form.submit')!;

    standin.failNextPatch(230001, 'Your request contains an invalid request parameter.');
    const toast = await lark.click(ADMIN, form!.messageId, submit, {
      name: '李四',
      phone: '13900000002',
      roles: '队员',
      post: '万达广场',
      dorm: '',
    });

    expect(await Staff.countDocuments({ name: '李四' })).toBe(1);
    expect(standin.patches(form!.messageId).map((p) => p.status)).toEqual([400]);
    expect(toast).not.toContain('出错');
    // the staff card the form replies with, and the submitted form shown anew since it could not be updated
    const cards = await standin.waitFor(
      () => (standin.cards(p2p(ADMIN)).length >= 3 ? standin.cards(p2p(ADMIN)) : undefined),
      'the new cards',
    );
    const shown = cards.slice(1).map((c) => JSON.stringify(c.card));
    expect(shown.some((c) => c.includes('员工档案：李四'))).toBe(true);
    expect(shown.some((c) => c.includes('已提交'))).toBe(true);
    expect(standin.texts(p2p(ADMIN)).join('\n')).not.toContain('处理出错了');
  });
});
