/*
 * What an item is, read from the evidence rather than only from the category word typed (#20): a
 * bus ticket typed as 地铁 or 其他 is still a ticket (§3.5.3), a taxi typed as 其他 is still a taxi
 * (§3.5.2). The words of 所办事项 count as much as the category; a word in either puts the item
 * under the rule. No imports from rules.ts, which builds on this.
 */

export type CategoryKey =
  | 'bus'
  | 'subway'
  | 'taxi'
  | 'ride_hailing'
  | 'transport_other'
  | 'fuel'
  | 'toll'
  | 'repair'
  | 'meal'
  | 'office'
  | 'other';

/** Categories with the words people type for them; the first word is the label shown. */
export const CATEGORIES: Record<CategoryKey, { label: string; words: string[] }> = {
  bus: { label: '公交车', words: ['公交车', '公交', '巴士', 'bus'] },
  subway: { label: '地铁', words: ['地铁', '轻轨', 'subway', 'metro'] },
  taxi: { label: '出租车', words: ['出租车', '出租', '打车', '的士', 'taxi'] },
  ride_hailing: { label: '网约车', words: ['网约车', '滴滴', '快车', '专车', '顺风车'] },
  transport_other: {
    label: '其他交通',
    words: ['其他交通', '火车', '高铁', '动车', '长途汽车', '长途', '飞机', '轮渡'],
  },
  fuel: { label: '车辆油费', words: ['车辆油费', '油费', '加油', 'fuel'] },
  toll: { label: '过路停车费', words: ['过路停车费', '过路费', '路桥费', '停车费', 'toll'] },
  repair: { label: '车辆维修', words: ['车辆维修', '维修', '修车', '保养', 'repair'] },
  meal: { label: '餐费', words: ['餐费', '餐饮', '伙食', '吃饭', 'meal'] },
  office: { label: '办公用品', words: ['办公用品', '办公', '文具', 'office'] },
  other: { label: '其他', words: ['其他', 'other'] },
};

export const CATEGORY_HINT = '公交、地铁、出租车、网约车、其他交通、油费、过路停车费、车辆维修、餐费、办公用品、其他';

export function parseCategory(text: string): CategoryKey | undefined {
  const t = text.trim().toLowerCase();
  for (const [key, c] of Object.entries(CATEGORIES) as [CategoryKey, (typeof CATEGORIES)[CategoryKey]][]) {
    if (c.words.some((w) => w.toLowerCase() === t)) return key;
  }
  return undefined;
}

export function categoryLabel(key: string): string {
  return CATEGORIES[key as CategoryKey]?.label ?? key;
}

/**
 * Tickets (§3.5.3 车票): a bus, subway, train, coach, plane or ferry ticket carries a serial (or its
 * invoice a number), which the duplicate and consecutive checks rest on. One family: a roll of bus
 * tickets split between 公交 and 地铁 items is compared as one roll.
 */
const TICKET_CATEGORIES = new Set<string>(['bus', 'subway', 'transport_other']);
/** Words of 所办事项 that say the receipt is a ticket, whatever category was typed. */
const TICKET_WORDS = [
  '公交',
  '巴士',
  '大巴',
  '地铁',
  '轻轨',
  '火车',
  '高铁',
  '动车',
  '长途汽车',
  '长途车',
  '车票',
  '机票',
  '船票',
  '轮渡',
];

/** Transport other than bus and subway (§3.5.2); company-vehicle costs (§3.4.5) are not riding. */
const SPECIAL_CATEGORIES = new Set<string>(['taxi', 'ride_hailing', 'transport_other']);
/** Words of 所办事项 that name a taxi, a ride-hailing car, a train or a plane, whatever category was typed. */
const SPECIAL_WORDS = [
  '打车',
  '出租车',
  '的士',
  '滴滴',
  '网约车',
  '快车',
  '专车',
  '顺风车',
  '火车',
  '高铁',
  '动车',
  '机票',
  '飞机',
  '长途汽车',
  'taxi',
];

export interface ItemEvidence {
  category: string;
  matter: string;
}

/** A company vehicle's own costs (§3.4.5): their 所办事项 names the trip's purpose, not a ride. */
const VEHICLE_COSTS = new Set<string>(['fuel', 'toll', 'repair']);

/**
 * The first of `words` in the item's 所办事项; places named after a means of transport (火车站,
 * 地铁口) say where, not how, and a company vehicle's cost names its trip's purpose.
 */
function wordIn(item: ItemEvidence, words: readonly string[]): string | undefined {
  if (VEHICLE_COSTS.has(item.category)) return undefined;
  const t = item.matter.toLowerCase().replace(/(火车|高铁|动车|地铁|公交|汽车|长途车|轻轨|巴士)(站|口)/g, '');
  return words.find((w) => t.includes(w));
}

/** §3.5.3: the item is a ticket by its category or by what its 所办事项 says. */
export function isTicket(item: ItemEvidence): boolean {
  return TICKET_CATEGORIES.has(item.category) || !!wordIn(item, TICKET_WORDS);
}

/**
 * §3.5.2: why the item needs 综合部's special approval, or undefined: a category other than bus or
 * subway, a 所办事项 naming a taxi, train or plane, or the category 其他, which says nothing of what
 * was bought, so 综合部 reads the receipt photo and decides.
 */
export function specialApprovalReason(item: ItemEvidence): string | undefined {
  if (SPECIAL_CATEGORIES.has(item.category)) return categoryLabel(item.category);
  const word = wordIn(item, SPECIAL_WORDS);
  if (word) return `${categoryLabel(item.category)}（所办事项写了「${word}」）`;
  if (item.category === 'other') return '其他（类别不明，须综合部看票据确认不是出租车等交通费）';
  return undefined;
}
