import type { Model } from 'mongoose';
import type { Config } from '../config.ts';
import { checkDatabase, withDatabase } from './doctor-database.ts';
import type { Finding } from './doctor-finding.ts';
import { checkLark } from './doctor-lark.ts';
import { checkWechat } from './doctor-wechat.ts';

/**
 * `npm run doctor`: each setting checked against the live service it names, without sending a
 * message, logging the WeChat account in or writing to the database. Every finding is one line in
 * plain words with what to do about it. What only a real message can prove is said as such.
 */

export interface DoctorOptions {
  models: readonly Model<any>[];
  wechatTimeoutMs?: number;
}

/** Every check the configuration calls for, in the order a message travels: database, Lark, WeChat. */
export async function runDoctor(config: Config, opts: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = [{ status: 'ok', name: '配置', detail: '所有变量格式正确' }];
  const db = await withDatabase(config, async (database, label) => [
    { status: 'ok', name: '数据库', detail: `已连接 ${label}` } as Finding,
    ...(await checkDatabase(database, opts.models)),
  ]);
  findings.push(...(Array.isArray(db) ? db : [db]));
  if (config.lark) findings.push(...(await checkLark(config.lark)));
  else findings.push({ status: 'info', name: '飞书', detail: '没有设 LARK_APP_ID / LARK_APP_SECRET，不用飞书' });
  if (config.wechat) findings.push(...(await checkWechat(config.wechat, opts.wechatTimeoutMs)));
  else
    findings.push({ status: 'info', name: '微信', detail: '没有设 WECHATY_PUPPET_SERVICE_TOKEN / ENDPOINT，不用微信' });
  return findings;
}
