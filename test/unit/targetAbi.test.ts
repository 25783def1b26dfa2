import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { checkTargetAbis } from '../../server/src/service/checks/checkTargetAbi';
import { TargetAbiChecker } from '../../server/src/service/checkTargetAbiIncludes';
import { formatMessage } from '../../server/src/service/diagnosticRules';
import { FeatureFileError, featureLimits, parseFeatures } from '../../server/src/service/featureSet';
import { parse } from '../../server/src/service/parser';
import { memoryFs } from '../support/helpers';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');

function targets(text: string, versions: string[]): string[] {
  const problems = checkTargetAbis(parse(text).ast, versions.map((v) => ({ name: v, version: v })));
  return problems.map((p) => `${p.code} ${text.slice(p.start, p.end) || '^'}${p.args['targets'] ? ` [${p.args['targets']}]` : ''}`);
}

test('a construct newer than a target is one error naming every target it breaks', () => {
  const text = 'abi <abi/5.0>,\nprofile p {\n  userns,\n  priority=1 /a r,\n  signal (send) set=(hup),\n}\n';
  assert.deepEqual(targets(text, ['3.0', '4.0']), ['target-abi-unknown userns [3.0]', 'target-abi-unknown priority=1 [3.0, 4.0]']);
  assert.deepEqual(targets(text, ['4.1', '5.0']), []);
});

test('the file\'s own abi line does not lift a target', () => {
  assert.deepEqual(targets('abi <abi/4.0>,\nprofile p { userns, }\n', ['3.0']), ['target-abi-unknown userns [3.0]']);
});

test('no abi line: a warning that says what the newest ABI changes, unix sockets named when network rules stand alone', () => {
  const bare = 'profile p {\n  network,\n}\n';
  assert.deepEqual(targets(bare, ['3.0', '4.0']), ['target-abi-unpinned ^ [3.0, 4.0]']);
  const p = checkTargetAbis(parse(bare).ast, [{ name: '4.0', version: '4.0' }])[0]!;
  assert.match(formatMessage(p.code, p.args), /'network,' no longer covers unix sockets: this profile's network rules stop allowing them, and it has no unix rule/);
  const withUnix = checkTargetAbis(parse('profile p {\n  network,\n  unix,\n}\n').ast, [{ name: '4.0', version: '4.0' }])[0]!;
  assert.doesNotMatch(formatMessage(withUnix.code, withUnix.args), /stop allowing them/);
  // Fragments and files with an abi line get none.
  assert.deepEqual(targets('abi <abi/3.0>,\nprofile p { network, }\n', ['4.0']), []);
  assert.deepEqual(checkTargetAbis(parse('network,\n', { fragment: true }).ast, [{ name: '4.0', version: '4.0' }]), []);
});

test('a features file: nested blocks read, the version and capabilities it allows derived', () => {
  const v3 = featureLimits(parseFeatures('caps {mask {chown kill\n}\n}\nnetwork {af_unix {yes\n}\n}\n'));
  assert.equal(v3.version, '3.0');
  assert.deepEqual([...v3.caps!], ['chown', 'kill']);
  assert.equal(featureLimits(parseFeatures('namespaces {mask {userns_create\n}\n}\n')).version, '4.0');
  assert.equal(featureLimits(parseFeatures('ipc {posix_mqueue {create read\n}\n}\n')).version, '4.0');
  assert.throws(() => parseFeatures('caps {mask {chown\n}\n'), FeatureFileError);
  assert.throws(() => parseFeatures('}\n'), /line 1: '}' closes nothing/);
  const problems = checkTargetAbis(parse('abi <abi/3.0>,\nprofile p { capability chown bpf, }\n').ast, [{ name: 'k', ...v3 }]);
  assert.deepEqual(problems.map((p) => formatMessage(p.code, p.args)), ["The capability 'bpf' needs a kernel that lists it in its feature set: under target ABI k apparmor_parser does not know it and rejects the profile."]);
});

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

test('CLI: --target-abi and --features-file (and the config\'s targetAbi)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-target-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'abi'));
  fs.writeFileSync(path.join(dir, 'abi/4.0'), '');
  fs.writeFileSync(path.join(dir, 'features'), 'caps {mask {chown\n}\n}\n');
  fs.writeFileSync(path.join(dir, 'p'), 'abi <abi/4.0>,\nprofile p {\n  userns,\n  capability net_admin,\n}\n');
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, '-I', dir, '-f', 'gcc', ...args, path.join(dir, 'p')], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  assert.equal(run('--no-config').status, 0);
  const r = run('--no-config', '--target-abi', '3.0,4.0', '--features-file', path.join(dir, 'features'));
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.replace(/^.*?:(\d+):\d+: (\w+): .*\[(.*)\]$/, '$1 $2 $3')), ['3 error target-abi-unknown', '4 error target-abi-unknown']);
  assert.match(r.stdout, /userns rule needs AppArmor 4\.0: under target ABI 3\.0, features /);
  assert.equal(run('--no-config', '--target-abi', '3').status, 2);
  assert.match(run('--no-config', '--features-file', path.join(dir, 'nope')).stderr, /features file .*nope/);
  fs.writeFileSync(path.join(dir, '.apparmor-lint.json'), '{"targetAbi":["3.0"]}');
  assert.match(run().stdout, /:3:3: error: .*\[target-abi-unknown\]/);
});

test('a construct a target does not know inside an include is reported at the include line, naming its place', () => {
  const files = {
    '/i/abstractions/outer': 'include <abstractions/inner>\n',
    '/i/abstractions/inner': '/a r,\nmqueue r,\npriority=2 /b r,\n',
    '/i/abstractions/plain': '/c r,\n',
  };
  const analyzer = new Analyzer({ fs: memoryFs(files), includeDirs: ['/i'] });
  const text = 'profile p {\n  include <abstractions/plain>\n  include <abstractions/outer>\n}\n';
  const checker = new TargetAbiChecker([{ name: '3.0', version: '3.0' }, { name: '4.0', version: '4.0' }]);
  const problems = checker.check(analyzer, '/w/p', parse(text).ast);
  assert.deepEqual(problems.filter((p) => p.code === 'target-abi-unknown').map((p) => [text.slice(p.start, p.end), formatMessage(p.code, p.args)]), [
    ['include <abstractions/outer>', "'abstractions/outer' holds priority= (/i/abstractions/inner:3), which needs AppArmor 4.1: under target ABI 3.0, 4.0 apparmor_parser does not know it and rejects the profile."],
  ]);
});
