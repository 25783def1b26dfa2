/**
 * Includes and file encodings judged by the real apparmor_parser (3.0.x and 4.x) and by
 * `apparmor-lint` run as a process on the same policy tree: the parser decides what is
 * right, and the checker must give the same verdict (error or accepted).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToUri } from '../../server/src/service/uri';
import { LspSession } from '../support/lspSession';
import { parser4, PARSER4_MISSING, policyTree, RealParser, systemParser, SYSTEM_PARSER } from '../support/parsers';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');
/** A hung process fails the test instead of hanging the suite. */
const DEADLINE_MS = 60_000;

interface Probe {
  readonly name: string;
  /** Files of the policy tree, by path inside it; `prof` is the profile checked. */
  readonly files: Readonly<Record<string, string>>;
  /** Files made unreadable (mode 000); checked as an unprivileged user when run as root. */
  readonly locked?: readonly string[];
}

const PROBES: readonly Probe[] = [
  { name: 'an included file with errors', files: { prof: 'profile p {\n  include <abstractions/broken>\n}\n', 'abstractions/broken': '  /a rw\n  /b r,\n' } },
  { name: 'an error two includes down', files: { prof: 'profile p {\n  include <abstractions/outer>\n}\n', 'abstractions/outer': '  include <abstractions/broken>\n', 'abstractions/broken': '  capability bogus,\n' } },
  { name: 'a missing include inside an included file', files: { prof: 'profile p {\n  include <abstractions/outer>\n}\n', 'abstractions/outer': '  include <abstractions/gone>\n' } },
  { name: 'an unreadable included file', files: { prof: 'profile p {\n  include <abstractions/secret>\n}\n', 'abstractions/secret': '  /a r,\n' }, locked: ['abstractions/secret'] },
  { name: 'an unreadable file included "if exists"', files: { prof: 'profile p {\n  include if exists <abstractions/secret>\n}\n', 'abstractions/secret': '  /a r,\n' }, locked: ['abstractions/secret'] },
  { name: 'an unreadable file in an included folder', files: { prof: 'profile p {\n  include <abstractions/dir>\n}\n', 'abstractions/dir/a': '  /a r,\n', 'abstractions/dir/b': '  /b r,\n' }, locked: ['abstractions/dir/b'] },
  { name: 'an included folder that cannot be listed', files: { prof: 'profile p {\n  include <abstractions/dir>\n}\n', 'abstractions/dir/a': '  /a r,\n' }, locked: ['abstractions/dir'] },
  { name: 'a path out of the search path to /etc/passwd', files: { prof: 'profile p {\n  include <../../../../../../../../etc/passwd>\n}\n' } },
  { name: 'a path out of the search path to valid rules', files: { prof: 'profile p {\n  include <../outside/rules>\n}\n', '../outside/rules': '  /srv/** r,\n' } },
  { name: 'CR-only line endings', files: { prof: 'profile p {\r  /a r,\r}\r' } },
  { name: 'CR-only line endings in an included file', files: { prof: 'profile p {\n  include <abstractions/mac>\n}\n', 'abstractions/mac': '  /a r,\r  /b r,\r' } },
  { name: 'a CR before a blank', files: { prof: 'profile p {\n  /a r, \r \n}\n' } },
  { name: 'CR LF line endings', files: { prof: 'profile p {\r\n  /a r,\r\n}\r\n' } },
  { name: 'a CR inside a comment', files: { prof: 'profile p {\n  # a\rb\n  /a r,\n}\n' } },
  { name: 'variables defined in terms of each other, used', files: { prof: '@{A}=@{B}\n@{B}=@{A}\nprofile p {\n  @{A} r,\n}\n' } },
  { name: 'variables defined in terms of each other, unused', files: { prof: '@{A}=@{B}\n@{B}=@{A}\nprofile p {\n  /x r,\n}\n' } },
  { name: 'a variable defined by itself, used in an abstraction', files: { prof: '@{A}=/a @{A}\nprofile p {\n  include <abstractions/uses>\n}\n', 'abstractions/uses': '  @{A}/x r,\n' } },
  { name: 'a variable whose value names an undefined one', files: { prof: '@{A}=@{NOPE}\nprofile p {\n  @{A} r,\n}\n' } },
  { name: 'include <>', files: { prof: 'profile p {\n  include <>\n}\n' } },
  { name: 'include if exists <>', files: { prof: 'profile p {\n  include if exists <>\n}\n' } },
  { name: 'include ""', files: { prof: 'profile p {\n  include ""\n}\n' } },
  { name: 'a file that includes itself', files: { prof: 'profile p {\n  include <abstractions/self>\n}\n', 'abstractions/self': '  /s r,\n  include <abstractions/self>\n' } },
  { name: 'A includes B includes A', files: { prof: 'profile p {\n  include <abstractions/a>\n}\n', 'abstractions/a': '  /a r,\n  include <abstractions/b>\n', 'abstractions/b': '  /b r,\n  include <abstractions/a>\n' } },
  { name: 'a byte-order mark', files: { prof: '\ufeffprofile p {\n  /a r,\n}\n' } },
  { name: 'a byte-order mark in an included file', files: { prof: 'profile p {\n  include <abstractions/bom>\n}\n', 'abstractions/bom': '\ufeff  /a r,\n' } },
];

const isRoot = process.getuid?.() === 0;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/** How to run a command unprivileged, so mode 000 means unreadable; or why that cannot be done here. */
function unprivileged(): { prefix: string[] } | { skip: string } {
  if (!isRoot) return { prefix: [] };
  if (!SETPRIV) return { skip: 'running as root without setpriv: an unreadable file cannot be made' };
  return { prefix: [SETPRIV, '--reuid=nobody', '--regid=nogroup', '--clear-groups'] };
}

function run(command: string[], args: string[]): { status: number | null; output: string } {
  const r = spawnSync(command[0]!, [...command.slice(1), ...args], { encoding: 'utf8', timeout: DEADLINE_MS });
  assert.ok(!r.error, `${command.join(' ')}: ${r.error?.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The policy tree for a probe: world-readable (for the unprivileged run) except its locked files. */
function makeTree(parser: RealParser, probe: Probe): { dir: string; dispose(): void } {
  const tree = policyTree(parser, {});
  const root = path.join(tree.dir, 'policy');
  for (const [name, text] of Object.entries(probe.files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  fs.symlinkSync(path.join(parser.policy, 'abi'), path.join(root, 'abi'));
  const open = (p: string): void => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const n of fs.readdirSync(p)) if (n !== 'abi') open(path.join(p, n));
  };
  open(tree.dir);
  for (const name of probe.locked ?? []) fs.chmodSync(path.join(root, name), 0o000);
  return { dir: root, dispose: () => tree.dispose() };
}

const PARSERS: readonly { label: string; parser: RealParser | undefined; missing: string }[] = [
  { label: 'the system apparmor_parser', parser: systemParser, missing: `apparmor_parser is not installed at ${SYSTEM_PARSER}` },
  { label: 'apparmor_parser 4.x', parser: parser4 !== systemParser ? parser4 : undefined, missing: parser4 ? 'the system parser is already 4.x' : PARSER4_MISSING },
];

for (const { label, parser, missing } of PARSERS) {
  for (const probe of PROBES) {
    const how = unprivileged();
    const skip = !parser ? missing : probe.locked && 'skip' in how ? how.skip : false;
    test(`${probe.name}: apparmor-lint gives the verdict of ${parser ? `apparmor_parser ${parser.version}` : label}`, { skip }, () => {
      const tree = makeTree(parser!, probe);
      try {
        const prefix = probe.locked && 'prefix' in how ? how.prefix : [];
        const features = parser!.features ? ['--kernel-features', parser!.features] : [];
        for (const name of probe.locked ?? []) {
          // The setup itself: the user both programs run as cannot read what is locked.
          assert.equal(run([...prefix, '/usr/bin/test'], ['-r', path.join(tree.dir, name)]).status, 1, `${name} is still readable`);
        }
        const file = path.join(tree.dir, 'prof');
        const real = run([...prefix, parser!.path], ['-Q', '-K', ...features, '-I', tree.dir, '--base', tree.dir, file]);
        const ours = run([...prefix, process.execPath, CLI], ['-I', tree.dir, '-f', 'gcc', file]);
        assert.ok(ours.status === 0 || ours.status === 1, `apparmor-lint failed (${ours.status}): ${ours.output}`);
        const parserVerdict = real.status === 0 ? 'accepts' : 'rejects';
        const ourVerdict = ours.status === 0 ? 'accepts' : 'rejects';
        assert.equal(ourVerdict, parserVerdict, `apparmor_parser ${parserVerdict}: ${real.output.trim()}\napparmor-lint ${ourVerdict}: ${ours.output.trim()}`);
      } finally {
        tree.dispose();
      }
    });
  }
}

/** A policy tree of our own, for the tests that need no parser. */
function plainTree(files: Readonly<Record<string, string>>): { dir: string; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-included-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const BROKEN_TREE = { prof: 'profile p {\n  include <abstractions/broken>\n}\n', 'abstractions/broken': '  /a r,\n  /b rw\n' };

test('apparmor-lint shows where in the included file the error is: a note line (text, gcc) and "related" (json)', () => {
  const tree = plainTree(BROKEN_TREE);
  try {
    const file = path.join(tree.dir, 'prof');
    const broken = path.join(tree.dir, 'abstractions/broken');
    const gcc = run([process.execPath, CLI], ['-I', tree.dir, '-f', 'gcc', file]);
    assert.equal(gcc.status, 1, gcc.output);
    assert.deepEqual(gcc.output.trim().split('\n'), [
      `${file}:2:3: error: The included file 'abstractions/broken' has 1 error, the first at line 2: This rule is missing its trailing comma: add "," after it. [include-errors]`,
      `${broken}:2:6: note: This rule is missing its trailing comma: add "," after it.`,
    ]);
    const text = run([process.execPath, CLI], ['-I', tree.dir, file]);
    assert.ok(text.output.includes(`\n${broken}:2:6: note: This rule is missing`), text.output);
    const json = JSON.parse(run([process.execPath, CLI], ['-I', tree.dir, '-f', 'json', file]).output) as { files: { diagnostics: { code: string; related?: unknown }[] }[] };
    assert.deepEqual(json.files[0]!.diagnostics[0]!.related, [{
      path: broken, range: { start: { line: 1, character: 5 }, end: { line: 1, character: 7 } }, message: 'This rule is missing its trailing comma: add "," after it.',
    }]);
  } finally {
    tree.dispose();
  }
});

test('the language server publishes the include line\'s error with relatedInformation into the included file', async () => {
  const tree = plainTree(BROKEN_TREE);
  const { session } = await LspSession.start({ initializationOptions: { includeDirs: [tree.dir] } });
  try {
    const uri = pathToUri(path.join(tree.dir, 'prof'));
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: BROKEN_TREE.prof } });
    const errors = (await session.diagnosticsFor(uri, 1)).filter((d) => d.severity === 1);
    assert.deepEqual(errors.map((d) => d.code), ['include-errors']);
    assert.deepEqual(errors[0]!.relatedInformation, [{
      location: { uri: pathToUri(path.join(tree.dir, 'abstractions/broken')), range: { start: { line: 1, character: 5 }, end: { line: 1, character: 7 } } },
      message: 'This rule is missing its trailing comma: add "," after it.',
    }]);
    assert.deepEqual(session.serverErrors, []);
  } finally {
    await session.close();
    tree.dispose();
  }
});
