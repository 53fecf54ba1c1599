import type { Config } from '../config.ts';
import { fetchBotInfo } from '../receivers/lark/identity.ts';
import { type Finding, TIMEOUT_MS } from './doctor-finding.ts';

/* `npm run doctor`'s Lark checks: the token, the bot's identity and its scopes, by reading only. */

export function larkBaseUrl(domain: string): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain.replace(/\/+$/, '');
}

/**
 * The scopes the bot needs, each satisfied by any one of its names (Lark's docs list alternatives:
 * the older names still count). Order: how a message flows in and out.
 */
export const LARK_SCOPES: readonly { what: string; anyOf: readonly string[]; optional?: true }[] = [
  { what: '收私聊消息', anyOf: ['im:message.p2p_msg:readonly', 'im:message.p2p_msg'] },
  {
    what: '收群里 @机器人 的消息',
    anyOf: ['im:message.group_at_msg:readonly', 'im:message.group_at_msg', 'im:message.group_msg'],
  },
  { what: '以机器人身份发消息', anyOf: ['im:message:send_as_bot', 'im:message', 'im:message:send'] },
  { what: '更新已发的卡片', anyOf: ['im:message:update', 'im:message', 'im:message:send_as_bot'] },
  { what: '群里不 @ 也能用「/命令」', anyOf: ['im:message.group_msg'], optional: true },
];

const BOT_STATUS: Record<number, string> = {
  0: '初始化，租户待安装',
  1: '租户停用了这个应用',
  3: '安装后待启用',
  4: '升级后待启用',
  5: 'license 过期停用',
  6: '套餐到期或降级停用',
};

async function larkJson(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { msg: text.slice(0, 200) };
  }
  return { status: res.status, body };
}

/** Token, bot identity and scopes; reads only (GET, and the token call). */
export async function checkLark(lark: NonNullable<Config['lark']>): Promise<Finding[]> {
  const base = larkBaseUrl(lark.domain);
  const out: Finding[] = [];
  let token: string;
  try {
    const { status, body } = await larkJson(`${base}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: lark.appId, app_secret: lark.appSecret }),
    });
    if (body.code !== 0 || typeof body.tenant_access_token !== 'string') {
      out.push({
        status: 'fail',
        name: '飞书凭证',
        detail: `飞书不认这对 App ID / App Secret（HTTP ${status}，code ${String(body.code)} ${String(body.msg ?? '')}）`,
        fix: '在开发者后台「凭证与基础信息」复制 App ID 和 App Secret，填到 LARK_APP_ID、LARK_APP_SECRET（国际版 Lark 的应用还要设 LARK_DOMAIN=lark）',
      });
      return out;
    }
    token = body.tenant_access_token;
    out.push({ status: 'ok', name: '飞书凭证', detail: `拿到了 tenant_access_token（${lark.appId}）` });
  } catch (err) {
    out.push({
      status: 'fail',
      name: '飞书凭证',
      detail: `连不上 ${base}：${(err as Error).message}`,
      fix: '检查 LARK_DOMAIN（feishu、lark 或完整网址）和这台机器的外网、代理',
    });
    return out;
  }
  const auth = { authorization: `Bearer ${token}` };

  try {
    // the same request and reading as the receiver's at start (who a group message must @)
    const answer = await fetchBotInfo(async (path) => (await larkJson(`${base}${path}`, { headers: auth })).body);
    if (!answer.ok) {
      out.push({
        status: 'fail',
        name: '飞书机器人',
        detail: `读不到机器人信息（code ${String(answer.code)} ${answer.msg}）`,
        fix: '在开发者后台「添加应用能力」里加上「机器人」，再「创建版本」并发布',
      });
    } else if (answer.bot.activateStatus !== undefined && answer.bot.activateStatus !== 2) {
      const { bot } = answer;
      out.push({
        status: 'fail',
        name: '飞书机器人',
        detail: `${bot.appName ?? ''}（${bot.openId}）状态：${BOT_STATUS[bot.activateStatus!] ?? `activate_status ${bot.activateStatus}`}`,
        fix: '让企业管理员在飞书管理后台「工作台 → 应用管理」里启用这个应用',
      });
    } else {
      out.push({
        status: 'ok',
        name: '飞书机器人',
        detail: `${answer.bot.appName ?? ''}，open_id ${answer.bot.openId}`,
      });
    }
  } catch (err) {
    out.push({
      status: 'fail',
      name: '飞书机器人',
      detail: `读机器人信息失败：${(err as Error).message}`,
      fix: '稍后再试；一直失败请检查网络',
    });
  }

  try {
    const { body } = await larkJson(`${base}/open-apis/application/v6/scopes`, { headers: auth });
    const scopes = (
      (body.data as { scopes?: { scope_name?: string; grant_status?: number }[] } | undefined)?.scopes ?? []
    ).filter((s) => s.scope_name);
    if (body.code !== 0) {
      out.push({
        status: 'warn',
        name: '飞书权限',
        detail: `读不到权限列表（code ${String(body.code)} ${String(body.msg ?? '')}）`,
        fix: `请在开发者后台「权限管理」手动核对：${LARK_SCOPES.filter((s) => !s.optional)
          .map((s) => s.anyOf[0])
          .join('、')}`,
      });
    } else {
      const granted = new Set(scopes.filter((s) => s.grant_status === 1).map((s) => s.scope_name!));
      const requested = new Set(scopes.map((s) => s.scope_name!));
      for (const need of LARK_SCOPES) {
        const have = need.anyOf.find((s) => granted.has(s));
        if (have) {
          out.push({ status: 'ok', name: `飞书权限：${need.what}`, detail: have });
          continue;
        }
        const pending = need.anyOf.find((s) => requested.has(s));
        if (need.optional) {
          out.push({
            status: 'info',
            name: `飞书权限：${need.what}`,
            detail: `没有 ${need.anyOf[0]}（敏感权限，需管理员审批）：群里的人要 @机器人，单发「/帮助」收不到`,
          });
        } else if (pending) {
          out.push({
            status: 'fail',
            name: `飞书权限：${need.what}`,
            detail: `${pending} 已申请，还没批准`,
            fix: '请企业管理员在飞书管理后台审核这个应用的权限申请',
          });
        } else {
          out.push({
            status: 'fail',
            name: `飞书权限：${need.what}`,
            detail: `没有开通 ${need.anyOf[0]}`,
            fix: `开发者后台「权限管理」开通 ${need.anyOf[0]}，然后「创建版本」发布（不发布不生效）`,
          });
        }
      }
    }
  } catch (err) {
    out.push({
      status: 'warn',
      name: '飞书权限',
      detail: `读权限列表失败：${(err as Error).message}`,
      fix: '请在开发者后台「权限管理」手动核对',
    });
  }

  if (lark.eventMode === 'webhook' && !lark.encryptKey) {
    out.push({
      status: 'warn',
      name: '飞书加密',
      detail: 'webhook 模式没有设 LARK_ENCRYPT_KEY：推送不加密，也不验签名',
      fix: '在「事件与回调 → 加密策略」生成 Encrypt Key，填到 LARK_ENCRYPT_KEY',
    });
  }
  out.push({
    status: 'info',
    name: '飞书事件',
    detail:
      lark.eventMode === 'ws'
        ? '订阅方式（长连接）、事件 im.message.receive_v1 和回调 card.action.trigger 是否配好、机器人在哪些群，不发消息查不出来：启动后私聊机器人发「帮助」，再点一下卡片按钮'
        : `订阅方式（发送至开发者服务器：https://<你的域名>/lark/events）、事件 im.message.receive_v1 和回调 card.action.trigger 是否配好，不发消息查不出来：启动后私聊机器人发「帮助」，再点一下卡片按钮`,
  });
  return out;
}
