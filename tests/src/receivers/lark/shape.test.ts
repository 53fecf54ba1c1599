import { describe, expect, it } from 'vitest';
import { cardPayloadProblem, MAX_PAYLOAD_DEPTH, payloadProblem } from '../../../../src/receivers/lark/shape.ts';
import { cardActionEvent, loadFixture, messageEvent } from '../../../helpers/lark-standin.ts';

describe('payloadProblem', () => {
  it("passes Lark's own recorded payloads", () => {
    expect(payloadProblem(loadFixture('im.message.receive_v1'))).toBeUndefined();
    expect(payloadProblem(loadFixture('card.action.trigger'))).toBeUndefined();
    const form = cardActionEvent({
      token: 't',
      openId: 'ou',
      value: { action: 'form.submit', form: 'staff.add' },
      formValue: { name: '张三', phone: '1' },
      messageId: 'om',
      chatId: 'oc',
    });
    expect(payloadProblem(form)).toBeUndefined();
  });

  it('names $ keys, dotted keys and nesting past the limit, without overflowing on 100,000 levels', () => {
    const msg = messageEvent({ token: 't', openId: 'ou', text: 'x' });
    expect(payloadProblem({ ...msg, event: { ...msg.event, $where: 1 } })).toMatch(/\$/);
    expect(payloadProblem({ a: [{ 'b.c': 1 }] })).toMatch(/dot/);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(payloadProblem(deep)).toMatch(/deeper/);
    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_PAYLOAD_DEPTH; i++) ok = { k: ok };
    expect(payloadProblem(ok)).toBeUndefined();
    expect(payloadProblem({ k: ok })).toMatch(/deeper/);
  });

  it('checks a card value sent as a JSON string as it will be parsed', () => {
    expect(cardPayloadProblem({ action: { value: '{"action":"x","$gt":""}' } })).toMatch(/\$/);
    expect(cardPayloadProblem({ action: { value: '{"action":"x"}' } })).toBeUndefined();
    expect(cardPayloadProblem({ action: { value: 'not json' } })).toBeUndefined();
  });
});
