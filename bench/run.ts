/**
 * `npm run bench`: every benchmark, each reporting a ratio against a peer measured in the same run
 * (absolute numbers vary between machines; ratios much less). Pass names to run only some:
 * `npm run bench -- config oauth`.
 */
export interface BenchResult {
  name: string;
  /** Lines for people: what was measured, the numbers, and the ratio to the peer. */
  lines: string[];
  /** Machine-readable numbers, written to bench-results.json. */
  metrics: Record<string, number | string>;
}

const BENCHES: Record<string, () => Promise<{ default?: unknown } & Record<string, unknown>>> = {
  config: () => import('./config.ts'),
  snapshot: () => import('./snapshot.ts'),
  migrations: () => import('./migrations.ts'),
  oauth: () => import('./oauth.ts'),
};

const RUNNERS: Record<string, string> = {
  config: 'runConfigBench',
  snapshot: 'runSnapshotBench',
  migrations: 'runMigrationBench',
  oauth: 'runOAuthBench',
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  const results: BenchResult[] = [];
  for (const name of names) {
    const load = BENCHES[name];
    if (!load) {
      console.error(`Unknown benchmark '${name}'. Expected one of: ${Object.keys(BENCHES).join(', ')}.`);
      process.exitCode = 2;
      return;
    }
    console.log(`\n## ${name}`);
    const mod = await load();
    const run = mod[RUNNERS[name]!] as (() => Promise<BenchResult>) | undefined;
    if (typeof run !== 'function') throw new Error(`bench/${name}.ts does not export ${RUNNERS[name]}()`);
    const result = await run();
    for (const line of result.lines) console.log(line);
    results.push(result);
  }
  const { writeFileSync } = await import('node:fs');
  writeFileSync('bench-results.json', JSON.stringify(results, null, 2) + '\n');
  console.log('\nWrote bench-results.json');
}

await main();
