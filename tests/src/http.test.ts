import { afterAll, describe, expect, it } from 'vitest';
import { createHttpServer, databaseProbe, listen, sendJson } from '../../src/http.ts';
import { silentLog } from '../helpers/harness.ts';

let dbUp = true;
const hooked: string[] = [];
const server = createHttpServer({
  log: silentLog,
  health: async () => ({ ok: dbUp, database: { state: dbUp ? 'up' : 'down' }, channels: { console: 'up' } }),
  // what a receiver declares (the Lark receiver its webhook in webhook mode)
  routes: [
    {
      method: 'POST',
      path: '/hook/events',
      handler: async (req, res) => {
        hooked.push(req.url ?? '');
        sendJson(res, 200, { ok: true });
      },
    },
  ],
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

  it('has no Lark endpoint unless a receiver declares it (webhook mode)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/lark/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});

describe('receiver routes', () => {
  it('serves what a receiver declares, by method and path, whatever the query string', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/hook/events?x=1`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(hooked).toEqual(['/hook/events?x=1']);
    expect((await fetch(`http://127.0.0.1:${port}/hook/events`)).status).toBe(404);
  });

  it('refuses two receivers declaring the same route, or one taking /healthz', () => {
    const handler = async () => {};
    expect(() =>
      createHttpServer({
        log: silentLog,
        health: async () => ({ ok: true }),
        routes: [
          { method: 'POST', path: '/a', handler },
          { method: 'POST', path: '/a', handler },
        ],
      }),
    ).toThrow('two handlers for POST /a');
    expect(() =>
      createHttpServer({
        log: silentLog,
        health: async () => ({ ok: true }),
        routes: [{ method: 'GET', path: '/healthz', handler }],
      }),
    ).toThrow();
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
