import { z } from 'zod';
import { parseRoles } from '../core/roles.ts';
import { echo, parseMobile } from '../core/text.ts';
import type { Role } from '../core/types.ts';

/**
 * One staff member as people write it (roster rows, the 添加人员 form): Chinese headers, roles as
 * Chinese words, phone with or without +86. Errors are Chinese because they are shown to admins.
 */
export const staffInputSchema = z.object({
  name: z.string({ error: '姓名不能为空' }).trim().min(1, '姓名不能为空').max(20, '姓名太长（最多 20 个字）'),
  phone: z
    .string({ error: '电话不能为空' })
    .trim()
    .min(1, '电话不能为空')
    .transform((v, ctx) => {
      const p = parseMobile(v);
      if (!p) {
        ctx.addIssue({ code: 'custom', message: `电话「${echo(v)}」不是 11 位手机号` });
        return z.NEVER;
      }
      return p;
    }),
  roles: z
    .string({ error: '角色不能为空' })
    .trim()
    .min(1, '角色不能为空')
    .transform((v, ctx): Role[] => {
      const { roles, unknown } = parseRoles(v);
      if (unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `角色「${echo(unknown.join('、'))}」不认识，可用：队员、队长、司机、综合部、财务部、董事长、客服部、人防部、行政部`,
        });
        return z.NEVER;
      }
      if (!roles.length) {
        ctx.addIssue({ code: 'custom', message: '角色不能为空' });
        return z.NEVER;
      }
      return roles;
    }),
  post: z.string().trim().max(40, '驻点名称太长').default(''),
  dorm: z.string().trim().max(40, '宿舍名称太长').default(''),
  active: z
    .string()
    .trim()
    .default('')
    .transform((v, ctx) => {
      if (v === '' || ['在职', '启用', '是', '正常'].includes(v)) return true;
      if (['离职', '停用', '否'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `状态「${echo(v)}」只能是 在职 或 离职` });
      return z.NEVER;
    }),
  note: z.string().trim().max(200, '备注太长').default(''),
});

export type StaffInput = z.output<typeof staffInputSchema>;

/** First message of each failing field, joined for one line of feedback. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('；');
}
