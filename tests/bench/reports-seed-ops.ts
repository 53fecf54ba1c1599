import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { SupplyChange, SupplyItem, SupplyReport, SupplyRequest } from '../../handlers/supplies/models.ts';
import {
  Accident,
  Inspection,
  Permit,
  ShuttleDone,
  ShuttleRun,
  Trip,
  Vehicle,
} from '../../handlers/vehicles/models.ts';
import { AuditEntry } from '../../src/models/index.ts';
import { ref, type SeedWorld } from './reports-seed.ts';
import { DAY, DailyNumbers, HOUR, type PersonRef, PLACES, writeAll } from './seed-kit.ts';

/*
 * Vehicles (§3.4), supplies (§4) and the audit trail for the report bench: trips with continuous
 * odometers, monthly inspections, a few accidents, shuttle runs, each post's monthly supplies report
 * with its requests, and a year of changes to people in the trail.
 */

type Step = (name: string, work: () => Promise<number>) => Promise<void>;

export async function seedOperations(w: SeedWorld, step: Step): Promise<void> {
  await seedVehicles(w, step);
  await seedSupplies(w, step);
  await step('audit', () => writeAll(AuditEntry, audit(w)));
}

const MODELS = ['丰田海狮', '五菱宏光', '别克GL8', '金杯海狮'];
const PURPOSES = ['接送队员上下班', '巡查驻点', '运送物资', '送队员就医', '接待客户'];

async function seedVehicles(w: SeedWorld, step: Step): Promise<void> {
  const { dice, clock, scale } = w;
  const ga = w.byRole('general_affairs').map(ref);
  const ops = w.byRole('guard_ops').map(ref);
  const drivers = w.byRole('driver').map(ref);
  const created = clock.at(w.days[0]!, 9);
  const vehicles = Array.from({ length: scale.vehicles }, (_, i) => ({
    plate: `粤B${String.fromCharCode(65 + (i % 26))}${String(10_000 + i * 37).slice(-4)}`,
    drivers: [drivers[i % drivers.length]!, drivers[(i + scale.vehicles) % drivers.length]!].filter(
      (d, j, all) => all.findIndex((x) => x.staffId === d.staffId) === j,
    ),
    odometer: 20_000 + i * 1000,
    post: w.posts[i % w.posts.length]!,
  }));
  const permitOf = new Map<string, string>();
  const permits = drivers.map((d, i) => {
    const id = `ZJ${String(i + 1).padStart(4, '0')}`;
    permitOf.set(d.staffId, id);
    return {
      _id: id,
      version: 0,
      holder: d,
      vehicles: vehicles.filter((v) => v.drivers.some((x) => x.staffId === d.staffId)).map((v) => v.plate),
      assessedOn: w.days[0],
      expiresOn: clock.plusDays(w.days[0]!, 730),
      assessor: ga[0]!.name,
      issuedBy: ga[0],
      issuedAt: created,
      status: 'active',
      revoked: null,
      createdAt: created,
      updatedAt: created,
    };
  });
  await step('permits', () => writeAll(Permit, permits));
  // usage per plate and month, for the inspections
  const usage = new Map<string, { trips: number; km: number; costs: number }>();
  const nos = new DailyNumbers('CL', clock);
  w.numbers.push(nos);
  const tripList: { id: string; plate: string; driver: PersonRef; at: Date }[] = [];
  function* trips(): Generator<Record<string, unknown>> {
    let made = 0;
    for (const [d, day] of w.days.entries()) {
      const today = Math.round(((d + 1) * scale.trips) / w.days.length) - made;
      made += today;
      const starts = Array.from({ length: today }, () => clock.at(day, dice.int(6, 18), dice.int(0, 59))).sort(
        (a, b) => a.getTime() - b.getTime(),
      );
      for (const startedAt of starts) {
        const v = dice.pick(vehicles);
        const driver = dice.pick(v.drivers);
        const km = dice.int(5, 120);
        const gap = dice.chance(0.005) ? dice.int(5, 40) : 0;
        const start = v.odometer + gap;
        v.odometer = start + km;
        const endedAt = new Date(startedAt.getTime() + (10 + km * 2) * 60_000);
        const costs = {
          fuel: dice.chance(0.15) ? dice.int(20_000, 45_000) : 0,
          toll: dice.chance(0.2) ? dice.int(500, 5000) : 0,
          parking: dice.chance(0.3) ? dice.int(500, 3000) : 0,
          repair: dice.chance(0.01) ? dice.int(20_000, 200_000) : 0,
        };
        const cost = costs.fuel + costs.toll + costs.parking + costs.repair;
        const key = `${v.plate}:${day.slice(0, 7)}`;
        const u = usage.get(key) ?? { trips: 0, km: 0, costs: 0 };
        usage.set(key, { trips: u.trips + 1, km: u.km + km, costs: u.costs + cost });
        const id = nos.next(startedAt);
        tripList.push({ id, plate: v.plate, driver, at: startedAt });
        yield {
          _id: id,
          version: 1,
          plate: v.plate,
          driver,
          permit: permitOf.get(driver.staffId)!,
          status: 'ended',
          startedAt,
          startOdometer: start,
          purpose: dice.pick(PURPOSES),
          route: `公司—${v.post}`,
          endedAt,
          endOdometer: start + km,
          costs,
          note: '',
          flags: gap
            ? [{ clause: '§3.4.5', code: 'odometer_gap', message: `出车里程比上次收车多 ${gap} 公里，请综合部核实。` }]
            : [],
          claimedAt: cost && dice.chance(0.7) ? new Date(endedAt.getTime() + DAY) : null,
          costCheck: null,
          createdAt: startedAt,
          updatedAt: endedAt,
        };
      }
    }
  }
  await step('trips', () => writeAll(Trip, trips()));
  const lastDay = w.days.at(-1)!;
  await step('vehicles', () =>
    writeAll(
      Vehicle,
      vehicles.map((v, i) => ({
        _id: v.plate,
        version: 1,
        model: MODELS[i % MODELS.length],
        post: v.post,
        drivers: v.drivers,
        odometer: v.odometer,
        openTrip: null,
        lastMaintenance: { on: clock.plusDays(lastDay, -dice.int(10, 90)), odometer: v.odometer - dice.int(500, 4000) },
        active: true,
        history: [],
        createdAt: created,
        updatedAt: clock.at(lastDay, 20),
      })),
    ),
  );
  await step('inspections', () =>
    writeAll(
      Inspection,
      [...usage].flatMap(([key, u]) => {
        const [plate, month] = key.split(':') as [string, string];
        const at = DateTime.fromISO(`${month}-01`, { zone: clock.tz })
          .plus({ months: 1, days: 1, hours: 10 })
          .toJSDate();
        // the month just ended is checked in the days after it: not yet
        if (at > clock.at(w.end, 9)) return [];
        return {
          _id: key,
          plate,
          month,
          usage: u,
          safety: dice.chance(0.95) ? '良好' : '左后轮胎磨损，已安排更换',
          condition: '正常',
          note: '',
          by: dice.pick(ga),
          at,
          late: false,
          createdAt: at,
          updatedAt: at,
        };
      }),
    ),
  );
  const sg = new DailyNumbers('SG', clock);
  w.numbers.push(sg);
  const picked = Array.from({ length: scale.accidents }, () => dice.pick(tripList)).sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  await step('accidents', () =>
    writeAll(
      Accident,
      picked.map((t, i) => {
        const reportedAt = new Date(t.at.getTime() + HOUR);
        const open = i === picked.length - 1;
        const ackAt = new Date(reportedAt.getTime() + 20 * 60_000);
        const by = dice.pick(ops);
        return {
          _id: sg.next(reportedAt),
          version: open ? 1 : 3,
          plate: t.plate,
          trip: t.id,
          reporter: t.driver,
          occurred: DateTime.fromJSDate(new Date(t.at.getTime() + 30 * 60_000), { zone: clock.tz }).toISO(),
          place: `${dice.pick(PLACES)}路口`,
          injuries: '无人受伤',
          damage: '前保险杠刮擦',
          account: '倒车时与路边护栏刮擦',
          status: open ? 'acknowledged' : 'closed',
          reportedAt,
          acknowledged: { by, at: ackAt },
          instructions: [{ at: ackAt, by, text: '拍照留证，报保险' }],
          outcome: open ? null : { at: new Date(ackAt.getTime() + 5 * DAY), by, text: '保险理赔完毕' },
          createdAt: reportedAt,
          updatedAt: ackAt,
        };
      }),
    ),
  );
  const runs = vehicles.slice(0, Math.min(5, vehicles.length)).map((v, i) => ({
    _id: `BC${i + 1}`,
    plate: v.plate,
    post: v.post,
    time: `0${6 + (i % 3)}:30`,
    route: `宿舍区—${v.post}`,
    active: true,
    createdBy: ga[0],
    createdAt: created,
    updatedAt: created,
    __v: 0,
  }));
  await step('shuttleruns', () => writeAll(ShuttleRun, runs));
  await step('shuttledone', () =>
    writeAll(
      ShuttleDone,
      w.days.flatMap((day) =>
        runs
          .filter(() => dice.chance(0.97))
          .map((r) => ({
            _id: `${r._id}:${day}`,
            run: r._id,
            day,
            by: vehicles.find((v) => v.plate === r.plate)!.drivers[0],
            at: clock.at(day, 7, dice.int(0, 50)),
          })),
      ),
    ),
  );
}

const SUPPLIES: [string, string, number][] = [
  ['对讲机', '台', 4],
  ['警棍', '根', 6],
  ['手电筒', '个', 6],
  ['雨衣', '件', 8],
  ['反光背心', '件', 8],
  ['灭火器', '个', 4],
  ['急救箱', '个', 1],
  ['执勤记录本', '本', 10],
  ['防刺背心', '件', 4],
  ['安全帽', '顶', 6],
];

async function seedSupplies(w: SeedWorld, step: Step): Promise<void> {
  const { dice, clock } = w;
  const ga = w.byRole('general_affairs').map(ref);
  const created = clock.at(w.days[0]!, 9);
  await step('supplyitems', () =>
    writeAll(
      SupplyItem,
      w.posts.flatMap((post) =>
        SUPPLIES.map(([item, unit, quantity]) => ({
          _id: new mongoose.Types.ObjectId(),
          post,
          item,
          quantity,
          unit,
          updatedBy: ga[0]!.name,
          createdAt: created,
          updatedAt: created,
        })),
      ),
    ),
  );
  await step('supplychanges', () =>
    writeAll(
      SupplyChange,
      w.posts.flatMap((post) =>
        SUPPLIES.map(([item, unit, quantity]) => ({
          _id: new mongoose.Types.ObjectId(),
          post,
          item,
          from: null,
          to: quantity,
          unit,
          by: ga[0]!.staffId,
          byName: ga[0]!.name,
          at: created,
          source: 'file:驻点配置清单.xlsx',
        })),
      ),
    ),
  );
  // each post files the month just ended in the first days of the next (the months fully seeded)
  const months = [...new Set(w.days.map((d) => d.slice(0, 7)))];
  const leaders = new Map<string, PersonRef>();
  for (const s of w.byRole('team_leader')) if (!leaders.has(s.post)) leaders.set(s.post, ref(s));
  const nos = new DailyNumbers('WZ', clock);
  w.numbers.push(nos);
  const requests: Record<string, unknown>[] = [];
  function* reports(): Generator<Record<string, unknown>> {
    for (const month of months.slice(0, -1)) {
      const fileDay = DateTime.fromISO(`${month}-01`, { zone: clock.tz }).plus({ months: 1 }).toISODate()!;
      for (const post of w.posts) {
        const leader = leaders.get(post) ?? w.dorms[0]!.leader;
        const submittedAt = clock.at(clock.plusDays(fileDay, dice.int(0, 2)), dice.int(9, 17), dice.int(0, 59));
        const lines = SUPPLIES.map(([item, , configured]) => {
          const damaged = dice.chance(0.1) ? 1 : 0;
          const lost = dice.chance(0.02) ? 1 : 0;
          return {
            item,
            stock: configured - damaged - lost,
            consumed: item === '执勤记录本' ? dice.int(1, 3) : 0,
            damaged,
            lost,
            note: damaged ? '使用中损坏' : '',
            configured,
          };
        });
        const short = lines.filter((l) => l.stock < l.configured);
        const id = `${post}|${month}`;
        const asked = short.filter(() => dice.chance(0.7));
        const requestNos = asked.map((l) => {
          const no = nos.next(submittedAt);
          const decided = dice.chance(0.9);
          const approver = dice.pick(ga);
          requests.push({
            _id: no,
            post,
            month,
            reportId: id,
            item: l.item,
            quantity: l.configured - l.stock,
            unit: SUPPLIES.find(([i]) => i === l.item)![1],
            reason: '损坏更换',
            stock: l.stock,
            configured: l.configured,
            requesterId: leader.staffId,
            requesterName: leader.name,
            status: decided ? (dice.chance(0.9) ? 'approved' : 'refused') : 'pending',
            decidedBy: decided ? approver.staffId : null,
            decidedByName: decided ? approver.name : null,
            decidedAt: decided ? new Date(submittedAt.getTime() + 5 * HOUR) : null,
            refuseReason: null,
            requestedAt: submittedAt,
            version: decided ? 1 : 0,
          });
          return no;
        });
        yield {
          _id: id,
          post,
          month,
          leaderId: leader.staffId,
          leaderName: leader.name,
          lines,
          flags: short.map((l) => ({
            clause: '§4.2',
            kind: l.lost ? 'lost' : 'damaged',
            item: l.item,
            message: `${l.item} 比配置少 ${l.configured - l.stock}`,
          })),
          requestNos,
          note: '',
          submittedAt,
        };
      }
    }
  }
  await step('supplyreports', () => writeAll(SupplyReport, reports()));
  await step('supplyrequests', () => writeAll(SupplyRequest, requests));
}

const CHANGES: { kind: string; what: string; from: string; to: string }[] = [
  { kind: 'roles', what: '角色', from: '队员', to: '队员、队长' },
  { kind: 'dorm', what: '宿舍', from: '宿舍001', to: '宿舍002' },
  { kind: 'post', what: '驻点', from: '华润大厦驻点', to: '科技园驻点' },
  { kind: 'active', what: '状态', from: '在职', to: '停用' },
  { kind: 'binding', what: '绑定', from: '', to: 'lark' },
];

function* audit(w: SeedWorld): Generator<Record<string, unknown>> {
  const { dice, clock } = w;
  const admins = [...w.byRole('admin'), ...w.byRole('general_affairs')];
  const ats = Array.from({ length: w.scale.auditEntries }, () =>
    clock.at(dice.pick(w.days), dice.int(8, 19), dice.int(0, 59)),
  ).sort((a, b) => a.getTime() - b.getTime());
  for (const [i, at] of ats.entries()) {
    const by = dice.pick(admins);
    const subject = dice.pick(w.staff);
    const c = dice.pick(CHANGES);
    yield {
      _id: `${at.toISOString()}-${String(i).padStart(6, '0')}${dice.hex(6)}`,
      at,
      by: { staffId: by.staffId, name: by.name, identity: `lark:ou_${dice.hex(16)}` },
      channel: 'lark',
      kind: c.kind,
      record: { type: 'staff', id: subject.staffId, label: subject.name },
      subject: ref(subject),
      what: c.what,
      from: c.from,
      to: c.to,
      note: '',
      keys: [`staff:${subject.staffId}`],
    };
  }
}
