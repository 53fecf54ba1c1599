import type { Model } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { Complaint } from '../../handlers/complaints/models.ts';
import { RollCall, rollCallId } from '../../handlers/dorms/models.ts';
import { ReimbursementClaim } from '../../handlers/reimbursements/models.ts';
import { Trip } from '../../handlers/vehicles/models.ts';
import { allModels, Staff } from '../../src/models/index.ts';
import { composition } from '../../src/workflows.ts';
import { useDatabase } from '../helpers/db.ts';
import { ensureSeeded, TINY } from './reports-seed.ts';

/*
 * The report bench's seeder (npm run bench:reports) writes raw documents for speed, so nothing but
 * this test notices when a schema moves on and the seed no longer matches it.
 */

useDatabase('reports-seed');

describe('the report bench seeder', () => {
  it('seeds a tiny company (2 dorms, 3 days) with every record reading back through its model unchanged', async () => {
    const { counts, seededNow } = await ensureSeeded(TINY, '2026-12-01', 'Asia/Shanghai');
    expect(seededNow).toBe(true);
    expect(await Staff.countDocuments()).toBe(TINY.staff);
    expect(await RollCall.countDocuments()).toBe(TINY.dorms * TINY.days);
    expect(await RollCall.exists({ _id: rollCallId('2026-11-30', '宿舍002') })).toBeTruthy();
    expect(await Complaint.countDocuments()).toBe(TINY.complaints);
    expect(await ReimbursementClaim.countDocuments()).toBe(TINY.claims);
    expect(await Trip.countDocuments()).toBe(TINY.trips);
    expect(counts.rollcalls).toBe(TINY.dorms * TINY.days);

    const checked: string[] = [];
    for (const model of allModels(composition.models) as Model<unknown>[]) {
      const raw = await model.find().lean();
      if (!raw.length) continue;
      checked.push(model.modelName);
      const docs = await model.find();
      for (const [i, doc] of docs.entries()) {
        // a cast error, a missing required field or an enum value the schema refuses
        await expect(doc.validate(), `${model.modelName} ${String(doc._id)}`).resolves.toBeUndefined();
        // a field the seeder left out comes back filled with its default: the seed is not what the bot writes
        expect(doc.toObject(), `${model.modelName} ${String(doc._id)}`).toEqual(raw[i]);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining(['Staff', 'RollCall', 'Complaint', 'ReimbursementClaim', 'Trip', 'AuditEntry', 'Client']),
    );
  });

  it('skips seeding when the database already holds the same seed', async () => {
    const again = await ensureSeeded(TINY, '2026-12-01', 'Asia/Shanghai');
    expect(again.seededNow).toBe(false);
    expect(await RollCall.countDocuments()).toBe(TINY.dorms * TINY.days);
  });
});
