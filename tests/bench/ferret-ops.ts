/*
 * npm run bench:ferret — what one database operation costs FerretDB (SQLite backend) at several
 * concurrencies: point reads by bare _id, the same read with one more field in the filter, single
 * inserts, and batched inserts. The profile behind the throughput figures.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startFerret } from '../../src/db/ferretdb.ts';

const N = Number(process.env.FERRET_OPS ?? 2000);

function cpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function main(): Promise<void> {
  const ferret = await startFerret(mkdtempSync(path.join(os.tmpdir(), 'ferret-ops-')));
  const client = await new MongoClient(ferret.uri, { maxPoolSize: 64 }).connect();
  const db = client.db('ops');
  const people = db.collection<{ _id: string; n: number; active: boolean }>('people');
  for (let i = 0; i < 10_000; i += 1000)
    await people.insertMany(Array.from({ length: 1000 }, (_, j) => ({ _id: `p${i + j}`, n: i + j, active: true })));
  const rows: string[] = ['| operation | concurrency | ops/s | FerretDB CPU ms/op |', '|---|---|---|---|'];
  const measure = async (label: string, conc: number, op: (i: number) => Promise<unknown>, count = N) => {
    const c0 = cpu(ferret.pid);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < count) await op(next++);
      }),
    );
    const s = (performance.now() - t0) / 1000;
    const row = `| ${label} | ${conc} | ${Math.round(count / s)} | ${(((cpu(ferret.pid) - c0) * 1000) / count).toFixed(2)} |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  };
  let seq = 0;
  for (const conc of [1, 4, 16]) {
    await measure('find {_id}', conc, (i) => people.findOne({ _id: `p${(i * 7919) % 10_000}` }));
    await measure(
      'find {_id, active}',
      conc,
      (i) => people.findOne({ _id: `p${(i * 7919) % 10_000}`, active: true }),
      200,
    );
    await measure('insert one', conc, () =>
      db.collection('ins').insertOne({ _id: `i${seq++}` as never, at: new Date() }),
    );
    await measure('update one by _id', conc, (i) =>
      people.updateOne({ _id: `p${(i * 7919) % 10_000}` }, { $set: { n: i } }),
    );
  }
  await measure(
    'insertMany 10 (per doc)',
    1,
    async () => db.collection('ins').insertMany(Array.from({ length: 10 }, () => ({ _id: `i${seq++}` as never }))),
    N / 10,
  );
  await measure(
    'bulkWrite 10 updates (per batch)',
    1,
    async (i) =>
      people.bulkWrite(
        Array.from({ length: 10 }, (_, j) => ({
          updateOne: { filter: { _id: `p${(i * 10 + j) % 10_000}` }, update: { $set: { n: j } } },
        })),
      ),
    N / 10,
  );
  process.stdout.write(`\n${rows.join('\n')}\n`);
  await client.close();
  await ferret.stop();
}

void main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
