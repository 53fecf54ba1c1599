import mongoose from 'mongoose';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { matchCommand } from '../../src/core/router.ts';
import { ensureIndexes } from '../../src/models/index.ts';
import { composition } from '../../src/workflows.ts';
import { dbUri, uniqueDbName } from '../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../helpers/harness.ts';

const { routes } = composition;

/*
 * npm run bench — how long one message takes from intake (recorded, deduplicated) to the reply,
 * on the database the suite uses (FerretDB here; MONGODB_URI to measure a real MongoDB).
 */

let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  await mongoose.connect(dbUri(uniqueDbName('bench')));
  await ensureIndexes(composition.models);
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig({ BOT_ADMINS: 'console:boss' }) }));
});
afterAll(async () => {
  await bot.stop();
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

describe('inbound message round trip', () => {
  bench('帮助 from an admin: record, route, reply', async () => {
    await chat.say('boss', '帮助');
  });
  bench('unknown sender: record, resolve, how-to-bind', async () => {
    await chat.say('stranger', '你好');
  });
});

describe('routing', () => {
  bench('matchCommand over the whole table', () => {
    matchCommand(routes, '／设置角色　张三 队长、司机');
  });
});
