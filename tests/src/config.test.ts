import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from '../../src/config.ts';
import { composition } from '../../src/workflows.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, composition.settings);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts the console on the embedded database when nothing is set', () => {
    const c = loadConfig({}, composition.settings);
    expect(c.console).toBe(true);
    expect(c.mongodbUri).toBeUndefined();
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.http.port).toBe(3000);
    expect(c.lark).toBeUndefined();
    expect(c.wechat).toBeUndefined();
  });

  it('turns Lark on with its credentials and the console off', () => {
    const c = loadConfig({ LARK_APP_ID: 'cli_0123456789abcdef', LARK_APP_SECRET: 's' }, composition.settings);
    expect(c.lark).toMatchObject({ appId: 'cli_0123456789abcdef', domain: 'feishu', eventMode: 'ws' });
    expect(c.console).toBe(false);
  });

  it('turns WeChat on with a puppet-service token and endpoint', () => {
    const c = loadConfig(
      {
        WECHATY_PUPPET_SERVICE_TOKEN: 'insecure_abc',
        WECHATY_PUPPET_SERVICE_ENDPOINT: '127.0.0.1:8788',
        WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true',
      },
      composition.settings,
    );
    expect(c.wechat).toMatchObject({ endpoint: '127.0.0.1:8788', noTlsInsecureClient: true });
  });

  it('parses BOT_ADMINS with Chinese commas', () => {
    expect(loadConfig({ BOT_ADMINS: 'lark:ou_1，wechat:wxid_2' }, composition.settings).admins).toEqual([
      'lark:ou_1',
      'wechat:wxid_2',
    ]);
  });

  it.each([
    [{ BOT_TIMEZONE: 'Mars/Base' }, 'BOT_TIMEZONE'],
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ BOT_ADMINS: 'ou_123' }, 'BOT_ADMINS'],
    [{ LARK_DOMAIN: 'ftp://x' }, 'LARK_DOMAIN'],
    [{ LARK_EVENT_MODE: 'poll' }, 'LARK_EVENT_MODE'],
    [{ LARK_APP_ID: 'cli_0123456789abcdef' }, 'LARK_APP_SECRET'],
    [{ LARK_APP_ID: 'x', LARK_APP_SECRET: 'y', LARK_EVENT_MODE: 'webhook' }, 'LARK_VERIFICATION_TOKEN'],
    [{ LARK_APP_ID: 'my-app', LARK_APP_SECRET: 'y' }, 'LARK_APP_ID'],
    [
      { WECHATY_PUPPET_SERVICE_TOKEN: 'notoken', WECHATY_PUPPET_SERVICE_ENDPOINT: 'h:1' },
      'WECHATY_PUPPET_SERVICE_TOKEN',
    ],
    [{ WECHATY_PUPPET_SERVICE_TOKEN: 'insecure_x' }, 'WECHATY_PUPPET_SERVICE_ENDPOINT'],
    [{ WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'yes' }, 'WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT'],
    [{ COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: '100' }, 'COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION'],
    [{ CLIENT_DAILY_AT: '8点半' }, 'CLIENT_DAILY_AT'],
    [{ CLIENT_CALL_DAYS_CURRENT: '-1' }, 'CLIENT_CALL_DAYS_CURRENT'],
    // I.2.5 / I.2.7: a 现有 client is always called and visited
    [{ CLIENT_CALL_DAYS_CURRENT: '0' }, 'CLIENT_CALL_DAYS_CURRENT'],
    [{ CLIENT_VISIT_DAYS_CURRENT: '0' }, 'CLIENT_VISIT_DAYS_CURRENT'],
    // §4.2 comes before any result is due
    [{ COMPLAINT_ACK_REMIND_HOURS: '24' }, 'COMPLAINT_ACK_REMIND_HOURS'],
    [{ COMPLAINT_REPORT_WEEKDAY: '0' }, 'COMPLAINT_REPORT_WEEKDAY'],
    [{ VEHICLE_INSPECTION_LATE_MONTHS: '0' }, 'VEHICLE_INSPECTION_LATE_MONTHS'],
  ])('stops on a bad value and names the variable: %j', (env, variable) => {
    const found = problems(env as Record<string, string>);
    expect(found.join('\n')).toContain(variable);
  });

  it('says how to fix a bad value', () => {
    expect(problems({ BOT_TIMEZONE: 'Mars/Base' })[0]).toMatch(/Asia\/Shanghai/);
  });

  it('never puts a secret into its messages', () => {
    const found = problems({ LARK_APP_SECRET: 'top-secret-value' });
    expect(found.join('\n')).not.toContain('top-secret-value');
  });

  // a row of the variables table, and a line to fill in: a name only mentioned in passing is not documented
  it.each([
    ['docs/configuration.md', (name: string) => `| \`${name}\` |`],
    ['.env.example', (name: string) => `\n${name}=`],
  ] as const)('is documented in full in %s', (file, entry) => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../..', file), 'utf8');
    for (const name of configVariables(composition.settings))
      expect(text, `${file} lacks ${name}`).toContain(entry(name));
  });
});
