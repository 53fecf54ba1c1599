/**
 * Payload shape checks that keep hostile JSON out of the inbox. MongoDB (and FerretDB) refuse keys
 * that start with `$` or contain `.`, and a value nested thousands deep overflows the stack when it
 * is serialised; either used to end as a 500 after the request was authenticated. Lark's own
 * payloads are a few levels deep and use plain snake_case keys, so the limits below never touch them.
 */

/** Deepest nesting accepted; Lark's deepest payload (a card form submit) is about 5 levels. */
export const MAX_PAYLOAD_DEPTH = 32;

/** Why `value` cannot be stored as it is, or undefined when it can. Iterative, so depth cannot overflow. */
export function payloadProblem(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH): string | undefined {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const x of v) stack.push({ v: x, depth: depth + 1 });
      continue;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k.startsWith('$') || k.includes('.')) return 'key starting with $ or containing a dot';
      stack.push({ v: x, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The same check for a card callback, whose button value may arrive as a JSON string (older card
 * schemas) that the converter parses: what it would parse is checked too.
 */
export function cardPayloadProblem(data: { action?: { value?: unknown } }): string | undefined {
  const direct = payloadProblem(data);
  if (direct) return direct;
  const value = data.action?.value;
  if (typeof value !== 'string') return undefined;
  try {
    return payloadProblem(JSON.parse(value) as unknown);
  } catch {
    return undefined;
  }
}
