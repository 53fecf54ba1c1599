import { z } from 'zod';
import type { FieldResult } from '../../src/core/forms.ts';
import { echo, parsePhoneNumber } from '../../src/core/text.ts';
import { parseCadenceDays } from './cadence-rules.ts';
import {
  type ClientStatus,
  CONTACTS_HINT,
  type Contact,
  parseContacts,
  parsePosts,
  STATUS_HINT,
  statusFromWords,
} from './rules.ts';

/*
 * One client as people write it, in a client-list row or in the 客户档案 form: the same zod fields
 * behind both, so an import row and a typed answer are refused with the same Chinese words.
 */

const text = (label: string, max: number) => z.string().trim().max(max, `${label}太长（最多 ${max} 字）`);

export const clientFieldSchemas = {
  name: z.string({ error: '客户名称不能为空' }).trim().min(1, '客户名称不能为空').max(60, '客户名称太长（最多 60 字）'),
  address: text('地址', 120),
  phone: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (!v) return '';
      const p = parsePhoneNumber(v);
      if (!p) {
        ctx.addIssue({
          code: 'custom',
          message: `电话「${echo(v)}」不对：请填 11 位手机号，或带区号的座机（如 0571-88886666）`,
        });
        return z.NEVER;
      }
      return p;
    }),
  contacts: z
    .string()
    .trim()
    .transform((v, ctx): Contact[] => {
      if (!v) return [];
      const r = parseContacts(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.error });
        return z.NEVER;
      }
      return r.contacts;
    }),
  posts: z
    .string()
    .trim()
    .transform((v, ctx): string[] => {
      const r = parsePosts(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.error });
        return z.NEVER;
      }
      return r.posts;
    }),
  status: z
    .string()
    .trim()
    .transform((v, ctx): ClientStatus => {
      const s = statusFromWords(v);
      if (!s) {
        ctx.addIssue({ code: 'custom', message: `状态「${echo(v)}」不认识。${STATUS_HINT}` });
        return z.NEVER;
      }
      return s;
    }),
  /** The owner's name; resolved to a staff member against the database. */
  owner: text('负责人', 20),
  notes: text('备注', 300),
  callDays: cadence('电话回访周期'),
  visitDays: cadence('拜访周期'),
};

function cadence(label: string) {
  return z
    .string()
    .trim()
    .transform((v, ctx): number | null => {
      // 按状态默认 is how fieldText shows null: the 修改客户 card prefilled with it must read it back
      if (!v || /^(默认|按状态|按状态默认)$/.test(v)) return null;
      const d = parseCadenceDays(v);
      if (d === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `${label}「${echo(v)}」看不懂：请填天数（1–365，如 30），「不需要」或「默认」`,
        });
        return z.NEVER;
      }
      return d;
    });
}

const SKIP = /^(跳过|无|没有|-|skip)$/i;

export type ClientInputField = keyof typeof clientFieldSchemas;
export type ClientInput = { [K in ClientInputField]?: z.output<(typeof clientFieldSchemas)[K]> };

/** A form field parser from one of the schemas: the normalised value back as text for the form. */
export function fieldParser(key: ClientInputField) {
  return (input: string): FieldResult => {
    // a one-message form may say 跳过 for a field it leaves empty, as a guided form answer would
    if (key !== 'name' && SKIP.test(input.trim())) return { ok: true, value: '' };
    const r = clientFieldSchemas[key].safeParse(input);
    return r.success
      ? { ok: true, value: input.trim() }
      : { ok: false, error: r.error.issues[0]?.message ?? '填写有误' };
  };
}

/** Parses the given fields (row cells or form answers); every problem, not only the first. */
export function parseClientInput(
  values: Partial<Record<ClientInputField, string>>,
): { ok: true; input: ClientInput } | { ok: false; errors: string[] } {
  const input: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const key of Object.keys(clientFieldSchemas) as ClientInputField[]) {
    const raw = values[key];
    if (raw === undefined) continue;
    const r = clientFieldSchemas[key].safeParse(raw);
    if (r.success) input[key] = r.data;
    else errors.push(...r.error.issues.map((i) => i.message));
  }
  return errors.length ? { ok: false, errors } : { ok: true, input: input as ClientInput };
}

export { CONTACTS_HINT };
