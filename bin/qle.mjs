#!/usr/bin/env node
// The qle command. In a checkout (src/ present) it runs the TypeScript sources in this process
// through tsx, a dev dependency, so no build step is needed and an old dist/ is never used; an
// installed package has no src/ and runs the compiled dist/ with Node alone.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);

async function loadTsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined; // a checkout installed without dev dependencies: fall back to dist/
  }
}

const tsx = existsSync(source) ? await loadTsx() : undefined;
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('qle: neither tsx (npm install) nor a build (npm run build) is available in this checkout\n');
  process.exit(2);
}
