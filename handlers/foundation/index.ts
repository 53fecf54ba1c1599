import type { Workflow } from '../../src/core/workflow.ts';
import { help, whoami } from './help.ts';
import { bind, bindCodeFromCard, issueBindCode } from './bind.ts';
import { BindCode, GrantRequest } from './models.ts';
import { foundationSettings } from './settings.ts';
import {
  addStaff,
  addStaffForm,
  disableStaff,
  enableStaff,
  listPosts,
  listStaff,
  setActiveFromCard,
  setDorm,
  setPost,
  setRoles,
  showStaff,
} from './staff.ts';
import { confirmGrant, grantFromCard, refuseGrant } from './roles.ts';
import { showAudit } from './audit.ts';

/** Help, binding and staff management: what every deployment starts with. */
export const foundation: Workflow = {
  name: 'foundation',
  title: '基本与人员管理',
  topic: '人员',
  forms: [addStaffForm],
  models: [BindCode, GrantRequest],
  settings: foundationSettings,
  commands: [
    { name: 'help', words: ['帮助', '菜单', 'help'], allow: 'anyone', summary: '查看你能用的命令', example: '帮助', handler: help },
    { name: 'bind', words: ['绑定', 'bind'], allow: 'anyone', summary: '用绑定码绑定你的员工身份', example: '绑定 K7P2QX9M', handler: bind },
    { name: 'whoami', rank: 3, words: ['我是谁', 'whoami'], allow: 'staff', summary: '查看你的身份和角色', example: '我是谁', handler: whoami },
    { name: 'staff.add', rank: 2, words: ['添加人员', 'addstaff'], allow: ['admin'], summary: '添加一名员工（按提示逐项填写）', example: '添加人员', handler: addStaff },
    { name: 'staff.list', rank: 2, words: ['人员列表', 'staff'], allow: ['admin'], summary: '列出人员，可按驻点或角色筛选', example: '人员列表 万达广场', handler: listStaff },
    { name: 'staff.show', rank: 2, words: ['人员', 'person'], allow: ['admin'], summary: '查看一名员工并停用/启用、生成绑定码', example: '人员 张三', handler: showStaff },
    { name: 'staff.bindcode', rank: 2, words: ['绑定码', 'bindcode'], allow: ['admin'], summary: '给员工生成一次性绑定码', example: '绑定码 张三', handler: issueBindCode },
    { name: 'staff.roles', rank: 3, words: ['设置角色', 'setroles'], allow: ['admin'], summary: '设置员工角色（可多个；不能改自己的；综合部、财务部、董事长、行政部须第二人确认）', example: '设置角色 张三 队长、司机', handler: setRoles },
    { name: 'staff.grant.confirm', rank: 2, words: ['确认授权', 'confirmgrant'], allow: ['admin', 'chairman'], summary: '确认别人发起的审批角色授权（发起人和本人不能确认）', example: '确认授权 QX-20261127-001', handler: confirmGrant },
    { name: 'staff.grant.refuse', rank: 3, words: ['拒绝授权', 'refusegrant'], allow: ['admin', 'chairman'], summary: '拒绝一项角色授权（可写原因）', example: '拒绝授权 QX-20261127-001 不需要财务权限', handler: refuseGrant },
    { name: 'staff.post', rank: 3, words: ['设置驻点', 'setpost'], allow: ['admin'], summary: '设置员工所在驻点', example: '设置驻点 张三 万达广场', handler: setPost },
    { name: 'staff.dorm', rank: 3, words: ['设置宿舍', 'setdorm'], allow: ['admin'], summary: '设置员工宿舍', example: '设置宿舍 张三 城南宿舍', handler: setDorm },
    { name: 'staff.disable', rank: 3, words: ['停用', 'disable'], allow: ['admin'], summary: '停用员工（离职等），并列出此人名下需要交接的事项', example: '停用 张三', handler: disableStaff },
    { name: 'staff.enable', rank: 3, words: ['启用', 'enable'], allow: ['admin'], summary: '重新启用员工', example: '启用 张三', handler: enableStaff },
    { name: 'audit.show', rank: 2, words: ['审计', 'audit'], allow: ['admin', 'chairman'], summary: '查看变更记录：谁、何时、改了什么（可按人名或编号、类型、期间筛选）', example: '审计 张三 角色 2026-11', handler: showAudit },
    { name: 'places.posts', rank: 3, words: ['驻点列表', 'posts'], allow: ['admin'], summary: '列出驻点和人数', example: '驻点列表', handler: listPosts },
  ],
  actions: [
    { action: 'staff.setActive', allow: ['admin'], handler: setActiveFromCard },
    { action: 'staff.bindCode', allow: ['admin'], handler: bindCodeFromCard },
    { action: 'staff.grant', allow: ['admin', 'chairman'], handler: grantFromCard },
  ],
};
