import { describe, it, expect, afterAll } from 'vitest';
import { createHttpServer, databaseProbe, listen } from '../../src/http.ts';
import { silentLog } from '../helpers/harness.ts';

let dbUp = true;
const server = createHttpServer({
  log: silentLog,
  health: async () => ({ ok: dbUp, database: { state: dbUp ? 'up' : 'down' }, channels: { console: 'up' } }),
});
const port = await listen(server, 0, '127.0.0.1');
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('GET /healthz', () => {
  it('reports the database and each channel', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: { state: 'up' }, channels: { console: 'up' } });
  });

  it('answers 503 while the database is down, so a load balancer takes the instance out', async () => {
    dbUp = false;
    const res = await fetch(`http://127.0.0.1:${port}/healthz?probe=1`);
    expect(res.status).toBe(503);
    dbUp = true;
  });

  it('has no Lark endpoint unless webhook mode is on', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/lark/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});

describe('databaseProbe', () => {
  it('says down when the database does not answer in time, sends one ping at a time while it hangs, and up once it answers', async () => {
    let pings = 0;
    let answer: () => void = () => {};
    const probe = databaseProbe(() => {
      pings++;
      return new Promise<void>((r) => (answer = r));
    }, 50);
    expect(await Promise.all([probe(), probe(), probe()])).toEqual([false, false, false]);
    expect(pings).toBe(1);
    // the database answers again: up
    answer();
    expect(await probe()).toBe(true);
  });

  it('says up when the ping answers, and down when it fails', async () => {
    let fail = false;
    const probe = databaseProbe(async () => {
      if (fail) throw new Error('connection refused');
    }, 1000);
    expect(await probe()).toBe(true);
    fail = true;
    expect(await probe()).toBe(false);
  });
});
