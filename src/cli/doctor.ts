import 'dotenv/config';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { allModels } from '../models/index.ts';
import { composition } from '../workflows.ts';
import { runDoctor } from './doctor-checks.ts';
import { formatFinding } from './doctor-finding.ts';

/*
 * npm run doctor: checks the configuration against the live services without sending anything
 * (src/cli/doctor-checks.ts runs the checks of doctor-database.ts, doctor-lark.ts and doctor-wechat.ts),
 * one line per check. Exit codes: 0 nothing wrong (notes and warnings allowed), 1 something to fix
 * (the ✗ lines), 2 the configuration itself is invalid.
 */

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env, composition.settings);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    out('✗ 配置：有变量不对，其他检查没有做');
    for (const p of e.problems) out(`  - ${p}`);
    out('改好 .env 或环境变量后再运行 npm run doctor。变量说明见 docs/configuration.md。');
    return 2;
  }
  const findings = await runDoctor(config, { models: allModels(composition.models) });
  for (const f of findings) out(formatFinding(f));
  const failed = findings.filter((f) => f.status === 'fail').length;
  out(failed ? `有 ${failed} 项要处理（✗）。改好后再运行 npm run doctor。` : '没有发现问题。');
  return failed ? 1 : 0;
}

void main()
  .catch((e: unknown) => {
    out(`✗ 检查本身出错：${(e as Error).stack ?? String(e)}`);
    return 1;
  })
  .then((code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 3000).unref();
  });
