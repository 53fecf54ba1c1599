import { describe, it, expect } from 'vitest';
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
    expect(parseYuan('五百')).toBeUndefined();
  });

  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(1250)).toBe('¥12.50');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-300)).toBe('-¥3.00');
  });
});
