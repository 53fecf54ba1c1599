/*
 * Money is integer fen everywhere (no floating-point yuan): one parser in, one formatter out.
 */

/** "12.5", "¥12.50", "12元", "1,200.50" → fen; undefined for anything that is not a plain amount. */
export function parseYuan(text: string): number | undefined {
  const t = text.replace(/[¥￥元\s,，]/g, '');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1250 → ¥12.50 */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 10050 → "100.50", 10000 → "100": fen as a person types yuan, which parseYuan reads back to the same fen. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${sign}${Math.floor(abs / 100)}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
}

/** How money is paid out (发放方式), by the words people type for it. */
const PAYMENT_METHODS: Record<string, string> = {
  现金: '现金',
  银行转账: '银行转账',
  转账: '银行转账',
  银行: '银行转账',
  微信: '微信',
  微信转账: '微信',
  支付宝: '支付宝',
  cash: '现金',
  bank: '银行转账',
  wechat: '微信',
  alipay: '支付宝',
};

export function parsePaymentMethod(text: string): string | undefined {
  return PAYMENT_METHODS[text.trim().toLowerCase()] ?? PAYMENT_METHODS[text.trim()];
}
