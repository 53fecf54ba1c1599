import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Receiver } from './core/types.ts';

/** The receivers the configuration turns on (the console is added by main.ts). */
export async function channelReceivers(config: Config, log: Logger): Promise<Receiver[]> {
  const out: Receiver[] = [];
  void config;
  void log;
  return out;
}
