import { describe, expect, it } from 'vitest';
import { Dorm, FormSession, Post, Staff } from '../../../src/models/index.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';

/*
 * handlers/foundation/staff.ts, the admin's staff commands: names of people, posts and dorms are
 * compared with spaces, punctuation, case and width folded (#18), and kept as first written.
 */

const { chat } = useTestBot('foundation_staff', {
  config: testConfig({ BOT_ADMINS: 'console:boss' }),
  seed: async () => {
    await Staff.create({
      name: '张三',
      phone: '13800000001',
      roles: ['team_leader'],
      post: '万达广场',
      dorm: '城南宿舍',
    });
    await Staff.create({ name: '李四', phone: '13800000002', roles: ['guard'] });
    await Post.create({ name: '万达广场' });
    await Dorm.create({ name: '城南宿舍' });
  },
});

const say = async (text: string) => (await chat.say('boss', text)).join('\n');

describe('#18 people are found however their name is spaced', () => {
  it('人员 张 三 shows 张三, and 停用 张 三 disables him', async () => {
    expect(await say('人员 张 三')).toContain('员工档案：张三');
    expect(await say('人员 张·三')).toContain('员工档案：张三');
    expect(await say('停用 张 三')).toContain('已停用 张三');
    expect((await Staff.findOne({ phone: '13800000001' }).lean())!.active).toBe(false);
  });

  it('still reads the first word as the person when more follows (人员 张三 万达广场), and says who is missing', async () => {
    expect(await say('人员 张三 万达广场')).toContain('员工档案：张三');
    expect(await say('人员 王 五')).toContain('没有找到「王 五」');
  });
});

describe('#18 a post or dorm typed another way is the one on record', () => {
  it('设置驻点 李四 万达 广场 and 设置宿舍 李四 城南 宿舍 make no second post or dorm', async () => {
    expect(await say('设置驻点 李四 万达 广场')).toContain('已把 李四 的驻点设为：万达广场');
    expect(await say('设置宿舍 李四 城南 宿舍')).toContain('已把 李四 的宿舍设为：城南宿舍');
    expect((await Post.find().lean()).map((p) => p.name)).toEqual(['万达广场']);
    expect((await Dorm.find().lean()).map((d) => d.name)).toEqual(['城南宿舍']);
    expect(await Staff.findOne({ name: '李四' }).lean()).toMatchObject({ post: '万达广场', dorm: '城南宿舍' });
    expect(await say('驻点列表')).toContain('万达广场：2 人');
    expect(await say('人员列表 万达 广场')).toContain('李四');
  });

  it('添加人员 with 驻点 「万达 广场」 and 宿舍 「城南 宿舍」 files the new person under the places on record', async () => {
    const reply = await say('添加人员\n姓名: 王五\n电话: 13800000003\n角色: 队员\n驻点: 万达 广场\n宿舍: 城南 宿舍');
    expect(reply).toContain('驻点：万达广场　宿舍：城南宿舍');
    expect(await Post.countDocuments()).toBe(1);
    expect(await Dorm.countDocuments()).toBe(1);
  });
});

describe('添加人员 checks at the question, and warns of namesakes', () => {
  it('refuses a phone already on file at the phone question, not after every other question', async () => {
    await say('添加人员');
    await say('王五');
    const reply = await say('+86 138 0000 0001');
    expect(reply).toContain('已属于 张三');
    expect(reply).toContain('请输入手机号');
    // the name is kept; only the phone is asked again
    expect((await FormSession.findOne().lean())?.values).toEqual({ name: '王五' });
    expect(await say('13800000009')).toContain('角色');
  });

  it('adding a second 张三 adds him and shows the 张三 already on file', async () => {
    const reply = await say('添加人员\n姓名: 张三\n电话: 13800000005\n角色: 队员\n驻点: 万达广场\n宿舍: 城南宿舍');
    expect(reply).toContain('员工档案：张三');
    expect(reply).toContain('已有同名员工：张三 13800000001 万达广场');
    expect(await Staff.countDocuments({ name: '张三' })).toBe(2);
  });
});

describe('人员列表 reads list words as every list does', () => {
  it('人员列表 全部 lists everyone (全部 is no post), 人员列表 停用 the disabled only', async () => {
    const all = await say('人员列表 全部');
    expect(all).toContain('人员 2 人');
    expect(all).toContain('张三');
    expect(all).toContain('李四');
    await say('停用 李四');
    const off = await say('人员列表 停用');
    expect(off).toContain('李四');
    expect(off).not.toContain('张三');
  });
});
