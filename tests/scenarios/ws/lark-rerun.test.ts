// lark-rerun.test.ts over the long connection (LARK_EVENT_MODE=ws): same scenario, events as frames
import { useLarkEventMode } from '../../helpers/lark-bot.ts';

useLarkEventMode('ws');
await import('../lark-rerun.test.ts');
