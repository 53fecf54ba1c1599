import { createRequire } from 'node:module';
import path from 'node:path';
import { grpc, puppet as grpcPuppet } from 'wechaty-grpc';
import type { Config } from '../config.ts';
import { type Finding, TIMEOUT_MS } from './doctor-finding.ts';

/* `npm run doctor`'s WeChat check: the puppet service reached over gRPC, without logging the account in. */

/** The CA wechaty-puppet-service trusts for its built-in certificate (not exported by the package). */
function wechatyCaCert(): Buffer {
  if (process.env.WECHATY_PUPPET_SERVICE_TLS_CA_CERT)
    return Buffer.from(process.env.WECHATY_PUPPET_SERVICE_TLS_CA_CERT.replace(/\\n/g, '\n'));
  const require = createRequire(import.meta.url);
  const entry = require.resolve('wechaty-puppet-service');
  const { TLS_CA_CERT } = require(path.join(path.dirname(entry), 'auth', 'ca.js')) as { TLS_CA_CERT: string };
  return Buffer.from(TLS_CA_CERT);
}

/**
 * Asks the puppet service for its version (the `Version` call) with the token, as the bot's client
 * would connect: the endpoint answers, TLS matches, the token is accepted. It never calls `Start`,
 * so the WeChat account is not logged in and nothing is sent.
 */
export async function checkWechat(wechat: NonNullable<Config['wechat']>, timeoutMs = TIMEOUT_MS): Promise<Finding[]> {
  const token = wechat.token;
  const sni = token.slice(0, token.lastIndexOf('_'));
  const credentials = wechat.noTlsInsecureClient
    ? grpc.credentials.createInsecure()
    : grpc.credentials.createSsl(wechatyCaCert());
  const client = new grpcPuppet.PuppetClient(wechat.endpoint, credentials, {
    'grpc.ssl_target_name_override': sni,
    // what the wechaty client sends as the token on a channel without TLS
    'grpc.default_authority': token,
  });
  try {
    const metadata = new grpc.Metadata();
    metadata.add('authorization', `Wechaty ${token}`);
    const version = await new Promise<string>((resolve, reject) => {
      client.version(
        new grpcPuppet.VersionRequest(),
        metadata,
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, res?: { getVersion(): string }) =>
          err ? reject(err) : resolve(res?.getVersion() ?? ''),
      );
    });
    return [
      {
        status: 'ok',
        name: '微信 puppet 服务',
        detail: `${wechat.endpoint} 可以连上，token 有效${version ? `（puppet 版本 ${version}）` : ''}`,
      },
      {
        status: 'info',
        name: '微信登录',
        detail: '微信号是否已登录、在哪些群里，不启动查不出来：启动后看日志里的 logged in，或要扫码的提示（scan）',
      },
    ];
  } catch (err) {
    const e = err as { code?: number; details?: string; message?: string };
    if (e.code === grpc.status.UNAUTHENTICATED || e.code === grpc.status.PERMISSION_DENIED) {
      return [
        {
          status: 'fail',
          name: '微信 puppet 服务',
          detail: `${wechat.endpoint} 拒绝了这个 token（${e.details ?? e.message}）`,
          fix: '核对 WECHATY_PUPPET_SERVICE_TOKEN，和服务商给的一字不差',
        },
      ];
    }
    const tlsHint = wechat.noTlsInsecureClient
      ? '；网关要是开了 TLS，去掉 WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT'
      : '；网关没开 TLS 的话，设 WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT=true';
    return [
      {
        status: 'fail',
        name: '微信 puppet 服务',
        detail: `连不上 ${wechat.endpoint}（${e.code === grpc.status.DEADLINE_EXCEEDED ? `${Math.round(timeoutMs / 1000)} 秒没有回应` : (e.details ?? e.message)}）`,
        fix: `检查 WECHATY_PUPPET_SERVICE_ENDPOINT（host:port）、网关是否在运行、防火墙${tlsHint}`,
      },
    ];
  } finally {
    client.close();
  }
}
