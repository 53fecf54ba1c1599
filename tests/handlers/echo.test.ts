import { describe, expect, it } from 'vitest';
import { Staff } from '../../src/models/index.ts';
import { testConfig, useTestBot } from '../helpers/harness.ts';

/*
 * What someone typed and is quoted back to them (「…」) is cut short and cleaned: an argument as long
 * as a command line may be, full of NULs, comes back as a short, printable quote, wherever it is
 * echoed. A longer first line is no command at all (#21) and is not quoted.
 */

const { chat } = useTestBot('echo', {
  config: testConfig({ BOT_ADMINS: 'console:boss' }),
  seed: () => Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' }),
});

const HUGE = `孙${'\u0000队员'.repeat(3334)}`; // 10,003 characters, a third of them NUL
/** As long as an argument can be within a command's first line (COMMAND_LINE_MAX), a third NUL. */
const LONG = `孙${'\u0000队员'.repeat(160)}`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

describe('echoes of user text', () => {
  it.each([
    ['人员', `人员 ${LONG}`, '没有找到'],
    ['人员列表', `人员列表 ${LONG}`, '的人员'],
    ['设置角色', `设置角色 张三 ${LONG}`, '不认识'],
    ['投诉', `投诉 ${LONG}`, '不是受理编号'],
    ['not understood', LONG, '没有听懂'],
    ['a 10,000-character line, no command', `人员 ${HUGE}`, '不像命令'],
  ])('%s quotes at most 20 characters, without NUL or control characters', async (_name, text, expected) => {
    const replies = await chat.say('boss', text);
    expect(replies).toHaveLength(1);
    const [reply] = replies as [string];
    expect(reply).toContain(expected);
    expect(reply).not.toMatch(CONTROL);
    expect(reply.length).toBeLessThan(200);
    const quoted = /「([^」]*)」/.exec(reply)?.[1] ?? '';
    expect(Array.from(quoted).length).toBeLessThanOrEqual(21);
  });

  it('refuses a 480-character 驻点 instead of storing and echoing it', async () => {
    const [reply] = await chat.say('boss', `设置驻点 张三 ${'万'.repeat(480)}`);
    expect(reply).toContain('驻点名称太长');
    expect(reply!.length).toBeLessThan(200);
    expect((await Staff.findOne({ name: '张三' }).lean())?.post).toBe('万达广场');
  });
});
