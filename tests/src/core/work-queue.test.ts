import { describe, expect, it } from 'vitest';
import type { BotEvent } from '../../../src/core/types.ts';
import { WorkQueue } from '../../../src/core/work-queue.ts';
import { createLogger } from '../../../src/logger.ts';

const log = createLogger('silent');

function event(n: number): BotEvent {
  return {
    id: `e${n}`,
    channel: 'console',
    chat: { id: 'c', isGroup: false },
    userId: `u${n}`,
    kind: 'message',
    text: String(n),
    receivedAt: new Date(),
  };
}

/** A queue whose work is recorded and whose "inbox" is a map; `gate` holds every run until released. */
function world(opts: { concurrency: number; maxHeld: number; maxWaiting: number }) {
  const inbox = new Map<string, BotEvent>();
  const ran: string[] = [];
  const loads: string[][] = [];
  let running = 0;
  let peak = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new WorkQueue<string>(
    opts,
    async (key, ev) => {
      running++;
      peak = Math.max(peak, running);
      await gate;
      ran.push(`${key}=${ev.text}`);
      running--;
      return key;
    },
    async (keys) => {
      loads.push(keys);
      return new Map(keys.filter((k) => inbox.has(k)).map((k) => [k, inbox.get(k)!]));
    },
    log,
  );
  const push = (n: number, urgent = false, done?: (o: string | undefined) => void) => {
    inbox.set(`k${n}`, event(n));
    return q.push({ key: `k${n}`, event: event(n), done }, urgent);
  };
  return { q, inbox, ran, loads, push, release, peak: () => peak };
}

describe('work queue (bounded processing of recorded events)', () => {
  it('runs at most `concurrency` events at once and the rest in arrival order', async () => {
    const w = world({ concurrency: 3, maxHeld: 100, maxWaiting: 100 });
    for (let i = 0; i < 10; i++) w.push(i);
    await new Promise((r) => setTimeout(r, 20));
    expect(w.peak()).toBe(3);
    w.release();
    await w.q.idle();
    expect(w.ran).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}=${i}`));
  });

  it('keeps only the key past the memory bound and reads the payloads back in order when their turn comes', async () => {
    const w = world({ concurrency: 1, maxHeld: 2, maxWaiting: 100 });
    for (let i = 0; i < 8; i++) w.push(i);
    w.release();
    await w.q.idle();
    expect(w.ran).toEqual(Array.from({ length: 8 }, (_, i) => `k${i}=${i}`));
    expect(w.loads.flat().length).toBeGreaterThan(0);
    expect(w.loads.flat()).not.toContain('k0');
  });

  it('drops a key-only event that was finished elsewhere meanwhile', async () => {
    const w = world({ concurrency: 1, maxHeld: 1, maxWaiting: 100 });
    for (let i = 0; i < 4; i++) w.push(i);
    w.inbox.delete('k3');
    w.release();
    await w.q.idle();
    expect(w.loads.flat()).toContain('k3');
    expect(w.ran).toEqual(['k0=0', 'k1=1', 'k2=2']);
    expect(w.q.has('k3')).toBe(false);
  });

  it('leaves events past the waiting bound to the recovery job', async () => {
    const w = world({ concurrency: 1, maxHeld: 10, maxWaiting: 3 });
    const kept = Array.from({ length: 6 }, (_, i) => w.push(i));
    // one running, three waiting: the last two are refused and left in the inbox
    expect(kept).toEqual([true, true, true, true, false, false]);
    expect(w.q.has('k5')).toBe(false);
    w.release();
    await w.q.idle();
    expect(w.ran).toEqual(['k0=0', 'k1=1', 'k2=2', 'k3=3']);
  });

  it('runs an urgent event (a card click) before the backlog and hands back its outcome', async () => {
    const w = world({ concurrency: 1, maxHeld: 10, maxWaiting: 10 });
    for (let i = 0; i < 4; i++) w.push(i);
    const outcome = new Promise<string | undefined>((done) => w.push(9, true, done));
    w.release();
    expect(await outcome).toBe('k9');
    await w.q.idle();
    expect(w.ran).toEqual(['k0=0', 'k9=9', 'k1=1', 'k2=2', 'k3=3']);
  });
});
