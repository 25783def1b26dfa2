import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { tempTree } from '../support/tempTree';

const ROOT = path.resolve(__dirname, '../../..');
const BINS = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;

const repo = (files: Record<string, string>): string => tempTree('aa-ci-', files);

const GOOD = 'abi <abi/3.0>,\nprofile good {\n  /etc/good r,\n}\n';
const BAD = 'abi <abi/3.0>,\nprofile bad {\n  /a wa,\n}\n';
const FILES = {
  'apparmor.d/abi/3.0': '',
  'apparmor.d/profiles/good': GOOD,
  'apparmor.d/profiles/bad': BAD,
  'apparmor.d/README.md': '# not policy\n',
  'packaging/usr.bin.tool': GOOD,
  'notes.txt': 'profile nothing {\n',
};

interface Hook { id: string; entry: string; language: string; files: string; exclude: string; args?: string[] }

test('.pre-commit-hooks.yaml: the hook picks the profiles and its command fails on an error, passes once fixed', () => {
  const hooks = yaml.load(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = hooks.find((h) => h.id === 'apparmor-lint');
  assert.ok(hook);
  // language: node installs this package; its entry is then one of the package's bins.
  assert.equal(hook.language, 'node');
  const bin = BINS[hook.entry];
  assert.ok(bin, `entry '${hook.entry}' is not a bin of package.json`);
  // pre-commit selects files with re.search on paths relative to the repository.
  const picked = Object.keys(FILES).filter((f) => new RegExp(hook.files).test(f) && !new RegExp(hook.exclude).test(f)).sort();
  assert.deepEqual(picked, ['apparmor.d/profiles/bad', 'apparmor.d/profiles/good', 'packaging/usr.bin.tool']);
  const dir = repo({ ...FILES, '.apparmor-lint.json': '{"includeDirs":["apparmor.d"]}' });
  const run = () => spawnSync(process.execPath, [path.join(ROOT, bin), ...(hook.args ?? []), ...picked], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const failed = run();
  assert.equal(failed.status, 1, failed.stderr);
  assert.match(failed.stdout, /^apparmor\.d\/profiles\/bad:3:6: error: .*\[write-and-append\]$/m);
  assert.doesNotMatch(failed.stdout, /profiles\/good|usr\.bin\.tool/);
  fs.writeFileSync(path.join(dir, 'apparmor.d/profiles/bad'), BAD.replace('wa', 'w'));
  const passed = run();
  assert.equal(passed.status, 0, passed.stdout + passed.stderr);
});

interface Workflow { permissions: Record<string, string>; jobs: Record<string, { steps: { name?: string; run?: string; uses?: string; with?: Record<string, string>; 'working-directory'?: string }[] }> }

test('examples/ci/github-actions.yml: its lint step writes SARIF for the upload step and fails on findings', () => {
  const flow = yaml.load(fs.readFileSync(path.join(ROOT, 'examples/ci/github-actions.yml'), 'utf8')) as Workflow;
  assert.equal(flow.permissions['security-events'], 'write', 'uploading SARIF needs security-events: write');
  const steps = flow.jobs['lint']!.steps;
  const tool = steps.find((s) => s.with?.['path'])!.with!['path']!;
  assert.equal(steps.find((s) => s.run === 'npm ci')?.['working-directory'], tool, 'the build runs in the tool checkout');
  const lint = steps.find((s) => s.name === 'Check the profiles')!.run!;
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
  // The step as the runner would run it, with the tool checkout being this repository.
  const dir = repo(FILES);
  fs.symlinkSync(ROOT, path.join(dir, tool));
  const r = spawnSync('bash', ['-e', '-c', lint], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 1, r.stderr);
  const sarif = JSON.parse(fs.readFileSync(path.join(dir, upload.with!['sarif_file']!), 'utf8')) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.deepEqual(sarif.runs[0]!.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.artifactLocation.uri]), [['write-and-append', 'apparmor.d/profiles/bad']]);
  fs.writeFileSync(path.join(dir, 'apparmor.d/profiles/bad'), BAD.replace('wa', 'w'));
  assert.equal(spawnSync('bash', ['-e', '-c', lint], { cwd: dir, encoding: 'utf8', timeout: 120_000 }).status, 0);
});
