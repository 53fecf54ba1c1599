/*
 * Imported first by src/main.ts: mongoose 9 and the mongodb 7 driver (and bson 7) declare
 * engines node >= 20.19.0, and on an older Node they fail later with errors that do not say why.
 * Refuse to start instead, saying what to install. Keep this file free of imports that could fail.
 */

export const NODE_MINIMUM = '20.19.0';

/** Whether `version` (e.g. 20.18.3 or v20.18.3) is older than `minimum`. */
export function nodeTooOld(version: string, minimum = NODE_MINIMUM): boolean {
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a < b;
  }
  return false;
}

export function tooOldMessage(version: string): string {
  return `guard-desk-bot needs Node.js ${NODE_MINIMUM} or newer (mongoose 9 / the MongoDB 7 driver require it); this is Node.js ${version.replace(/^v/, '')}.\nInstall Node.js 20.19+ or 22 (for example with nvm: nvm install 22), then run npm install and npm start again.\n`;
}

if (nodeTooOld(process.versions.node)) {
  process.stderr.write(tooOldMessage(process.versions.node));
  process.exit(1);
}
