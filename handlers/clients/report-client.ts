import type { ClientFinder } from '../../src/core/reporting.ts';
import { echo } from '../../src/core/text.ts';
import { clientByName, searchClients } from './store.ts';

/**
 * The client a report (月报 客户) is about, by the name typed: exact name first, else the only match
 * of a search, or a Chinese answer saying why not. Offered as Workflow.reporting.clients.
 */
export const reportClientNamed: ClientFinder = async (query, example) => {
  const q = query.trim();
  if (!q) return { error: `请写明客户名称，例如：${example}` };
  const exact = await clientByName(q);
  if (exact) return { id: String(exact._id), name: exact.name };
  const found = await searchClients(q, 8);
  if (found.length === 1) return { id: String(found[0]!._id), name: found[0]!.name };
  if (!found.length) return { error: `没有找到客户「${echo(q)}」。发送「客户列表」查看全部客户。` };
  return {
    error: [`有 ${found.length} 个客户符合「${echo(q)}」，请写全名：`, ...found.map((c) => `• ${c.name}`)].join('\n'),
  };
};
