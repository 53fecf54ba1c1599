import type * as lark from '@larksuiteoapi/node-sdk';

/*
 * A card's pictures on Lark (Card.pictures, refs `lark:<message_id>:<image_key>`). A card's own image
 * element needs an image_key of the app's, so showing a picture people sent inside a card would mean
 * downloading and uploading it again; instead the message that carried each picture is forwarded
 * after the card (im/v1/messages/:message_id/forward), where the reader sees and opens it as sent.
 */

/** Between two forwards: Lark takes 5 messages a second in one chat, and the card went just before. */
export const FORWARD_SPACING_MS = 220;

/** The message ids of the Lark pictures among `refs`; pictures sent on another channel are left out. */
export function larkPictureMessages(refs: readonly string[]): string[] {
  return refs.flatMap((r) => /^lark:([^:]+):/.exec(r)?.[1] ?? []);
}

/** The uuid of a card's `i`th forwarded picture (Lark's uuid: at most 50 characters; the card's is 32). */
export function forwardUuid(cardUuid: string, i: number): string {
  return `${cardUuid.slice(0, 40)}-p${i}`;
}

/**
 * Forwards each Lark picture of `refs`, spaced, each with a uuid derived from the card's so a re-run
 * of the same reply forwards each picture once.
 */
export async function forwardEach(
  refs: readonly string[],
  cardUuid: string | undefined,
  forward: (messageId: string, uuid?: string) => Promise<void>,
): Promise<void> {
  for (const [i, messageId] of larkPictureMessages(refs).entries()) {
    await new Promise((r) => setTimeout(r, FORWARD_SPACING_MS));
    await forward(messageId, cardUuid ? forwardUuid(cardUuid, i) : undefined);
  }
}

/** Forwards a card's Lark pictures to where the card went, each through `call` (the receiver's error handling). */
export async function forwardPictures(
  client: lark.Client,
  call: (fn: () => Promise<{ code?: number; msg?: string }>) => Promise<unknown>,
  refs: readonly string[],
  to: { receiveIdType: 'chat_id' | 'open_id'; receiveId: string; uuid?: string },
): Promise<void> {
  await forwardEach(refs, to.uuid, async (messageId, uuid) => {
    await call(() =>
      client.im.message.forward({
        path: { message_id: messageId },
        params: { receive_id_type: to.receiveIdType, ...(uuid ? { uuid } : {}) },
        data: { receive_id: to.receiveId },
      }),
    );
  });
}
