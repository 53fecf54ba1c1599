import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The README is the landing page; the manual, configuration, architecture, operations and
 * performance live in docs/ (issue #19). Which commands and variables each doc must list is
 * checked beside the code that defines them (tests/src/routes.test.ts, tests/src/config.test.ts).
 */
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const docs = readdirSync(path.join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** Relative link targets of a markdown file, without their #anchor. */
function localLinks(file: string): string[] {
  return [...read(file).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.split('#')[0]!);
}

describe('the documentation', () => {
  it('keeps the README a landing page of at most 150 lines', () => {
    const lines = read('README.md').split('\n').length;
    expect(lines, `README.md has ${lines} lines; move detail into docs/`).toBeLessThanOrEqual(150);
  });

  it('has the docs the README points to, the deployment guide among them, and links each', () => {
    const readme = read('README.md');
    for (const doc of ['commands', 'configuration', 'architecture', 'deploy', 'operations', 'performance']) {
      expect(docs).toContain(`docs/${doc}.md`);
      expect(readme, `README.md does not link docs/${doc}.md`).toContain(`](docs/${doc}.md`);
    }
  });

  it.each(['README.md', ...docs])('links only files that are in a clone: %s', (file) => {
    for (const href of localLinks(file)) {
      const target = path.resolve(path.dirname(path.join(root, file)), href);
      expect(target.startsWith(root + path.sep), `${file} links ${href}, outside the repository`).toBe(true);
      expect(existsSync(target), `${file} links ${href}, which does not exist`).toBe(true);
    }
    // the company's rulebook brief sits next to the checkout, not in it
    expect(read(file)).not.toContain('shared/DOMAIN.md');
  });

  it('keeps benchmark figures out of the README (they are in docs/performance.md)', () => {
    expect(read('README.md')).not.toMatch(/replies\/s|p50|p99/);
    expect(read('docs/performance.md')).toMatch(/replies\/s/);
  });
});
