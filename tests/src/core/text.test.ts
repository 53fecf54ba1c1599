import { describe, expect, it } from 'vitest';
import { matchCommand } from '../../../src/core/router.ts';
import {
  ECHO_MAX_CHARS,
  echo,
  findPhones,
  leadingName,
  maskPhone,
  maskPhonesIn,
  matchWord,
  nameBook,
  nameKey,
  normalizeText,
  parseMobile,
  sameName,
  typedTail,
} from '../../../src/core/text.ts';
import { composition } from '../../../src/workflows.ts';

const { routes } = composition;

describe('normalizeText', () => {
  it('folds full-width characters and extra spaces typed on phones', () => {
    expect(normalizeText('／帮助　 ')).toBe('/帮助');
    expect(normalizeText('绑定　ＡＢ１２')).toBe('绑定 AB12');
  });
});

describe('typedTail: the end of a message as typed, for what a command read folded', () => {
  it('gives back the reason with its full-width punctuation', () => {
    expect(
      typedTail('重开投诉 TS-20261127-003 客户又来电，说仍未改善！', normalizeText('客户又来电，说仍未改善！')),
    ).toBe('客户又来电，说仍未改善！');
    expect(typedTail('驳回　BX-20261127-001　票据缺少签字（接洽人）', normalizeText('票据缺少签字（接洽人）'))).toBe(
      '票据缺少签字（接洽人）',
    );
  });

  it('keeps what it was given when that is not the end of the message', () => {
    expect(typedTail('签呈 TS-1 理由，一', '别的')).toBe('别的');
    expect(typedTail('签呈 TS-1', '')).toBe('');
  });
});

describe('matchWord', () => {
  it('lets Chinese words run into their argument', () => {
    expect(matchWord('绑定AB12', ['绑定'])).toEqual({ word: '绑定', rest: 'AB12' });
  });
  it('needs a space after Latin words', () => {
    expect(matchWord('helpme', ['help'])).toBeUndefined();
    expect(matchWord('HELP now', ['help'])?.rest).toBe('now');
  });
});

describe('nameKey: one name however it is spaced, cased or punctuated', () => {
  it.each([
    ['ABC 物业', 'ABC物业'],
    ['ａｂｃ物业', 'ABC物业'],
    ['A.B.C·物业', 'abc物业'],
    ['城南 宿舍', '城南宿舍'],
    ['城南宿舍（一）', '城南宿舍(一)'],
    ['万达-广场', '万达　广场'],
    ['张 三', '张三'],
  ])('%j is %j', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });
  it('keeps different names apart', () => {
    expect(nameKey('城南宿舍1')).not.toBe(nameKey('城南宿舍2'));
    expect(nameKey('张三')).not.toBe(nameKey('张三丰'));
    expect(nameKey('---')).toBe('---');
  });
  it('picks the name on record: the same spelling first, else the first that folds the same', () => {
    expect(sameName(['城南 宿舍', '城南宿舍'], '城南宿舍')).toBe('城南宿舍');
    expect(sameName(['城南宿舍', '城北宿舍'], '城南 宿舍')).toBe('城南宿舍');
    expect(sameName(['城北宿舍'], '城南宿舍')).toBeUndefined();
  });
});

describe('names in commands and batches', () => {
  const dorms = ['城南', '城南宿舍', '城北宿舍'];
  it('reads the longest name a command starts with, its words together or apart, and keeps what follows', () => {
    expect(leadingName(dorms, '城南 宿舍 全到')).toEqual({ name: '城南宿舍', rest: '全到' });
    expect(leadingName(dorms, '城南宿舍\n月份: 2026-11')).toEqual({ name: '城南宿舍', rest: '\n月份: 2026-11' });
    expect(leadingName(dorms, '城南 全到')).toEqual({ name: '城南', rest: '全到' });
    expect(leadingName(dorms, '未归 张三')).toBeUndefined();
  });
  it('gives a batch the first spelling of each name: on record, else first in the batch', () => {
    const post = nameBook(['万达广场']);
    expect(['万达 广场', '滨江 花园', '滨江花园', '', '滨江花园'].map(post)).toEqual([
      '万达广场',
      '滨江 花园',
      '滨江 花园',
      '',
      '滨江 花园',
    ]);
  });
});

describe('the command table', () => {
  it.each([
    ['帮助', 'help'],
    ['/帮助', 'help'],
    ['／ 帮助', 'help'],
    ['help', 'help'],
    ['绑定 K7P2QX9M', 'bind'],
    ['绑定码 张三', 'staff.bindcode'],
    ['人员 张三', 'staff.show'],
    ['人员列表', 'staff.list'],
    ['  添加人员  ', 'staff.add'],
  ])('routes %j to %s', (text, name) => {
    expect(matchCommand(routes, text)?.route.name).toBe(name);
  });

  it('answers nothing for words it does not know', () => {
    expect(matchCommand(routes, '今天天气不错')).toBeUndefined();
  });
});

describe('phones', () => {
  it('masks a mobile number for group chats', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    // a landline keeps its area code, as the client card and the complaint card always showed it
    expect(maskPhonesIn('张经理 物业经理 13812345678；李主管 0571-88886666')).toBe(
      '张经理 物业经理 138****5678；李主管 0571-****6666',
    );
    expect(maskPhonesIn('13812345678')).toBe(maskPhone('13812345678'));
  });
  it('accepts +86 and separators, refuses short numbers', () => {
    expect(parseMobile('+86 138-1234-5678')).toBe('13812345678');
    expect(parseMobile('(0086) 138 1234 5678')).toBe('13812345678');
    expect(parseMobile('0571-88886666')).toBeUndefined();
    expect(parseMobile('12345')).toBeUndefined();
  });
});

describe('maskPhonesIn on stored text as it was typed', () => {
  it.each([
    ['联系 137 0000 3333', '联系 137****3333'],
    ['137-0000-3333', '137****3333'],
    ['137 - 0000 - 3333', '137****3333'],
    ['+86 137 0000 3333', '137****3333'],
    ['+86-13700003333', '137****3333'],
    ['0086 13700003333', '137****3333'],
    ['8613700003333', '137****3333'],
    ['(+86)137 0000 3333', '137****3333'],
    ['（+86）13700003333', '137****3333'],
    ['１３７００００３３３３', '137****3333'],
    ['座机 0755-8888 6666', '座机 0755-****6666'],
    ['0755-8888-6666', '0755-****6666'],
    ['(0755)88886666', '0755-****6666'],
    ['（0755）8888-6666', '0755-****6666'],
    ['0755 88886666', '0755-****6666'],
    ['075588886666', '0755-****6666'],
    ['010-8888 6666', '010-****6666'],
    ['+86 755 8888 6666', '0755-****6666'],
    ['+86 10 8888 6666', '010-****6666'],
    ['0755-88886666-123', '0755-****6666-123'],
    ['客服 400-123-4567', '客服 400****4567'],
    ['400 123 4567', '400****4567'],
    ['4001234567', '400****4567'],
    ['800-810-8888', '800****8888'],
    ['电话13700003333，座机(0755)88886666', '电话137****3333，座机0755-****6666'],
    ['13700003333 13800001111', '137****3333 138****1111'],
    ['（13700003333）', '（137****3333）'],
    ['张经理 13700003333 2 人', '张经理 137****3333 2 人'],
    ['2026-12-05 137 0000 3333', '2026-12-05 137****3333'],
  ])('masks %j as %j', (typed, masked) => {
    expect(maskPhonesIn(typed)).toBe(masked);
  });

  it.each([
    '金额 1200.50 元',
    '报销 13800.00 元',
    '13700003333.5',
    '日期 2026-12-05',
    '2026-11-27 11:00 周客服 修改',
    '受理编号 TS-20261204-001',
    '承诺 CN-20261127-001、报销单 BX-20261127-003',
    '车牌 粤B12345',
    '里程 12345 公里',
    '里程 123456789',
    '12-02 12345678',
    '银行卡 6222 0755 3456 7890 123',
    '身份证 440301199001011234',
    '订单 13800138000123',
    '8888 6666',
    '共 13 12 15 16 18 人',
  ])('leaves %j as it is', (text) => {
    expect(maskPhonesIn(text)).toBe(text);
  });

  it('finds each phone with where it stands and its national number', () => {
    expect(findPhones('李经理 (0755)8888 6666 或 +86 137 0000 3333')).toEqual([
      { start: 4, end: 19, text: '(0755)8888 6666', kind: 'landline', national: '075588886666' },
      { start: 22, end: 39, text: '+86 137 0000 3333', kind: 'mobile', national: '13700003333' },
    ]);
  });
});

describe('echo', () => {
  it('quotes at most ECHO_MAX_CHARS characters of what someone typed, with an ellipsis when cut', () => {
    expect(echo('张三')).toBe('张三');
    const long = echo('张'.repeat(10_000));
    expect(Array.from(long)).toHaveLength(ECHO_MAX_CHARS + 1);
    expect(long.endsWith('…')).toBe(true);
  });

  it('drops NUL and other control or invisible characters and folds line breaks', () => {
    expect(echo('a\u0000b\u0007c\u200bd\u202ee')).toBe('abcde');
    expect(echo(' 第一行\n\n第二行\t ')).toBe('第一行 第二行');
  });

  it('never cuts an emoji in half', () => {
    expect(echo('😀'.repeat(30), 5)).toBe(`${'😀'.repeat(5)}…`);
  });
});
