import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileMessage } from '../../../../src/core/types.ts';
import { FileNotSendableError, LARK_FILE_MAX_BYTES, larkFileType } from '../../../../src/receivers/lark/files.ts';
import { type LarkOptions, LarkReceiver } from '../../../../src/receivers/lark/index.ts';
import { silentLog } from '../../../helpers/harness.ts';
import { LarkStandin } from '../../../helpers/lark-standin.ts';

/*
 * File messages on Lark: uploaded through the real SDK (im/v1/files, im/v1/images) to the stand-in,
 * which refuses what Lark refuses, then sent as a `file` or `image` message with the key.
 */

const APP = { appId: 'cli_0123456789abcdef', appSecret: 'secret' };
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

let standin: LarkStandin;
let dir: string;
let receiver: LarkReceiver;

beforeAll(async () => {
  standin = await LarkStandin.start(APP);
  dir = mkdtempSync(path.join(tmpdir(), 'lark-files-'));
  const opts: LarkOptions = { ...APP, domain: standin.url, eventMode: 'webhook', verificationToken: 'vt' };
  receiver = new LarkReceiver(opts, silentLog);
});
afterAll(async () => {
  await standin?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => standin.reset());

function file(name: string, data: Buffer | string, extra: Partial<FileMessage> = {}): FileMessage {
  const p = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(p, data);
  return { kind: 'file', path: p, name, ...extra };
}

const to = { channel: 'lark', userId: 'ou_finance' } as const;

describe('a file message on Lark', () => {
  it('uploads a spreadsheet as file_type xls under its name, then sends a file message with the key', async () => {
    const ref = await receiver.sender.send(to, file('投诉列表.xlsx', 'PK-spreadsheet'), { idempotencyKey: 'k1' });
    const [upload] = standin.uploads.uploads;
    expect(upload).toMatchObject({ kind: 'file', type: 'xls', name: '投诉列表.xlsx' });
    expect(upload!.data.toString()).toBe('PK-spreadsheet');
    const sent = standin.files('ou_finance');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msgType).toBe('file');
    expect(sent[0]!.upload.key).toBe(upload!.key);
    expect(ref.messageId).toBe(standin.sent('ou_finance').at(-1)!.messageId);
  });

  it('sends a chart as an image message (im/v1/images), its caption as a text first', async () => {
    await receiver.sender.send(to, file('周报.png', PNG, { image: true, caption: '本周投诉趋势' }));
    expect(standin.uploads.uploads.at(-1)).toMatchObject({ kind: 'image', type: 'message' });
    const sent = standin.sent('ou_finance');
    expect(sent.map((r) => r.body.msg_type)).toEqual(['text', 'image']);
    expect(sent[0]!.content).toEqual({ text: '本周投诉趋势' });
  });

  it('a repeated send with the same key is one file message (uuid per part)', async () => {
    const f = file('出车记录.xlsx', 'x');
    await receiver.sender.send(to, f, { idempotencyKey: 'same' });
    await receiver.sender.send(to, f, { idempotencyKey: 'same' });
    expect(standin.files('ou_finance')).toHaveLength(1);
  });

  it('refuses an empty file before uploading anything', async () => {
    await expect(receiver.sender.send(to, file('空.xlsx', ''))).rejects.toBeInstanceOf(FileNotSendableError);
    expect(standin.uploadAttempts()).toHaveLength(0);
    expect(standin.sent()).toHaveLength(0);
  });

  it('refuses a file over 30 MB before uploading anything', async () => {
    const big = file('大.xlsx', 'x');
    truncateSync(big.path, LARK_FILE_MAX_BYTES + 1);
    await expect(receiver.sender.send(to, big)).rejects.toThrow(/over the .*limit/);
    expect(standin.uploadAttempts()).toHaveLength(0);
  });

  it('names the file type Lark knows by the extension, anything else as stream', () => {
    expect(larkFileType('a.xlsx')).toBe('xls');
    expect(larkFileType('a.csv')).toBe('xls');
    expect(larkFileType('a.PDF')).toBe('pdf');
    expect(larkFileType('a.docx')).toBe('doc');
    expect(larkFileType('a.zip')).toBe('stream');
  });
});

describe('the stand-in refuses uploads as Lark does', () => {
  const client = () =>
    new lark.Client({
      ...APP,
      domain: standin.url,
      cache: new lark.DefaultCache(),
      // the SDK logs every refused request; these are refused on purpose
      logger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} },
    });

  async function code(p: Promise<unknown>): Promise<number | undefined> {
    try {
      await p;
      return 0;
    } catch (err) {
      return (err as { response?: { data?: { code?: number } } }).response?.data?.code;
    }
  }

  it('a wrong file_type (234001), an empty file (234010), a file over 30 MB (234006)', async () => {
    const c = client();
    const wrongType = c.im.file.create({
      data: { file_type: 'xlsx' as 'xls', file_name: 'a.xlsx', file: Buffer.from('x') },
    });
    expect(await code(wrongType)).toBe(234001);
    expect(
      await code(c.im.file.create({ data: { file_type: 'xls', file_name: 'a.xlsx', file: Buffer.alloc(0) } })),
    ).toBe(234010);
    const big = Buffer.alloc(LARK_FILE_MAX_BYTES + 1);
    expect(await code(c.im.file.create({ data: { file_type: 'xls', file_name: 'a.xlsx', file: big } }))).toBe(234006);
    expect(standin.uploads.uploads.filter((u) => u.name === 'a.xlsx')).toHaveLength(0);
  });

  it('a picture over 10 MB (234006), something that is no picture (234011)', async () => {
    const c = client();
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    expect(await code(c.im.image.create({ data: { image_type: 'message', image: big } }))).toBe(234006);
    expect(await code(c.im.image.create({ data: { image_type: 'message', image: Buffer.from('text') } }))).toBe(234011);
  });

  it('a file message with a key that was never uploaded', async () => {
    const c = client();
    const res = await code(
      c.im.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_x', msg_type: 'file', content: JSON.stringify({ file_key: 'file_v3_nope' }) },
      }),
    );
    expect(res).toBe(230001);
  });
});

describe('a picture over 10 MB', () => {
  it('goes as a file, as Lark advises for large pictures', async () => {
    const big = file('大图.png', PNG);
    truncateSync(big.path, 10 * 1024 * 1024 + 1);
    await receiver.sender.send(to, { ...big, image: true });
    expect(standin.uploads.uploads.at(-1)).toMatchObject({ kind: 'file', type: 'stream', name: '大图.png' });
    expect(standin.files('ou_finance').at(-1)!.msgType).toBe('file');
  });
});
