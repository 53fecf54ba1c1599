// lark-groups.test.ts over the long connection (LARK_EVENT_MODE=ws): same scenarios, events as frames
import { useLarkEventMode } from '../../helpers/lark-bot.ts';

useLarkEventMode('ws');
await import('../lark-groups.test.ts');
