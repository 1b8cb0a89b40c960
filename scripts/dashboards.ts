// Writes dashboards/*.json from the TypeScript in scripts/dashboards/ (`npx tsx scripts/dashboards.ts`);
// with --check, writes nothing and exits 1 when a committed file differs. File I/O only.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDashboards } from './dashboards/render.js';

// Found from this file, so it works from scripts/ (tsx) and from dist/scripts/ alike.
const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(here, here.includes('/dist/') ? '../../dashboards' : '../dashboards');
const check = process.argv.includes('--check');
let stale = 0;

for (const [name, text] of renderDashboards()) {
  const file = join(outDir, name);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // A missing file is just as stale as a different one.
    }
    if (current !== text) {
      process.stderr.write(`${file} is not what scripts/dashboards.ts generates; run it and commit the result\n`);
      stale += 1;
    }
  } else {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
