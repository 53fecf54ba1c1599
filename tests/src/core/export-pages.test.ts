import { describe, expect, it } from 'vitest';
import { inPages } from '../../../src/core/reporting.ts';

describe('inPages', () => {
  it('makes rows a page of records at a time, in order, the last page short', async () => {
    async function* records() {
      for (let i = 1; i <= 5; i++) yield i;
    }
    const pages: number[][] = [];
    const out: string[] = [];
    const page = (items: number[]) => {
      pages.push([...items]);
      return items.map((n) => `r${n}`);
    };
    for await (const row of inPages(records(), page, 2)) out.push(row);
    expect(pages).toEqual([[1, 2], [3, 4], [5]]);
    expect(out).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('asks for no page when there are no records', async () => {
    let asked = 0;
    async function* none(): AsyncIterable<number> {}
    const page = (items: number[]) => {
      asked++;
      return items;
    };
    for await (const _ of inPages(none(), page)) expect.unreachable();
    expect(asked).toBe(0);
  });
});
