import { describe, expect, it } from 'vitest';
import {
  adjacentSerials,
  areConsecutive,
  normalizeSerial,
  parseSerials,
  sameSerial,
} from '../../../handlers/reimbursements/serials.ts';

describe('§3.5.3 bus-ticket serials compared however they were typed', () => {
  it('counts A0123, A123, a-0123 and A 0123 as one ticket', () => {
    expect(new Set(['A0123', 'A123', 'a-0123', 'A 0123', 'a_0123'].map(normalizeSerial))).toEqual(new Set(['A123']));
    expect(sameSerial('00123', '123')).toBe(true);
    expect(sameSerial('A123', 'B123')).toBe(false);
  });

  it('sees A-124 next to A123, and letters after the digits', () => {
    expect(areConsecutive('A123', 'A-124')).toBe(true);
    expect(areConsecutive('0099', '100')).toBe(true);
    expect(areConsecutive('123B', '00124b')).toBe(true);
    expect(areConsecutive('123B', '124C')).toBe(false);
    expect(adjacentSerials('A00123')).toEqual(['A122', 'A124']);
  });

  it('reads "A 0123" as one serial and keeps the typed form', () => {
    expect(parseSerials('A 0123，A 0124')).toEqual({ serials: ['A0123', 'A0124'] });
    expect(parseSerials('00123 00124')).toEqual({ serials: ['00123', '00124'] });
    expect(parseSerials('00123 B')).toEqual({ serials: ['00123B'] });
    expect(parseSerials('a-0123')).toEqual({ serials: ['A-0123'] });
    expect('error' in parseSerials('一张票')).toBe(true);
  });
});
