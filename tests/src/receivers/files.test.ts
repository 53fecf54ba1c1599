import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/core/outbox.ts';
import type { EventSink, FileMessage } from '../../../src/core/types.ts';
import { ConsoleReceiver, keepFile } from '../../../src/receivers/console.ts';
import { WechatyReceiver } from '../../../src/receivers/wechaty.ts';
import { silentLog, testConfig } from '../../helpers/harness.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../../helpers/wechat-fixture.ts';

/*
 * File messages (an export, a chart) on WeChat — a FileBox sent through wechaty-puppet-service to
 * the PuppetMock behind PuppetServer — and on the console, which keeps a copy under DATA_DIR/exports.
 */

const sink: EventSink = {
  intake: async () => 'accepted',
  intakeAndWait: async () => ({ result: 'accepted' }),
  onError: () => 'test',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bot-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, data: string, extra: Partial<FileMessage> = {}): FileMessage {
  const p = path.join(dir, `src-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(p, data);
  return { kind: 'file', path: p, name, ...extra };
}

describe('a file message on WeChat', () => {
  let wx: WechatFixture;
  beforeAll(async () => {
    wx = await startWechatFixture();
  });
  afterAll(async () => {
    await wx?.stop();
  });

  it('reaches the puppet service as a file with its name and bytes, the caption as a text first', async () => {
    const receiver = new WechatyReceiver(testConfig(wx.env()).wechat!, silentLog);
    await receiver.start(sink);
    try {
      await waitFor(() => receiver.state() === 'up', 'the receiver to log in');
      const outbox = new Outbox(silentLog);
      outbox.register(receiver.sender);
      const zhang = wx.people.zhang.id;
      await outbox.send(
        { channel: 'wechat', userId: zhang },
        file('投诉列表.xlsx', 'PK-xlsx', { caption: '导出完成' }),
      );
      await waitFor(() => wx.filesTo(zhang).length > 0, 'the file');
      const [got] = wx.filesTo(zhang);
      expect(got!.name).toBe('投诉列表.xlsx');
      expect(got!.data.toString()).toBe('PK-xlsx');
      expect(wx.deliveredTo(zhang)).toContain('导出完成');
      // to a group as well
      await outbox.send({ channel: 'wechat', chatId: wx.room.id }, file('周报.png', 'png', { image: true }));
      await waitFor(() => wx.filesTo(wx.room.id).length > 0, 'the file in the group');
    } finally {
      await receiver.stop();
    }
  });
});

describe('a file message on the console', () => {
  it('is kept under the files folder with its own name, and the transcript prints where', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString('utf8')));
    const filesDir = path.join(dir, 'exports');
    const con = new ConsoleReceiver(new PassThrough(), out, () => {}, { filesDir });
    await con.sender.send(
      { channel: 'console', userId: 'admin' },
      file('投诉列表.xlsx', 'one', { caption: '导出完成' }),
    );
    const kept = path.join(filesDir, '投诉列表.xlsx');
    expect(readFileSync(kept, 'utf8')).toBe('one');
    expect(printed).toContain('导出完成');
    expect(printed).toContain(`[文件] 投诉列表.xlsx：${kept}`);
    // the same name again is kept beside it, not over it
    await con.sender.send({ channel: 'console', userId: 'admin' }, file('投诉列表.xlsx', 'two'));
    expect(readFileSync(path.join(filesDir, '投诉列表-2.xlsx'), 'utf8')).toBe('two');
    expect(readFileSync(kept, 'utf8')).toBe('one');
  });

  it('a file already in the folder is not copied again', async () => {
    const filesDir = path.join(dir, 'kept');
    const first = await keepFile(filesDir, file('a.xlsx', 'x'));
    expect(await keepFile(filesDir, { kind: 'file', path: first, name: 'a.xlsx' })).toBe(first);
    expect(existsSync(path.join(filesDir, 'a-2.xlsx'))).toBe(false);
  });
});
