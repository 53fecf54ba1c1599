import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Receiver } from './core/types.ts';
import { LarkReceiver } from './receivers/lark/index.ts';
import { WechatyReceiver } from './receivers/wechaty.ts';

/** The receivers the configuration turns on (the console is added by main.ts). */
export function channelReceivers(config: Config, log: Logger): Receiver[] {
  const out: Receiver[] = [];
  if (config.lark) {
    if (config.lark.eventMode === 'webhook' && !config.lark.encryptKey) {
      log.warn('LARK_ENCRYPT_KEY is not set: webhook events are checked by the verification token only, with no signature');
    }
    out.push(new LarkReceiver(config.lark, log));
  }
  if (config.wechat) out.push(new WechatyReceiver(config.wechat, log));
  return out;
}
