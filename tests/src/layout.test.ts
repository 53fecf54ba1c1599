import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The layout's rules (docs/architecture.md, "Layout"), checked on the source itself so a shortcut that
 * breaks them fails here rather than in review. The import rules (no cycles, workflows through
 * their api.ts, the composition, no SDK in workflows) are dependency-cruiser's, in
 * .dependency-cruiser.cjs: `npm run deps`, part of `npm test`.
 */
const root = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  const abs = path.join(root, dir);
  return readdirSync(abs).flatMap((name) => {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) return filesUnder(path.join(dir, name));
    return name.endsWith('.ts') ? [path.join(dir, name)] : [];
  });
}

describe('layout', () => {
  it('handlers/ and src/core ask what a channel can do, never its name', () => {
    const bad = [...filesUnder('handlers'), ...filesUnder('src/core')].filter((f) =>
      /channel\s*[!=]==\s*'(lark|wechat|console)'/.test(readFileSync(path.join(root, f), 'utf8')),
    );
    expect(bad).toEqual([]);
  });

  it('http.ts and main.ts name no chat platform: receivers declare their own routes', () => {
    const bad = ['src/http.ts', 'src/main.ts'].filter((f) =>
      /lark|feishu|wechat|wechaty/i.test(readFileSync(path.join(root, f), 'utf8')),
    );
    expect(bad).toEqual([]);
  });

  // 400 lines was set for lines up to ~200 columns; Biome's 120 columns wraps the same code into ~15 % more lines
  it('keeps every source file under 500 lines (formatted at 120 columns)', () => {
    const long = ['src', 'handlers', 'schedules']
      .flatMap(filesUnder)
      .map((f) => [f, readFileSync(path.join(root, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 500);
    expect(long).toEqual([]);
  });

  it('gives staff routes a sender the type checker knows, instead of ctx.sender!', () => {
    const bad = [...filesUnder('handlers'), ...filesUnder('schedules')].filter((f) =>
      readFileSync(path.join(root, f), 'utf8').includes('ctx.sender!'),
    );
    expect(bad).toEqual([]);
  });

  it('types records from their schemas: no double casts in handlers or schedules', () => {
    const bad = [...filesUnder('handlers'), ...filesUnder('schedules')].filter((f) =>
      readFileSync(path.join(root, f), 'utf8').includes('as unknown as'),
    );
    expect(bad).toEqual([]);
  });
});
