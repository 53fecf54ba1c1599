import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 导出 投诉列表: the cases 投诉列表 lists with the same words, every column of the card, the client's
 * phone masked for those whose card shows it masked.
 */

useDatabase('complaint_exports');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('console');
});

async function register(lines: string): Promise<string> {
  const replies = await chat.say('kefu', `登记投诉\n${lines}`);
  return NUMBER_RE.exec(replies.join('\n'))![0];
}

describe('导出 投诉列表', () => {
  it('writes every case the list words select, with the client phone in full for 客服部', async () => {
    const a = await register(registrationLines({ name: '万达物业', phone: '13712345678' }));
    clock = new Date('2026-12-02T02:00:00Z');
    const b = await register(registrationLines({ name: '城北商场', phone: '13787654321', category: '扣服务费' }));

    const all = await exportAs(chat, 'kefu', '导出 投诉列表');
    expect(all.file?.message.name).toMatch(/^投诉列表-\d{8}-\d{4}\.xlsx$/);
    expect(all.file?.text).toContain('共 2 行');
    const rows = byHeader(all.sheets['投诉']!);
    expect(rows.map((r) => r['受理编号'])).toEqual([a, b]);
    expect(rows[0]).toMatchObject({ 客户: '万达物业', 客户电话: '13712345678', 状态: '待人防部调查', 逾期: '否' });
    expect(rows[1]!['分类']).toBe('扣服务费性投诉');
    expect(rows[0]!['受理时间']).toBeInstanceOf(Date);

    // the list's own words: only December's
    const dec = await exportAs(chat, 'kefu', '导出 投诉列表 2026-12');
    expect(byHeader(dec.sheets['投诉']!).map((r) => r['受理编号'])).toEqual([b]);
  });

  it('masks the client phone for a role whose card shows it masked (队长)', async () => {
    await register(registrationLines({ phone: '13712345678' }));
    const { sheets } = await exportAs(chat, 'duizhang', '导出 投诉列表');
    expect(byHeader(sheets['投诉']!)[0]!['客户电话']).toBe('137****5678');
  });

  it('says the list words are wrong as the list does, with an example of 导出', async () => {
    const { replies, file } = await exportAs(chat, 'kefu', '导出 投诉列表 2026-13');
    expect(file).toBeUndefined();
    expect(replies.join('\n')).toContain('2026-13');
    expect(replies.join('\n')).toContain('导出 投诉列表');
  });

  it('refuses a guard as 投诉列表 does', async () => {
    const { replies, file } = await exportAs(chat, 'zhangsan', '导出 投诉列表');
    expect(file).toBeUndefined();
    expect(replies).toEqual([expect.stringContaining('你没有权限使用「投诉列表」')]);
  });
});
