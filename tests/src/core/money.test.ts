import { describe, expect, it } from 'vitest';
import { formatFen, parseYuan } from '../../../src/core/money.ts';

describe('money in integer fen', () => {
  it('reads yuan as typed into fen', () => {
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('¥12.50')).toBe(1250);
    expect(parseYuan('3元')).toBe(300);
    expect(parseYuan('1,200.50元')).toBe(120050);
  });

  it('refuses what is not a plain amount', () => {
    expect(parseYuan('1.234')).toBeUndefined();
    expect(parseYuan('-5')).toBeUndefined();
    expect(parseYuan('五百块一二')).toBeUndefined();
    expect(parseYuan('二十二十')).toBeUndefined();
    expect(parseYuan('万')).toBeUndefined();
    expect(parseYuan('1000000000')).toBeUndefined();
  });

  // #21: 「50块」 and 「五十元」 were refused as 「金额格式不对」
  it('reads amounts as people write them: 50块, 50元, ¥50, 五十元, 二百, 1,200.50, 一千二百五', () => {
    expect(parseYuan('50块')).toBe(5000);
    expect(parseYuan('50元')).toBe(5000);
    expect(parseYuan('¥50')).toBe(5000);
    expect(parseYuan('五十元')).toBe(5000);
    expect(parseYuan('二百')).toBe(20000);
    expect(parseYuan('1,200.50')).toBe(120050);
    // colloquial: the trailing digit takes the next lower unit
    expect(parseYuan('一千二百五')).toBe(125000);
    expect(parseYuan('两千五')).toBe(250000);
    expect(parseYuan('三块五')).toBe(350);
    expect(parseYuan('五毛')).toBe(50);
    expect(parseYuan('50块钱')).toBe(5000);
    expect(parseYuan('壹佰元整')).toBe(10000);
  });

  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(1250)).toBe('¥12.50');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-300)).toBe('-¥3.00');
  });
});
