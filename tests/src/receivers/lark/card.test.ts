import { describe, expect, it } from 'vitest';
import { renderLarkCard } from '../../../../src/receivers/lark/card.ts';

describe('renderLarkCard', () => {
  // #21: 帮助 on Lark folds each workflow; the shape is Lark card JSON 2.0's collapsible_panel
  it('shows a card section as a collapsible panel, folded unless expanded, its lines inside', () => {
    const json = renderLarkCard({
      title: '帮助',
      lines: ['• 报销　填写一项报销明细'],
      sections: [
        { title: '费用报销', lines: ['• 报销', '• 提交报销'] },
        { title: '车辆管理', lines: ['• 出车 粤B12345'], expanded: true },
      ],
    });
    const elements = (json.body as { elements: Record<string, unknown>[] }).elements;
    expect(elements.map((e) => e.tag)).toEqual(['markdown', 'collapsible_panel', 'collapsible_panel']);
    const [folded, open] = elements.slice(1) as {
      expanded: boolean;
      header: { title: { tag: string; content: string } };
      elements: { tag: string; content: string }[];
    }[];
    expect(folded!.expanded).toBe(false);
    expect(open!.expanded).toBe(true);
    expect(folded!.header.title).toEqual({ tag: 'markdown', content: '**费用报销**' });
    expect(folded!.elements).toEqual([{ tag: 'markdown', content: '• 报销\n• 提交报销' }]);
  });
});
