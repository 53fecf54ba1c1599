import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../helpers/db.ts';

/*
 * The FerretDB the tests run is built with one patch (src/db/ferretdb.ts): reads and writes by a
 * bare `_id` use SQLite's `_id` index instead of scanning the table. Skipped on a real MongoDB.
 */

useDatabase('ferret_id_index');

interface Explained {
  queryPlanner?: { Plan?: string[] };
  serverInfo?: { ferretdbVersion?: string };
}

describe('FerretDB _id lookups', () => {
  it('reads a record by bare _id through the _id index, not a table scan', async () => {
    const things = mongoose.connection.db!.collection<{ _id: string; n: number }>('idlookups');
    await things.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `k${n}`, n })));
    const plan = (await things.find({ _id: 'k42' }).explain()) as Explained;
    if (!plan.serverInfo?.ferretdbVersion) return;
    expect(plan.queryPlanner?.Plan?.join(' ')).toMatch(/SEARCH .* USING INDEX/);
    expect((await things.findOne({ _id: 'k42' }))?.n).toBe(42);
    expect((await things.updateOne({ _id: 'k42' }, { $set: { n: 43 } })).modifiedCount).toBe(1);
    expect((await things.findOne({ _id: 'k42' }))?.n).toBe(43);
    expect((await things.deleteOne({ _id: 'k41' })).deletedCount).toBe(1);
    expect(await things.countDocuments()).toBe(49);
  });
});
