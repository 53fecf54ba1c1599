import { IANAZone } from 'luxon';
import { z } from 'zod';
import { emptyToUndefined, intIn, optionalString, type SettingsSlice } from './core/settings.ts';

/**
 * Every setting the bot reads, parsed once at start-up. A bad value stops the bot with a message
 * that names the variable and how to fix it (see `ConfigError`). Keep `.env.example` and the
 * table in docs/configuration.md in step with this file.
 */

const identityList = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('')
    .transform((s, ctx) => {
      const out: string[] = [];
      for (const raw of s.split(/[,，\s]+/).filter(Boolean)) {
        const m = /^([a-z][a-z0-9]*):(.+)$/.exec(raw);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `"${raw}" is not channel:id (use lark:ou_xxx or wechat:wxid_xxx)` });
          continue;
        }
        out.push(`${m[1]}:${m[2]}`);
      }
      return out;
    }),
);

const coreShape = {
  // ── General ──
  BOT_TIMEZONE: z
    .preprocess(emptyToUndefined, z.string().default('Asia/Shanghai'))
    .refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as Asia/Shanghai'),
  BOT_ADMINS: identityList,
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  HTTP_PORT: intIn(0, 65535, 3000),
  HTTP_HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  FORM_IDLE_MINUTES: intIn(1, 24 * 60, 30),
  CARD_NUMBER_MINUTES: intIn(1, 24 * 60, 10),
  BOT_CONSOLE: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  INBOX_TAKEOVER_SECONDS: intIn(10, 3600, 30),

  // ── Database ──
  MONGODB_URI: optionalString.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v),
    'must start with mongodb:// or mongodb+srv://',
  ),

  // ── Lark / Feishu ──
  LARK_APP_ID: optionalString,
  LARK_APP_SECRET: optionalString,
  LARK_DOMAIN: z
    .preprocess(emptyToUndefined, z.string().default('feishu'))
    .refine(
      (v) => v === 'feishu' || v === 'lark' || /^https?:\/\/[^\s]+$/.test(v),
      'must be feishu, lark, or an http(s) URL',
    ),
  LARK_EVENT_MODE: z.preprocess(emptyToUndefined, z.enum(['ws', 'webhook']).default('ws')),
  LARK_VERIFICATION_TOKEN: optionalString,
  LARK_ENCRYPT_KEY: optionalString,

  // ── WeChat (Wechaty) ──
  WECHATY_PUPPET: z.preprocess(emptyToUndefined, z.string().default('wechaty-puppet-service')),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString.refine(
    (v) => v === undefined || v.includes('_'),
    'must contain "_" (the part before the last "_" is the TLS server name, e.g. insecure_<uuid>)',
  ),
  WECHATY_PUPPET_SERVICE_ENDPOINT: optionalString,
  WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: z.preprocess(
    emptyToUndefined,
    z.enum(['true', 'false']).default('false'),
  ),
  WECHAT_SEND_INTERVAL_MS: intIn(0, 60_000, 1000),
};
const coreSchema = z.object(coreShape);

export type RawConfig = z.infer<typeof coreSchema>;

/**
 * Every variable the bot reads with these workflows installed (docs/configuration.md and
 * .env.example list each one). The slices come from the caller (`composition.settings`): this file
 * never imports the composition, since every workflow imports the Config type through
 * src/core/context.ts.
 */
export function configVariables(slices: readonly SettingsSlice[]): string[] {
  return [...Object.keys(coreShape), ...slices.flatMap((s) => Object.keys(s.shape))];
}

export interface Config {
  timezone: string;
  admins: string[];
  logLevel: RawConfig['LOG_LEVEL'];
  dataDir: string;
  http: { port: number; host: string };
  formIdleMinutes: number;
  /**
   * On text channels a bare number presses a button of the latest card the person got in that chat,
   * only this many minutes after it was sent; later it is shown again instead.
   */
  cardNumberMinutes: number;
  /** An acknowledged event whose processor stopped (crash, stall) is taken over within this many seconds. */
  inboxTakeoverSeconds: number;
  mongodbUri?: string;
  console: boolean;
  lark?: {
    appId: string;
    appSecret: string;
    domain: string;
    eventMode: 'ws' | 'webhook';
    verificationToken?: string;
    encryptKey?: string;
  };
  wechat?: {
    puppet: string;
    token: string;
    endpoint: string;
    noTlsInsecureClient: boolean;
    sendIntervalMs: number;
  };
  /** Each installed workflow's settings by workflow name; read them with `<slice>.of(config)`. */
  settings: Readonly<Record<string, unknown>>;
}

const FIXES: Record<string, string> = {
  BOT_TIMEZONE: 'set it to an IANA zone, e.g. BOT_TIMEZONE=Asia/Shanghai',
  BOT_ADMINS: 'list identities separated by commas, e.g. BOT_ADMINS=lark:ou_xxx,wechat:wxid_xxx',
  HTTP_PORT: 'use a port number from 0 to 65535, e.g. HTTP_PORT=3000',
  INBOX_TAKEOVER_SECONDS: 'use whole seconds from 10 to 3600, e.g. INBOX_TAKEOVER_SECONDS=30',
  CARD_NUMBER_MINUTES: 'use whole minutes from 1 to 1440, e.g. CARD_NUMBER_MINUTES=10',
  MONGODB_URI:
    'use a MongoDB URI such as mongodb://host:27017/guard-desk?replicaSet=rs0, or leave it unset for the embedded database',
  LARK_DOMAIN: 'use feishu (China), lark (international) or the base URL of an Open API server',
  LARK_EVENT_MODE: 'use ws (long connection, no public URL needed) or webhook (POST /lark/events)',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with the installed workflows' settings (`composition.settings`). Throws
 * ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv, slices: readonly SettingsSlice[]): Config {
  const fixes: Record<string, string> = { ...FIXES, ...Object.assign({}, ...slices.map((s) => s.fixes)) };
  const schema = z.object(Object.assign({}, coreShape, ...slices.map((s) => s.shape)) as typeof coreShape);
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '?');
      problems.push(`${name}: ${issue.message}${fixes[name] ? ` — ${fixes[name]}` : ''}`);
    }
    throw new ConfigError(problems);
  }
  const c = parsed.data;

  const larkSet = [c.LARK_APP_ID, c.LARK_APP_SECRET].filter(Boolean).length;
  if (larkSet === 1) {
    problems.push('LARK_APP_ID / LARK_APP_SECRET: set both to turn Lark on, or neither to leave it off');
  }
  if (larkSet === 2 && c.LARK_EVENT_MODE === 'webhook' && !c.LARK_VERIFICATION_TOKEN) {
    problems.push(
      'LARK_VERIFICATION_TOKEN: required in webhook mode — copy it from the app\'s "Events & Callbacks → Encryption strategy" page',
    );
  }
  if (larkSet === 2 && c.LARK_EVENT_MODE === 'ws' && !/^cli_[0-9a-f]{16}$/.test(c.LARK_APP_ID!)) {
    problems.push(
      'LARK_APP_ID: long-connection mode needs a real app id like cli_0123456789abcdef — or set LARK_EVENT_MODE=webhook',
    );
  }
  const wechatSet = [c.WECHATY_PUPPET_SERVICE_TOKEN, c.WECHATY_PUPPET_SERVICE_ENDPOINT].filter(Boolean).length;
  if (wechatSet === 1) {
    problems.push(
      'WECHATY_PUPPET_SERVICE_TOKEN / WECHATY_PUPPET_SERVICE_ENDPOINT: set both (endpoint as host:port) to turn WeChat on; without the endpoint the client would try online discovery',
    );
  }
  if (wechatSet === 2 && c.WECHATY_PUPPET !== 'wechaty-puppet-service') {
    problems.push(
      'WECHATY_PUPPET: only wechaty-puppet-service is supported — unset it or set WECHATY_PUPPET=wechaty-puppet-service',
    );
  }
  for (const slice of slices) problems.push(...slice.check(parsed.data));
  if (problems.length) throw new ConfigError(problems);

  const lark =
    larkSet === 2
      ? {
          appId: c.LARK_APP_ID!,
          appSecret: c.LARK_APP_SECRET!,
          domain: c.LARK_DOMAIN,
          eventMode: c.LARK_EVENT_MODE,
          verificationToken: c.LARK_VERIFICATION_TOKEN,
          encryptKey: c.LARK_ENCRYPT_KEY,
        }
      : undefined;
  const wechat =
    wechatSet === 2
      ? {
          puppet: c.WECHATY_PUPPET,
          token: c.WECHATY_PUPPET_SERVICE_TOKEN!,
          endpoint: c.WECHATY_PUPPET_SERVICE_ENDPOINT!,
          noTlsInsecureClient: c.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT === 'true',
          sendIntervalMs: c.WECHAT_SEND_INTERVAL_MS,
        }
      : undefined;
  const consoleOn = c.BOT_CONSOLE === 'on' || (c.BOT_CONSOLE === 'auto' && !lark && !wechat);

  return {
    timezone: c.BOT_TIMEZONE,
    admins: c.BOT_ADMINS,
    logLevel: c.LOG_LEVEL,
    dataDir: c.DATA_DIR,
    http: { port: c.HTTP_PORT, host: c.HTTP_HOST },
    formIdleMinutes: c.FORM_IDLE_MINUTES,
    cardNumberMinutes: c.CARD_NUMBER_MINUTES,
    inboxTakeoverSeconds: c.INBOX_TAKEOVER_SECONDS,
    mongodbUri: c.MONGODB_URI,
    console: consoleOn,
    lark,
    wechat,
    settings: Object.fromEntries(slices.map((s) => [s.workflow, s.build(parsed.data)])),
  };
}
