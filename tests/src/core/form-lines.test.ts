import { describe, expect, it } from 'vitest';
import { labelledValues, oneFieldPerLine } from '../../../src/core/form-lines.ts';

const LABELS = ['姓名', '电话', '角色', '联系人', '沟通内容', '日期'];

describe('「字段: 值」 in a message', () => {
  it("reads several fields on one line, the form's labels as the delimiters", () => {
    expect(labelledValues('姓名: 李人防 电话: 13800000002 角色: 人防部', LABELS)).toEqual([
      { label: '姓名', value: '李人防' },
      { label: '电话', value: '13800000002' },
      { label: '角色', value: '人防部' },
    ]);
  });

  it('takes 「；」 (and full-width colons) between fields, the separator not part of the value', () => {
    expect(labelledValues('姓名：李四；电话：13800000003;角色：队员', LABELS)).toEqual([
      { label: '姓名', value: '李四' },
      { label: '电话', value: '13800000003' },
      { label: '角色', value: '队员' },
    ]);
  });

  it('keeps free text whose colon follows no label of the form intact', () => {
    expect(labelledValues('沟通内容: 客户说: 夜班满意；白班再看看 日期: 今天', LABELS)).toEqual([
      { label: '沟通内容', value: '客户说: 夜班满意；白班再看看' },
      { label: '日期', value: '今天' },
    ]);
  });

  it('does not split on a label inside a longer word (紧急联系人: is no 联系人)', () => {
    expect(labelledValues('沟通内容: 问了紧急联系人: 王五', LABELS)).toEqual([
      { label: '沟通内容', value: '问了紧急联系人: 王五' },
    ]);
  });

  it('reads a label named twice as the field only the first time', () => {
    expect(labelledValues('沟通内容: 客户问 沟通内容: 怎么填', LABELS)).toEqual([
      { label: '沟通内容', value: '客户问 沟通内容: 怎么填' },
    ]);
  });

  it('reads each line as before, and skips lines that start with no label', () => {
    expect(labelledValues('万达物业\n联系人: 张经理\n随便写的: 一行\n沟通内容: 对夜班满意', LABELS)).toEqual([
      { label: '联系人', value: '张经理' },
      { label: '沟通内容', value: '对夜班满意' },
    ]);
  });

  it('reads the values as typed (full-width punctuation kept) from the message the command came in', () => {
    const typed = '跟进 万达物业\n沟通内容：嫌价格高，已解释 日期：今天';
    // what the command read is folded (NFKC): the value is still the typed one
    const folded = '沟通内容:嫌价格高,已解释 日期:今天';
    expect(labelledValues(folded, LABELS, [], typed)).toEqual([
      { label: '沟通内容', value: '嫌价格高，已解释' },
      { label: '日期', value: '今天' },
    ]);
  });

  it('reads a field key at the start of a line', () => {
    expect(labelledValues('phone: 13800000002', LABELS, ['phone'])).toEqual([{ label: 'phone', value: '13800000002' }]);
  });
});

describe('one field a line, for handlers that read the lines themselves', () => {
  it('puts the words before the first label, then each field, on lines of their own', () => {
    expect(oneFieldPerLine('万达物业 联系人: 张经理 沟通内容: 对夜班满意', { labels: LABELS })).toBe(
      '万达物业\n联系人: 张经理\n沟通内容: 对夜班满意',
    );
  });

  it('leaves lines without a label as the command read them, and values as typed', () => {
    const typed = '修改客户 ＡＢＣ物业\n沟通内容：嫌价格高，已解释；日期：今天';
    expect(oneFieldPerLine('ABC物业\n沟通内容:嫌价格高,已解释;日期:今天', { labels: LABELS }, typed)).toBe(
      'ABC物业\n沟通内容: 嫌价格高，已解释\n日期: 今天',
    );
  });
});
