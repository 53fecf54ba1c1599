import { describe, expect, it } from 'vitest';
import { matchCommand } from '../../src/core/router.ts';
import { composition, installed } from '../../src/workflows.ts';

const { routes } = composition;
const workflows = installed.map((i) => i.workflow);

import { readFileSync } from 'node:fs';
import path from 'node:path';

describe('the route table', () => {
  it('gives every command word to one command only', () => {
    const seen = new Map<string, string>();
    for (const r of routes.commands) {
      for (const w of r.words) {
        expect(
          seen.get(w.toLowerCase()),
          `"${w}" is used by ${seen.get(w.toLowerCase())} and ${r.name}`,
        ).toBeUndefined();
        seen.set(w.toLowerCase(), r.name);
      }
    }
  });

  it.each(routes.commands.map((r) => [r.name, r.example] as const))(
    'routes the help example of %s to itself',
    (name, example) => {
      expect(matchCommand(routes, example)?.route.name).toBe(name);
    },
  );

  it('routes every English alias', () => {
    for (const r of routes.commands)
      for (const w of r.words) expect(matchCommand(routes, w)?.route.name, w).toBe(r.name);
  });

  it('gives every workflow its own word after 帮助 (帮助 报销)', () => {
    const topics = workflows.map((w) => w.topic);
    for (const [i, t] of topics.entries()) expect(t, `${workflows[i]!.name} has no topic`).toBeTruthy();
    expect(new Set(topics).size).toBe(topics.length);
  });

  it('declares each card action once', () => {
    const actions = routes.actions.map((a) => a.action);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it('defines every form once, across workflows', () => {
    const names = workflows.flatMap((w) => (w.forms ?? []).map((f) => f.name));
    expect(new Set(names).size).toBe(names.length);
  });

  it('documents every command in the staff manual (docs/commands.md)', () => {
    const manual = readFileSync(path.resolve(import.meta.dirname, '../../docs/commands.md'), 'utf8');
    for (const r of routes.commands)
      expect(manual, `docs/commands.md lacks ${r.words[0]}`).toContain(`\`${r.words[0]}`);
  });
});
