import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import type { Role } from '../../../src/core/types.ts';
import { AuditEntry, Identity, Post, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 导出 审计: every entry of the audit trail 审计 selects with the same words, oldest first, changes
 * made through the real commands; for 行政部 and 董事长 only.
 */

useDatabase('foundation_exports');

let bot: Bot;
let chat: MemoryReceiver;
const clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await Post.create({ name: '万达广场' });
  for (const [key, p] of Object.entries({
    wang: { name: '王行政', phone: '13900000001', roles: ['admin'] as Role[] },
    chen: { name: '陈董', phone: '13900000003', roles: ['chairman'] as Role[] },
    zong: { name: '王综合', phone: '13900000004', roles: ['general_affairs'] as Role[] },
  })) {
    const s = await Staff.create(p);
    await Identity.create({
      _id: `console:${key}`,
      staffId: s._id,
      channel: 'console',
      userId: key,
      boundAt: new Date(),
    });
  }
  await Staff.create({ name: '张三', phone: '13900000009', roles: ['guard'] });
});

describe('导出 审计', () => {
  it('writes every entry 审计 selects, oldest first, with who, when, old → new and the channel', async () => {
    expect((await chat.say('wang', '设置角色 张三 队长')).join()).toContain('已把 张三 的角色设为');
    await chat.say('wang', '设置驻点 张三 万达广场');
    const { file, sheets } = await exportAs(chat, 'chen', '导出 审计');
    expect(file?.message.name).toMatch(/^审计记录-/);
    const rows = byHeader(sheets['审计记录']!);
    expect(rows.map((r) => r['类型'])).toEqual(['角色', '驻点']);
    expect(rows[0]).toMatchObject({ 操作人: '王行政', 渠道: '控制台', 涉及人员: '张三', 原来: '队员', 改为: '队长' });
    expect((rows[0]!['时间'] as Date).toISOString()).toBe('2026-11-27T10:00:00.000Z');

    const roles = await exportAs(chat, 'chen', '导出 审计 张三 角色');
    expect(byHeader(roles.sheets['审计记录']!)).toHaveLength(1);
  });

  it('reads a trail longer than one batch page by page, every entry once, in order', async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 9, 1) + i * 60_000);
    await AuditEntry.insertMany(
      Array.from({ length: 1234 }, (_, i) => ({
        _id: `bulk-${String(i).padStart(5, '0')}`,
        at: at(i),
        by: { staffId: '', name: '王行政', identity: 'console:wang' },
        channel: 'console',
        kind: 'roles',
        record: { type: 'staff', id: `s${i}`, label: `员工${i}` },
        what: '角色',
      })),
    );
    const { sheets } = await exportAs(chat, 'chen', '导出 审计 2026-10');
    const rows = byHeader(sheets['审计记录']!);
    expect(rows).toHaveLength(1234);
    expect(rows.map((r) => r['记录'])).toEqual(Array.from({ length: 1234 }, (_, i) => `员工${i}`));
  });

  it('refuses 综合部 as 审计 does', async () => {
    const { replies, file } = await exportAs(chat, 'zong', '导出 审计');
    expect(file).toBeUndefined();
    expect(replies.join()).toContain('你没有权限使用「审计」');
  });
});
