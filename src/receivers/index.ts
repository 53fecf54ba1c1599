import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Config } from '../config.ts';
import type { Receiver } from '../core/types.ts';
import type { Logger } from '../logger.ts';
import { CONSOLE_ADMIN, ConsoleReceiver } from './console.ts';
import { LarkReceiver } from './lark/index.ts';
import { WechatyReceiver } from './wechaty.ts';

/** The terminal a console chat runs on, and what to do when it is closed (Ctrl+D). */
export interface ConsoleIo {
  input: Readable;
  output: Writable;
  onClose(): void;
}

/**
 * The receivers the configuration turns on: the one place that knows which platforms exist.
 * The console, when on, is given its streams here; its operator is an admin (`console:admin`),
 * since whoever has the terminal has the machine anyway.
 */
export function receiversFrom(config: Config, log: Logger, consoleIo?: ConsoleIo): Receiver[] {
  const out: Receiver[] = [];
  if (config.lark) {
    if (config.lark.eventMode === 'webhook' && !config.lark.encryptKey) {
      log.warn(
        'LARK_ENCRYPT_KEY is not set: webhook events are checked by the verification token only, with no signature',
      );
    }
    out.push(new LarkReceiver(config.lark, log));
  }
  if (config.wechat) out.push(new WechatyReceiver(config.wechat, log));
  if (config.console && consoleIo) {
    if (!config.admins.includes(`console:${CONSOLE_ADMIN}`)) config.admins.push(`console:${CONSOLE_ADMIN}`);
    // alone, the console stands in for everyone's phone: what the bot sends anyone shows there
    out.push(
      new ConsoleReceiver(consoleIo.input, consoleIo.output, consoleIo.onClose, {
        everyone: !config.lark && !config.wechat,
        filesDir: path.join(config.dataDir, 'exports'),
      }),
    );
  }
  return out;
}
