import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../logger.ts';
import { sdkLogger } from './errors.ts';
import type { LarkCardActionData, LarkMessageEventData } from './payload.ts';

// ─────────────────────────────────────────────────────────────────────────────
// The long connection (LARK_EVENT_MODE=ws): the SDK's WSClient calls Lark's endpoint, keeps a
// WebSocket open and hands each pushed event to its EventDispatcher. A handler's return value goes
// back in the frame's ACK (a card callback's toast); a handler that throws is ACKed with code 500,
// and Lark pushes that event again, as it does when the ACK takes over 3 s.
// ─────────────────────────────────────────────────────────────────────────────

/**
 * The SDK pings every 2 minutes (Lark's ClientConfig.PingInterval). With no frame from Lark within
 * this many seconds of a ping, the link is dead without having closed (a NAT or proxy dropped it):
 * the SDK hangs up and reconnects. Unset, such a link lasts until TCP gives up, many minutes in
 * which Lark's pushes reach nobody.
 */
export const WS_PONG_TIMEOUT_SECONDS = 10;

/** Timing a test may shorten. */
export interface LarkTuning {
  pongTimeoutSeconds?: number;
  /** Backoff of the bot identity's retries at start (identity.ts IDENTITY_RETRY). */
  identityRetry?: { minTimeout?: number; maxTimeout?: number; factor?: number };
}

export interface LongConnectionHandlers {
  /** Resolves once the message is recorded; throws to have Lark push it again. */
  message(data: LarkMessageEventData): Promise<void>;
  /** The callback's answer (`{toast, card}` or `{}`), within 3 s. */
  cardAction(data: LarkCardActionData): Promise<unknown>;
  ready(): void;
  reconnecting(): void;
  reconnected(): void;
  /** The SDK stopped trying (refused credentials, or reconnects exhausted). */
  gaveUp(err: Error): void;
}

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: lark.Domain | string;
  encryptKey?: string;
  verificationToken?: string;
}

/** The WSClient and how to start it; once started it connects (and reconnects) in the background. */
export function longConnection(
  opts: LongConnectionOptions,
  log: Logger,
  tuning: LarkTuning,
  h: LongConnectionHandlers,
): { client: lark.WSClient; start(): Promise<void> } {
  const dispatcher = new lark.EventDispatcher({
    encryptKey: opts.encryptKey,
    verificationToken: opts.verificationToken,
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.info,
  }).register<Record<string, (data: never) => Promise<unknown>>>({
    'im.message.receive_v1': (data: LarkMessageEventData) => h.message(data),
    // a card callback comes as an event frame when the app's callback subscription uses the long connection
    'card.action.trigger': (data: LarkCardActionData) => h.cardAction(data),
  });
  const client = new lark.WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.domain,
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.info,
    wsConfig: { pingTimeout: tuning.pongTimeoutSeconds ?? WS_PONG_TIMEOUT_SECONDS },
    onReady: h.ready,
    onReconnecting: h.reconnecting,
    onReconnected: h.reconnected,
    onError: h.gaveUp,
  });
  return { client, start: () => client.start({ eventDispatcher: dispatcher }) };
}
