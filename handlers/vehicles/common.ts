import type { BotContext, Services, StaffContext } from '../../src/core/context.ts';
import { type FieldResult, type FormField, freeText } from '../../src/core/forms.ts';
import { type CardRef, notify, type Recipient, recipientsOf, recipientsWithRole } from '../../src/core/notify.ts';
import { echo, parseMobile } from '../../src/core/text.ts';
import type { Outgoing, Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { staffNamed } from '../../src/roster/names.ts';
import {
  Accident,
  type AccidentRecord,
  Permit,
  type PermitRecord,
  type Person,
  Trip,
  type TripRecord,
  Vehicle,
  type VehicleRecord,
} from './models.ts';
import { parseDay, parsePlate, today } from './rules.ts';

export const loadVehicle = async (plate: string) => Vehicle.findById(plate).lean<VehicleRecord>();
export const loadTrip = async (no: string) => Trip.findById(no).lean<TripRecord>();
export const loadAccident = async (no: string) => Accident.findById(no).lean<AccidentRecord>();

export async function permitsOf(staffId: string): Promise<PermitRecord[]> {
  return Permit.find({ 'holder.staffId': staffId }).lean<PermitRecord[]>();
}

/** A form field answer that must be a registered vehicle's plate. */
export async function parseRegisteredPlate(input: string): Promise<FieldResult> {
  const plate = parsePlate(input);
  if (!plate) return { ok: false, error: `车牌「${echo(input)}」格式不对，请写成 粤B12345。` };
  const v = await Vehicle.exists({ _id: plate, active: true });
  return v
    ? { ok: true, value: plate }
    : { ok: false, error: `车辆 ${plate} 没有登记。发送「车辆列表」查看公司车辆。` };
}

/** The vehicle named by the first word of the command; answers the person itself when it is not found. */
export async function vehicleFromArgs(
  ctx: StaffContext,
  example: string,
): Promise<{ v: VehicleRecord; rest: string } | undefined> {
  const args = ctx.args.trim();
  let [, word = '', rest = ''] = /^(\S*)\s*([\s\S]*)$/.exec(args)!;
  // 粤B 12345 is typed with a space as often as without
  const spaced = /^(\S+[ \t]+[A-Z0-9]{5,6})(?=\s|$)\s*([\s\S]*)$/i.exec(args);
  if (!parsePlate(word) && spaced && parsePlate(spaced[1]!)) [, word = '', rest = ''] = spaced;
  const plate = parsePlate(word);
  if (!plate) {
    await ctx.reply(`请写明车牌，例如：${example}`);
    return undefined;
  }
  const v = await loadVehicle(plate);
  if (!v || !v.active) {
    await ctx.reply(
      v
        ? `车辆 ${plate} 已停用，不能再用。如有疑问请联系综合部。`
        : `车辆 ${plate} 没有登记。发送「车辆列表」查看公司车辆。`,
    );
    return undefined;
  }
  return { v, rest };
}

/** Staff names or phones separated by 、/,/space → people; the error names the one not found. */
export async function parsePeople(
  input: string,
  opts: { single?: boolean; label: string },
): Promise<{ people: Person[] } | { error: string }> {
  const words = input.split(/[、,，;；\s]+/).filter(Boolean);
  if (!words.length) return { error: `请填写${opts.label}（员工姓名或电话）。` };
  if (opts.single && words.length > 1) return { error: `${opts.label}只填一位（姓名或电话）。` };
  const people: Person[] = [];
  for (const w of words) {
    const phone = parseMobile(w);
    const found = phone
      ? await Staff.find({ phone, active: true }, { name: 1 }).limit(3).lean()
      : await staffNamed(w, { active: true }, 3);
    if (!found.length) return { error: `人员名单里没有「${echo(w)}」，请填员工姓名或电话。` };
    if (found.length > 1) return { error: `有 ${found.length} 位「${echo(w)}」，请改填电话。` };
    if (!people.some((p) => p.staffId === String(found[0]!._id)))
      people.push({ staffId: String(found[0]!._id), name: found[0]!.name });
  }
  return { people };
}

/**
 * A form field over parsePeople: the value is `name#staffId` items joined by 、 (decoded by
 * decodePeople), shown as the names people type — the phone for a name two people share — so a
 * card submitted unchanged names the same people.
 */
export function peopleField(label: string, single = false): Pick<FormField, 'parse' | 'show'> {
  return {
    parse: async (input: string): Promise<FieldResult> => {
      if (!single && isNone(input)) return { ok: true, value: '' };
      const r = await parsePeople(input, { label, single });
      return 'error' in r
        ? { ok: false, error: r.error }
        : { ok: true, value: r.people.map((p) => `${p.name}#${p.staffId}`).join('、') };
    },
    show: async (value: string): Promise<string> => {
      const people = decodePeople(value);
      const shown: string[] = [];
      for (const p of people) {
        const namesakes = await Staff.find({ name: p.name, active: true }, { phone: 1 }).limit(2).lean();
        const self =
          p.staffId && namesakes.length > 1 ? await Staff.findById(p.staffId, { phone: 1 }).lean() : undefined;
        shown.push(self?.phone ?? p.name);
      }
      return shown.join('、');
    },
  };
}

export function decodePeople(value: string): Person[] {
  return value
    .split('、')
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf('#');
      return i < 0 ? { staffId: '', name: s } : { name: s.slice(0, i), staffId: s.slice(i + 1) };
    });
}

/** Everyone holding any of `roles`, plus `people`, each chat identity once. */
export async function recipients(
  services: Services,
  roles: Role[],
  people: Person[] = [],
  except: string[] = [],
): Promise<Recipient[]> {
  const all = [
    ...(roles.length ? await recipientsWithRole(services, roles, except) : []),
    ...(await recipientsOf(
      services,
      people.filter((p) => p.staffId && !except.includes(p.staffId)).map((p) => ({ id: p.staffId, name: p.name })),
    )),
  ];
  const seen = new Set<string>();
  return all.filter((r) => !seen.has(`${r.channel}:${r.userId}`) && seen.add(`${r.channel}:${r.userId}`));
}

/** Tells `roles` (and `people`); logs when nobody could be reached, so a lost warning is visible. */
export async function tell(
  services: Services,
  roles: Role[],
  message: Outgoing,
  people: Person[] = [],
  except: string[] = [],
): Promise<CardRef[]> {
  const to = await recipients(services, roles, people, except);
  if (!to.length) {
    services.log.warn(
      {
        roles,
        title: typeof message === 'string' ? message.slice(0, 40) : 'title' in message ? message.title : message.name,
      },
      'nobody to tell about a vehicle matter',
    );
    return [];
  }
  return notify(services, to, message);
}

const NONE = new Set(['无', '没有', '-', '跳过', 'skip', 'none', '0']);
export const isNone = (t: string) => NONE.has(t.trim().toLowerCase());

/** A free-text answer, stored as typed. */
export const text = (label: string, max: number) => freeText(label, max);

/** A date field: 2026-11-27, or 今天; `optional` also takes 无. */
export const dayField =
  (label: string, optional = false) =>
  (input: string, ctx: BotContext): FieldResult => {
    if (optional && isNone(input)) return { ok: true, value: '' };
    const d = /^(今天|今日)$/.test(input.trim())
      ? today(ctx.services.now(), ctx.services.config.timezone)
      : parseDay(input);
    return d ? { ok: true, value: d } : { ok: false, error: `${label}请写成 2026-11-27。` };
  };
