import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { DIAGNOSTIC_RULES } from '../../server/src/service/diagnosticRules';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/apparmor.d');

/** The SARIF 2.1.0 schema as an npm package ships it (no download at run time). */
function schemaPath(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');
  } catch {
    return undefined;
  }
}
const SCHEMA = schemaPath();
const noSchema = SCHEMA && fs.existsSync(SCHEMA) ? false : 'the SARIF schema package @microsoft/jest-sarif is not installed (npm install)';

interface Sarif {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; help: { text: string }; defaultConfiguration: { level: string } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } } }[]; relatedLocations?: unknown[] }[];
  }[];
}

function validate(text: string): Sarif {
  // The schema's language-tag pattern is not valid under the u flag; Ajv then compiles without it.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const check = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA!, 'utf8')) as object);
  const log = JSON.parse(text) as Sarif;
  assert.ok(check(log), `not valid SARIF 2.1.0: ${ajv.errorsText(check.errors, { separator: '\n' }).slice(0, 2000)}`);
  return log;
}

function lint(args: string[], cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--no-config', '-f', 'sarif', ...args], { encoding: 'utf8', cwd, timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

test('SARIF: every code is a rule with help text and a default level; results point at their rule', { skip: noSchema }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-sarif-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'abstractions'));
  fs.writeFileSync(path.join(dir, 'abstractions/broken'), '/a wa,\n');
  fs.writeFileSync(path.join(dir, 'my profile'), 'profile p {\n  include <abstractions/broken>\n  capability net_admn,\n  /b r\n}\n');
  const r = lint(['-I', dir, 'my profile'], dir);
  assert.equal(r.code, 1, r.stderr);
  const log = validate(r.stdout);
  const run = log.runs[0]!;
  assert.deepEqual(run.tool.driver.rules.map((x) => x.id), Object.keys(DIAGNOSTIC_RULES));
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.help.text.length > 20 && !/\{\w+\}/.test(rule.help.text), `${rule.id}: ${rule.help.text}`);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  assert.deepEqual(run.results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.region.startLine]), [
    ['include-errors', 'error', 2],
    ['unknown-capability', 'error', 3],
    ['missing-comma', 'error', 4],
  ]);
  for (const x of run.results) assert.equal(run.tool.driver.rules[x.ruleIndex]!.id, x.ruleId);
  // Relative to the checkout, as code scanning wants, with the space escaped.
  assert.deepEqual(run.results[0]!.locations[0]!.physicalLocation.artifactLocation, { uri: 'my%20profile', uriBaseId: '%SRCROOT%' });
  assert.equal(run.results[0]!.relatedLocations?.length, 1);
  // The validator does reject what is not SARIF.
  const broken = r.stdout.replace('"level":"error"', '"level":"fatal"');
  assert.throws(() => validate(broken), /not valid SARIF 2\.1\.0/);
});

test('SARIF: with no findings, still a valid log with an empty result list', { skip: noSchema }, () => {
  const r = spawnSync(process.execPath, [CLI, '--no-config', '-f', 'sarif', '-'], { input: 'profile p {\n  /a r,\n}\n', encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(validate(r.stdout).runs[0]!.results, []);
});

test('SARIF: a file named through a symbolic link to the working folder is still relative to it', { skip: noSchema }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-sarif-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'real/profiles'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'real/profiles/p'), 'profile p {\n  capability net_admn,\n}\n');
  fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
  // The process knows its working folder only by its real path; the file is named by the link.
  const r = lint([path.join(dir, 'link/profiles/p')], path.join(dir, 'link'));
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(validate(r.stdout).runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation, { uri: 'profiles/p', uriBaseId: '%SRCROOT%' });
  // Outside the working folder, a file stays an absolute URI.
  fs.mkdirSync(path.join(dir, 'other'));
  fs.copyFileSync(path.join(dir, 'real/profiles/p'), path.join(dir, 'other/q'));
  const out = lint([path.join(dir, 'other/q')], path.join(dir, 'link'));
  assert.equal(validate(out.stdout).runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, `file://${path.join(fs.realpathSync(dir), 'other/q')}`);
});

const noCorpus = !fs.existsSync(CORPUS) ? `no shared corpus at ${CORPUS}` : noSchema;

test('SARIF of the whole shared corpus validates against the SARIF 2.1.0 schema', { skip: noCorpus }, () => {
  const r = lint(['-I', CORPUS, CORPUS], path.dirname(CORPUS));
  assert.equal(r.code, 1, r.stderr);
  const log = validate(r.stdout);
  const results = log.runs[0]!.results;
  // The corpus's 8 invalid profiles (its EXPECTED.tsv), each found.
  const files = new Set(results.filter((x) => x.level === 'error').map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri));
  assert.equal(files.size, 8, [...files].join(', '));
  assert.ok([...files].every((f) => f.startsWith('apparmor.d/profiles/')), [...files].join(', '));
});
