import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { ConfigError, findLintConfig, globRegExp, isIgnored, parseLintConfig } from '../../server/src/service/lintConfig';
import { LspSession } from '../support/lspSession';
import { memoryFs } from '../support/helpers';
import { tempTree } from '../support/tempTree';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');

function run(args: string[], cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tree = (files: Record<string, string>): string => tempTree('aa-config-', files);

type Json = { files: { path: string; diagnostics: { severity: string; code: string }[] }[] };
const codes = (stdout: string): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const f of (JSON.parse(stdout) as Json).files) out[path.basename(f.path)] = f.diagnostics.map((d) => `${d.severity} ${d.code}`);
  return out;
};

test('paths in a config are taken from its folder; unknown keys, codes and levels are errors that name the file', () => {
  const c = parseLintConfig('/repo/.apparmor-lint.json', '{"includeDirs":["apparmor.d","../shared"],"base":".","abi":"4.0","severity":{"missing-abi":"warning"},"ignore":["build/"]}');
  assert.deepEqual(c.includeDirs, ['/repo/apparmor.d', '/shared']);
  assert.equal(c.base, '/repo');
  assert.equal(c.abi, '4.0');
  assert.deepEqual(c.severity, { 'missing-abi': 'warning' });
  for (const [text, why] of [
    ['{"includeDir":[]}', /unknown key "includeDir"/],
    ['{"severity":{"no-such-code":"off"}}', /unknown code 'no-such-code'/],
    ['{"severity":{"missing-abi":"loud"}}', /must be one of off, hint, info, warning, error/],
    ['{"abi":"4"}', /"abi" must be a version/],
    ['{"targetAbi":"3.0"}', /"targetAbi" must be a list/],
    ['[1]', /one JSON object/],
    ['{', /not valid JSON/],
  ] as const) {
    assert.throws(() => parseLintConfig('/r/.apparmor-lint.json', text), (e: Error) => e instanceof ConfigError && why.test(e.message) && e.message.startsWith('/r/.apparmor-lint.json'), text);
  }
});

test('the nearest config above a file governs it, each folder looked at once', () => {
  const files = { '/r/.apparmor-lint.json': '{"abi":"3.0"}', '/r/sub/.apparmor-lint.json': '{"abi":"4.0"}', '/r/sub/deep/p': '', '/r/q': '' };
  let stats = 0;
  const base = memoryFs(files);
  const counting = { ...base, stat: (p: string) => { stats++; return base.stat(p); } };
  const cache = new Map();
  assert.equal(findLintConfig(counting, '/r/sub/deep/p', cache)?.abi, '4.0');
  assert.equal(findLintConfig(counting, '/r/q', cache)?.abi, '3.0');
  const before = stats;
  assert.equal(findLintConfig(counting, '/r/sub/deep/other', cache)?.abi, '4.0');
  assert.equal(stats, before, 'a folder already looked at is not looked at again');
  assert.equal(findLintConfig(memoryFs({ '/x/p': '' }), '/x/p'), undefined);
});

test('ignore globs: ** across folders, * within a name, a bare name at any depth, a folder covers its files', () => {
  const c = parseLintConfig('/r/.apparmor-lint.json', '{"ignore":["build/","**/*.orig","local","groups/a?"]}');
  assert.ok(isIgnored(c, '/r/build/x'));
  assert.ok(isIgnored(c, '/r/a/b/c.orig'));
  assert.ok(isIgnored(c, '/r/apparmor.d/local/p'));
  assert.ok(isIgnored(c, '/r/groups/ab'));
  assert.ok(!isIgnored(c, '/r/groups/abc'));
  assert.ok(!isIgnored(c, '/r/src/build-tools'));
  assert.ok(!isIgnored(c, '/elsewhere/build/x'), 'only paths under the config folder');
  assert.ok(globRegExp('*.d').test('x.d') && !globRegExp('a/*.d').test('a/b/x.d'));
});

test('CLI: the config sets include dirs, severities and ignores; command-line options win', () => {
  const dir = tree({
    '.apparmor-lint.json': JSON.stringify({ includeDirs: ['policy'], severity: { 'write-and-append': 'warning', 'missing-abi': 'info', 'unknown-capability': 'off' }, ignore: ['skipped/'] }),
    'policy/abstractions/base': '/etc/ld.so.cache r,\n',
    'profiles/p': 'profile p {\n  include <abstractions/base>\n  /a wa,\n  capability nope,\n}\n',
    'skipped/bad': 'profile bad { capability nope, }\n',
  });
  const r = run(['-f', 'json', 'profiles', 'skipped'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(codes(r.stdout), { p: ['information missing-abi', 'warning write-and-append'] });
  // Named on the command line (as pre-commit does), an ignored file is still left out.
  assert.deepEqual(codes(run(['-f', 'json', 'skipped/bad'], dir).stdout), {});
  // -I on the command line replaces the config's include dirs: the include is then not found.
  const own = run(['-f', 'json', '-I', path.join(dir, 'profiles'), 'profiles/p'], dir);
  assert.ok(codes(own.stdout)['p']!.includes('error include-not-found'), own.stdout);
  // --no-config: the defaults again.
  assert.deepEqual(codes(run(['-f', 'json', '--no-config', '-I', path.join(dir, 'policy'), 'profiles/p'], dir).stdout), { p: ['error write-and-append', 'error unknown-capability'] });
});

test('CLI: a broken config is one line on stderr and exit status 2', () => {
  const dir = tree({ '.apparmor-lint.json': '{"severity":{"missing-comma":"never"}}', p: 'profile p { }\n' });
  const r = run(['p'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^apparmor-lint: .*\.apparmor-lint\.json: severity of 'missing-comma' must be one of/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const named = run(['--config', path.join(dir, 'nope.json'), 'p'], dir);
  assert.equal(named.code, 2);
  assert.match(named.stderr, /cannot read .*nope\.json/);
});

test('over LSP: the server applies the same config, and the user\'s settings win where set', async () => {
  const dir = tree({
    '.apparmor-lint.json': JSON.stringify({ includeDirs: ['policy'], abi: '3.0', severity: { 'write-and-append': 'warning', 'missing-abi': 'off' }, ignore: ['vendor/'], targetAbi: ['3.0'] }),
    'policy/abi/4.0': '',
    'policy/abstractions/base': '/etc/ld.so.cache r,\n',
  });
  // The user set abi (4.0 wins over the config's 3.0) but not the include folders (the config's count).
  const { session } = await LspSession.start({ workspaceFolders: [{ uri: `file://${dir}`, name: 'w' }], initializationOptions: { abi: '4.0' } });
  try {
    const open = async (name: string, text: string): Promise<unknown[]> => {
      const uri = `file://${dir}/${name}`;
      await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text } });
      return (await session.diagnosticsFor(uri, 1)).map((d) => [d.code, d.severity, d.range.start.line]);
    };
    assert.deepEqual(await open('p', 'abi <abi/4.0>,\nprofile p {\n  include <abstractions/base>\n  /a wa,\n  userns,\n  /b r, #aa:lint ignore=no-such-check\n}\n'), [
      ['write-and-append', 2, 3],
      ['target-abi-unknown', 1, 4],
      ['suppression-unknown-code', 2, 5],
    ]);
    // No newer-than-abi: the user's abi 4.0 knows userns; the target 3.0 does not.
    assert.deepEqual(await open('r', 'profile r {\n  userns,\n}\n'), [['target-abi-unpinned', 2, 0], ['target-abi-unknown', 1, 1]]);
    assert.deepEqual(await open('vendor/q', 'profile q { capability nope, }\n'), []);
  } finally {
    await session.close();
  }
});
