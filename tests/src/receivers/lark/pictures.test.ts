import { describe, expect, it } from 'vitest';
import { forwardEach, forwardUuid, larkPictureMessages } from '../../../../src/receivers/lark/pictures.ts';

describe('a card’s pictures on Lark (Card.pictures)', () => {
  it('forwards the messages of Lark pictures only, each once per card uuid, within Lark’s 50-character uuid', async () => {
    const refs = ['lark:om_1:img_a', 'wechat:123', 'console:x.jpg', 'lark:om_2:img_b'];
    expect(larkPictureMessages(refs)).toEqual(['om_1', 'om_2']);
    const sent: [string, string | undefined][] = [];
    await forwardEach(refs, 'f'.repeat(32), async (id, uuid) => void sent.push([id, uuid]));
    expect(sent).toEqual([
      ['om_1', `${'f'.repeat(32)}-p0`],
      ['om_2', `${'f'.repeat(32)}-p1`],
    ]);
    expect(forwardUuid('f'.repeat(64), 12).length).toBeLessThanOrEqual(50);
  });
});
