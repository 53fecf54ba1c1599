import { NUMERAL_CHARS, wholeNumber } from './numerals.ts';

/*
 * Money is integer fen everywhere (no floating-point yuan): one parser in, one formatter out.
 */

const SMALL = '[0-9零〇一二两三四五六七八九]';
/** Yuan, then optionally 角 (a digit after 块/元 is 角: 三块五 = 3.50) and 分. */
const SPOKEN = new RegExp(`^(\\d{1,9}|[${NUMERAL_CHARS}]+)(?:[元块圆](?:(${SMALL})[角毛]?(?:(${SMALL})分)?)?)?$`);
const CENTS_ONLY = new RegExp(`^(${SMALL})[角毛](?:(${SMALL})分)?$`);

/**
 * An amount as people write it → fen; undefined for anything that is not one amount. Digits
 * (12.5, ¥12.50, 1,200.50, 50元, 50块) and Chinese numerals (五十元, 二百, 一千二百五 = 1250, 三块五,
 * 五毛) are read; at most 999,999,999 yuan and two decimals.
 */
export function parseYuan(text: string): number | undefined {
  const t = text
    .normalize('NFKC')
    .replace(/[\s,，]/g, '')
    .replace(/^(?:人民币|RMB)/i, '')
    .replace(/^[¥￥]/, '')
    .replace(/(?:钱|整)$/, '');
  const plain = /^(\d{1,9})(?:\.(\d{1,2}))?(?:[元块])?$/.exec(t);
  if (plain) return Number(plain[1]) * 100 + Number((plain[2] ?? '').padEnd(2, '0'));
  const spoken = SPOKEN.exec(t);
  if (spoken) {
    const yuan = wholeNumber(spoken[1]!);
    if (yuan === undefined || yuan > 999_999_999) return undefined;
    return yuan * 100 + digit(spoken[2]) * 10 + digit(spoken[3]);
  }
  const cents = CENTS_ONLY.exec(t);
  if (cents) return digit(cents[1]) * 10 + digit(cents[2]);
  return undefined;
}

function digit(s: string | undefined): number {
  return s ? wholeNumber(s)! : 0;
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
