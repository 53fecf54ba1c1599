import { describe, expect, it } from 'vitest';
import { readTicked, tickedLabels } from '../../../src/core/form-options.ts';

const OPTIONS = [
  { label: '1. 张三', value: '1' },
  { label: '2. 李四', value: '2' },
  { label: '3. 王五', value: '3' },
];

describe('a form card list to tick (multi_select_static)', () => {
  it('reads the ticked option values, once each; nothing ticked is an empty list', () => {
    expect(readTicked(['3', '1', '3'], OPTIONS, '未归')).toEqual({ ok: true, values: ['3', '1'] });
    expect(readTicked(undefined, OPTIONS, '未归')).toEqual({ ok: true, values: [] });
    expect(readTicked([], OPTIONS, '未归')).toEqual({ ok: true, values: [] });
    // what a receiver that flattens lists to text would send
    expect(readTicked('1,2', OPTIONS, '未归')).toEqual({ ok: true, values: ['1', '2'] });
  });

  it('refuses a value the card never offered, or something that is not a list of values, with a Chinese error', () => {
    expect(readTicked(['1', '7'], OPTIONS, '未归')).toEqual({ ok: false, error: '「7」不在未归的选项里，请重新勾选' });
    expect(readTicked([{ value: '1' }], OPTIONS, '请假')).toEqual({ ok: false, error: '请假的选择无效，请重新勾选' });
    expect(readTicked({ 0: '1' }, OPTIONS, '请假')).toEqual({ ok: false, error: '请假的选择无效，请重新勾选' });
  });

  it('shows an answer by the options’ labels', () => {
    expect(tickedLabels('1 3', OPTIONS)).toBe('1. 张三、3. 王五');
  });
});
