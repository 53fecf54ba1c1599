import { describe, it, expect } from 'vitest';
import { ECHO_MAX_CHARS, echo, maskPhone, matchWord, normalizeText, parseMobile } from '../../../src/core/text.ts';
import { matchCommand } from '../../../src/core/router.ts';
import { composition } from '../../../src/workflows.ts';

const { routes } = composition;

describe('normalizeText', () => {
  it('folds full-width characters and extra spaces typed on phones', () => {
    expect(normalizeText('／帮助　 ')).toBe('/帮助');
    expect(normalizeText('绑定　ＡＢ１２')).toBe('绑定 AB12');
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
  });
  it('accepts +86 and separators, refuses short numbers', () => {
    expect(parseMobile('+86 138-1234-5678')).toBe('13812345678');
    expect(parseMobile('12345')).toBeUndefined();
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
