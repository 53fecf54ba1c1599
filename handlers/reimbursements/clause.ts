/* The clauses of §3.5 the rules name, and what a rule says about a claim (rules.ts, companion-rules.ts). */

export const CLAUSE = {
  chain: '§3.5.1',
  transport: '§3.5.2',
  receipts: '§3.5.3',
  deadline: '§3.5.4',
} as const;

export interface RuleMessage {
  clause: string;
  code: string;
  message: string;
  /** 0-based item positions the message is about. */
  items?: number[];
}
