import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findUntypeable, quoteForSh, toShellLine } from '../../client/src/core/shellQuote';
import { buildTerminalLine, terminalFilesIn } from '../../client/src/core/terminalLine';

const HOSTILE = [
  'a;rm -rf ~', '$(x)', '`id`', "it's", "'", "''", '"double"', 'back\\slash', 'a b  c', '', ' ',
  '*', '?', '[a]', '~', '~root', 'x=y', '-r', '--', '&&', '|', '>out', '<in', '!', '#comment', '{a,b}',
  '$HOME', '${HOME}', 'tab\there', 'new\nline', 'ünïcødé', '%s', '\\', 'a\'b"c$d`e',
];

/** What sh makes of a line: each word it ends up with, NUL-terminated by printf. */
function wordsOf(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

test('every hostile name comes back from sh exactly as it went in', () => {
  for (const name of HOSTILE) assert.deepEqual(wordsOf(quoteForSh(name)), [name], `quoted as ${quoteForSh(name)}`);
});

test('a hostile first word is a command name, never an assignment', () => {
  const out = execFileSync('sh', ['-c', `${toShellLine(['x=y', 'a'])} 2>&1; true`], { encoding: 'utf8' });
  assert.match(out, /x=y.*not found/);
});

test('a whole argument vector survives sh word for word', () => {
  assert.deepEqual(wordsOf(toShellLine(HOSTILE)), HOSTILE);
});

test('a file named like a command runs nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-quote-'));
  const canary = path.join(dir, 'canary');
  try {
    const names = [`a;touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `x' ; touch '${canary}`];
    assert.deepEqual(wordsOf(toShellLine(names)), names);
    assert.equal(fs.existsSync(canary), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('plain words stay readable, and words sh would treat specially are quoted', () => {
  assert.equal(toShellLine(['apparmor_parser', '-r', '-W', '/etc/apparmor.d/usr.bin.foo']), 'apparmor_parser -r -W /etc/apparmor.d/usr.bin.foo');
  assert.equal(toShellLine(['x=y', 'x=y', '=ls']), "'x=y' x=y '=ls'");
  assert.equal(toShellLine(['docker', '--security-opt', 'apparmor=docker-nginx']), 'docker --security-opt apparmor=docker-nginx');
  assert.equal(quoteForSh('~'), "'~'");
  assert.equal(quoteForSh(''), "''");
});

test('lines with control characters or past a terminal line are refused for typing', () => {
  assert.equal(findUntypeable(toShellLine(['sudo', 'a b'])), undefined);
  assert.match(findUntypeable(toShellLine(['new\nline']))!, /control/);
  assert.match(findUntypeable(toShellLine(['ctrl\x03c']))!, /control/);
  assert.match(findUntypeable(toShellLine(['x'.repeat(5000)]))!, /longer/);
});

test('the terminal line keeps the exit status and the output of a command, hostile names included', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-term $(x) 'q' "));
  try {
    const files = terminalFilesIn(dir);
    const argv = ['sh', '-c', 'printf "%s|" "$@"; echo oops >&2; exit 3', 'sh', 'a;rm -rf ~', '$(x)'];
    execFileSync('sh', ['-c', buildTerminalLine(argv, files)], { stdio: 'pipe' });
    assert.equal(fs.readFileSync(files.status, 'utf8').trim(), '3');
    const output = fs.readFileSync(files.output, 'utf8');
    assert.match(output, /a;rm -rf ~\|\$\(x\)\|/);
    assert.match(output, /oops/);
    assert.equal(fs.existsSync(`${files.status}.tmp`), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
