import type { Workflow } from '../../src/core/workflow.ts';
import { help, whoami } from './help.ts';
import { bind, bindCodeFromCard, issueBindCode } from './bind.ts';
import { BindCode } from './models.ts';
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

/** Help, binding and staff management: what every deployment starts with. */
export const foundation: Workflow = {
  name: 'foundation',
  title: '基本与人员管理',
  topic: '人员',
  forms: [addStaffForm],
  models: [BindCode],
  settings: foundationSettings,
  commands: [
    { name: 'help', words: ['帮助', '菜单', 'help'], allow: 'anyone', summary: '查看你能用的命令', example: '帮助', handler: help },
    { name: 'bind', words: ['绑定', 'bind'], allow: 'anyone', summary: '用绑定码绑定你的员工身份', example: '绑定 K7P2QX9M', handler: bind },
    { name: 'whoami', rank: 3, words: ['我是谁', 'whoami'], allow: 'staff', summary: '查看你的身份和角色', example: '我是谁', handler: whoami },
    { name: 'staff.add', rank: 2, words: ['添加人员', 'addstaff'], allow: ['admin'], summary: '添加一名员工（按提示逐项填写）', example: '添加人员', handler: addStaff },
    { name: 'staff.list', rank: 2, words: ['人员列表', 'staff'], allow: ['admin'], summary: '列出人员，可按驻点或角色筛选', example: '人员列表 万达广场', handler: listStaff },
    { name: 'staff.show', rank: 2, words: ['人员', 'person'], allow: ['admin'], summary: '查看一名员工并停用/启用、生成绑定码', example: '人员 张三', handler: showStaff },
    { name: 'staff.bindcode', rank: 2, words: ['绑定码', 'bindcode'], allow: ['admin'], summary: '给员工生成一次性绑定码', example: '绑定码 张三', handler: issueBindCode },
    { name: 'staff.roles', rank: 3, words: ['设置角色', 'setroles'], allow: ['admin'], summary: '设置员工角色（可多个）', example: '设置角色 张三 队长、司机', handler: setRoles },
    { name: 'staff.post', rank: 3, words: ['设置驻点', 'setpost'], allow: ['admin'], summary: '设置员工所在驻点', example: '设置驻点 张三 万达广场', handler: setPost },
    { name: 'staff.dorm', rank: 3, words: ['设置宿舍', 'setdorm'], allow: ['admin'], summary: '设置员工宿舍', example: '设置宿舍 张三 城南宿舍', handler: setDorm },
    { name: 'staff.disable', rank: 3, words: ['停用', 'disable'], allow: ['admin'], summary: '停用员工（离职等）', example: '停用 张三', handler: disableStaff },
    { name: 'staff.enable', rank: 3, words: ['启用', 'enable'], allow: ['admin'], summary: '重新启用员工', example: '启用 张三', handler: enableStaff },
    { name: 'places.posts', rank: 3, words: ['驻点列表', 'posts'], allow: ['admin'], summary: '列出驻点和人数', example: '驻点列表', handler: listPosts },
  ],
  actions: [
    { action: 'staff.setActive', allow: ['admin'], handler: setActiveFromCard },
    { action: 'staff.bindCode', allow: ['admin'], handler: bindCodeFromCard },
  ],
};
