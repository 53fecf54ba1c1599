import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Complaint } from '../../handlers/complaints/models.ts';
import { seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { readWorkbook } from '../helpers/exports.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, type LarkStandin } from '../helpers/lark-standin.ts';

/*
 * 导出 on Lark for real: the command arrives as a Lark event, the spreadsheet is uploaded through
 * the real SDK to the stand-in's im/v1/files and sent as a file message to the asker's chat.
 */

useDatabase('exports_lark');

const IDS = { kefu: 'ou_kefu', zhangsan: 'ou_zhangsan' } as const;

let lark: LarkBot;
let standin: LarkStandin;

beforeAll(async () => {
  lark = await startLarkBot();
  standin = lark.standin;
});
afterAll(() => lark?.close());

beforeEach(async () => {
  await clearCollections();
  standin.reset();
  await seedPeople('lark', IDS, ['kefu', 'zhangsan']);
});

describe('导出 on Lark', () => {
  it('uploads the spreadsheet (file_type xls) and sends it as a file message after its caption', async () => {
    // registered on the form card, as on Lark
    await lark.say(IDS.kefu, '登记投诉');
    const [form] = standin.cards(p2p(IDS.kefu));
    await lark.click(IDS.kefu, form!.messageId, findButtonValue(form!.card, 'form.submit')!, {
      clientName: '万达物业',
      clientAddress: '城南路 1 号',
      clientPhone: '13712345678',
      reason: '夜班队员在岗睡觉',
      demand: '更换队员',
      category: '一般性',
      type: '脱岗睡岗',
      remark: '',
    });
    expect(await Complaint.countDocuments()).toBe(1);
    standin.reset();
    await lark.say(IDS.kefu, '导出 投诉列表');
    const uploads = standin.uploadAttempts();
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.status).toBe(200);
    const [sent] = standin.files(p2p(IDS.kefu));
    expect(sent!.msgType).toBe('file');
    expect(sent!.upload).toMatchObject({ kind: 'file', type: 'xls' });
    expect(sent!.upload.name).toMatch(/^投诉列表-\d{8}-\d{4}\.xlsx$/);
    expect(standin.texts(p2p(IDS.kefu)).join()).toContain('共 1 行');
    const sheets = await readWorkbook(sent!.upload.data);
    expect(sheets['投诉']![1]![1]).toBe('万达物业');
  });

  it('sends nothing to a guard but the refusal', async () => {
    await lark.say(IDS.zhangsan, '导出 投诉列表');
    expect(standin.uploadAttempts()).toHaveLength(0);
    expect(standin.texts(p2p(IDS.zhangsan)).join()).toContain('你没有权限使用「投诉列表」');
  });
});
