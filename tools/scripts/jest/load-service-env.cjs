// Jest setup for every project: the service scripts (tools/scripts/*.sh start) write the addresses
// and throw-away credentials of what they started to tmp/services/*.env. Variables already set win.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '..', '..', '..', 'tmp', 'services');
if (existsSync(dir)) {
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.env'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (match && process.env[match[1]] === undefined) {
        process.env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
      }
    }
  }
}
