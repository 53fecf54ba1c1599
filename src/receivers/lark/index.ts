// Lark / Feishu receiver, split along its sections: payload conversion, webhook checks, the long
// connection, outgoing calls, API errors, card JSON and the receiver itself.
export * from './card.ts';
export * from './errors.ts';
export * from './identity.ts';
export * from './long-connection.ts';
export * from './outgoing.ts';
export * from './payload.ts';
export * from './receiver.ts';
export * from './sending.ts';
export * from './shape.ts';
export * from './webhook.ts';
