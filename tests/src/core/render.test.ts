import { describe, expect, it } from 'vitest';
import { renderCardText } from '../../../src/core/render.ts';

describe('renderCardText', () => {
  it('prints a card’s sections after its lines, each under its title, on text channels', () => {
    const text = renderCardText({
      title: '帮助',
      lines: ['常用'],
      sections: [{ title: '费用报销', lines: ['• 报销'] }],
      note: '说明',
    });
    expect(text).toBe('【帮助】\n常用\n【费用报销】\n• 报销\n（说明）');
  });
});
