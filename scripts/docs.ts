/**
 * Keeps action.yml and the README's input/output tables in step with src/settings/inputs.ts.
 * `npm run docs:inputs` rewrites them; `npm run docs:inputs -- --check` fails when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { INPUTS, OUTPUTS } from '../src/settings/inputs.ts';

const check = process.argv.includes('--check');

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function renderActionYml(): string {
  const lines = [
    '# Generated from src/settings/inputs.ts by `npm run docs:inputs`; edit that file, not this one.',
    'name: Open WebUI preflight',
    `description: ${yamlString('Checks an Open WebUI deployment on PostgreSQL before it ships: configuration and secrets, migrations, schema drift and OAuth session encryption.')}`,
    'author: openwebui-preflight',
    'branding:',
    '  icon: shield',
    '  color: green',
    'inputs:',
  ];
  for (const input of INPUTS) {
    lines.push(`  ${input.name}:`, `    description: ${yamlString(input.description)}`, '    required: false');
    if (input.default !== undefined) lines.push(`    default: ${yamlString(input.default)}`);
  }
  lines.push('outputs:');
  for (const output of OUTPUTS) lines.push(`  ${output.name}:`, `    description: ${yamlString(output.description)}`);
  lines.push('runs:', '  using: node24', '  main: dist/index.js', '  post: dist/post.js', '  post-if: always()', '');
  return lines.join('\n');
}

/** The README tables, built from action.yml itself so what users read is what GitHub reads. */
export function renderReadmeTables(actionYml: string): string {
  const action = parse(actionYml) as { inputs: Record<string, { description: string; default?: string }>; outputs: Record<string, { description: string }> };
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| input | default | description |', '|---|---|---|'];
  for (const [name, spec] of Object.entries(action.inputs)) {
    lines.push(`| \`${name}\` | ${spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``} | ${cell(spec.description)} |`);
  }
  lines.push('', '| output | description |', '|---|---|');
  for (const [name, spec] of Object.entries(action.outputs)) lines.push(`| \`${name}\` | ${cell(spec.description)} |`);
  return lines.join('\n');
}

const START = '<!-- inputs:start -->';
const END = '<!-- inputs:end -->';

function main(): void {
  const actionYml = renderActionYml();
  const readme = readFileSync('README.md', 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md needs the markers ${START} and ${END}`);
  const newReadme = `${readme.slice(0, a + START.length)}\n${renderReadmeTables(actionYml)}\n${readme.slice(b)}`;
  let current = '';
  try {
    current = readFileSync('action.yml', 'utf8');
  } catch {
    // first run
  }
  const stale = [current !== actionYml ? 'action.yml' : '', newReadme !== readme ? 'README.md' : ''].filter(Boolean);
  if (check) {
    if (stale.length) {
      console.error(`${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} out of date with src/settings/inputs.ts: run 'npm run docs:inputs' and commit.`);
      process.exitCode = 1;
    } else console.log('action.yml and README.md match src/settings/inputs.ts.');
    return;
  }
  writeFileSync('action.yml', actionYml);
  writeFileSync('README.md', newReadme);
  console.log(stale.length ? `Updated ${stale.join(' and ')}.` : 'Already up to date.');
}

main();
