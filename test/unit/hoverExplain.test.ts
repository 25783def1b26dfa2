import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { LineIndex } from '../../server/src/service/diagnostics';
import { doHover } from '../../server/src/service/features/doHover';
import { explainPath } from '../../server/src/service/features/explainPath';
import { exampleMatches, nearMissCandidates } from '../../server/src/service/features/globExamples';
import { matchesGlob } from '../../server/src/service/logs/glob';
import { memoryFs } from '../support/helpers';
import { pick, rng } from '../support/random';

/** A glob of every form the matcher knows, nested alternations included. */
function randomGlob(random: () => number, depth = 0): string {
  const pieces: string[] = [];
  const n = 1 + Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const kind = pick(random, ['/', 'lit', 'lit', '*', '**', '?', 'class', 'neg', 'alt', 'esc', '/']);
    switch (kind) {
      case 'lit': pieces.push(pick(random, ['etc', 'a', 'x.conf', 'lib-1', '_d'])); break;
      case 'class': pieces.push(pick(random, ['[abc]', '[a-z]', '[0-9]', '[-x]', '[.a]', '[\\]a]'])); break;
      case 'neg': pieces.push(pick(random, ['[^a]', '[^a-z]', '[^/]', '[^0-9x]'])); break;
      case 'alt': pieces.push(depth < 2 ? `{${randomGlob(random, depth + 1)},${randomGlob(random, depth + 1)}${random() < 0.3 ? ',' : ''}}` : 'b'); break;
      case 'esc': pieces.push(pick(random, ['\\*', '\\{', '\\?', '\\,'])); break;
      default: pieces.push(kind);
    }
  }
  return (depth === 0 ? '/' : '') + pieces.join('');
}

test('every example a glob gives matches it, and every near miss it keeps does not, with the evaluator\'s matcher', () => {
  const random = rng(13);
  let withMiss = 0;
  for (let i = 0; i < 3000; i++) {
    const glob = randomGlob(random);
    const examples = exampleMatches(glob, 3);
    assert.ok(examples.length > 0, `no example for ${glob}`);
    for (const e of examples) assert.ok(matchesGlob(glob, e), `${JSON.stringify(e)} should match ${glob}`);
    const miss = nearMissCandidates(glob).find((m) => !matchesGlob(glob, m.path));
    if (miss) withMiss++;
    else if (process.env['SHOW_MISSES']) console.log(glob);
    // The hover shows what it keeps: recheck it from the markdown.
    const md = explainPath(glob, new Map());
    const shown = /For example: (.*)/.exec(md)?.[1]?.split(', ').map((s) => s.slice(1, -1)) ?? [];
    for (const e of shown) assert.ok(matchesGlob(glob, e), `shown ${e} should match ${glob}`);
    const not = /Not: `([^`]*)`/.exec(md)?.[1];
    if (not !== undefined) assert.ok(!matchesGlob(glob, not), `near miss ${not} should not match ${glob}`);
  }
  assert.ok(withMiss > 2900, `a near miss for almost every glob (${withMiss} of 3000)`);
});

test('the near miss shows what each wildcard refuses', () => {
  const miss = (glob: string): string | undefined => nearMissCandidates(glob).find((m) => !matchesGlob(glob, m.path))?.path;
  assert.equal(miss('/etc/*.conf'), '/etc/a/b.conf');
  assert.equal(miss('/var/log/**'), '/var/log/');
  assert.equal(miss('/dev/tty?'), '/dev/ttyab');
  assert.equal(miss('/dev/sd[ab]'), '/dev/sdx');
  assert.equal(miss('/dev/sd[^ab]'), '/dev/sda');
  assert.equal(miss('/etc/passwd'), '/etc/passwd/');
  assert.equal(miss('/etc/ssl/'), '/etc/ssl');
  const alts = exampleMatches('/usr/{bin,lib{32,64}}/x', 4);
  assert.ok(alts.includes('/usr/bin/x') && alts.some((a) => /lib(32|64)/.test(a)), `every branch taken: ${alts.join(' ')}`);
});

const FILES = {
  '/etc/apparmor.d/tunables/global': 'include <tunables/home>\n',
  '/etc/apparmor.d/tunables/home': '@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n',
  '/etc/apparmor.d/tunables/more': '@{HOMEDIRS}+=/srv/homes/\n',
  '/etc/apparmor.d/abstractions/base': '/etc/ld.so.cache r,\n/usr/lib/** mr,\n',
};

function hover(text: string, needle: string, delta = 1): string {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  const analysis = analyzer.analyze('/ws/p', text);
  const h = doHover(analysis.parse.ast, new LineIndex(text), text.indexOf(needle) + delta, { analyzer, path: '/ws/p', text, analysis });
  return h ? (h.contents as { value: string }).value : '';
}

test('hover on a path: in words, variables expanded with += across includes, examples and a near miss', () => {
  const text = 'include <tunables/global>\ninclude <tunables/more>\nprofile p {\n  owner @{HOME}/.config/app/** rw,\n}\n';
  const md = hover(text, '/.config', 2);
  assert.match(md, /`@\{HOME\}` = `@\{HOMEDIRS\}\/\*\/` `\/root\/`/);
  assert.match(md, /Expands to 3 globs: `\/home\/\*\/.config\/app\/\*\*`, `\/srv\/homes\/\*\/.config\/app\/\*\*`, `\/root\/.config\/app\/\*\*`/);
  assert.match(md, /`\*\*`: any characters, `\/` included/);
  assert.match(md, /For example: `\/home\/app\/.config\/app\/app`/);
  assert.match(md, /\/srv\/homes\//, 'an example from the value += added');
  assert.match(md, /Not: `\/home\/a\/b\/.config\/app\/app` \(`\*` does not match across `\/`\)/);
});

test('hover on a plain path and on a directory glob says it in one sentence', () => {
  assert.match(hover('profile p {\n  /etc/hosts r,\n}\n', '/etc/hosts', 2), /Matches exactly the file `\/etc\/hosts`\./);
  assert.match(hover('profile p {\n  /etc/ssl/** r,\n}\n', '/etc/ssl', 2), /Matches everything below `\/etc\/ssl\/`, at any depth/);
  assert.match(hover('profile p {\n  /etc/ssl/* r,\n}\n', '/etc/ssl', 2), /Matches every file directly in `\/etc\/ssl\/`/);
  assert.match(hover('/etc/x/@{NOPE} r,\n', '/etc/x', 2), /`@\{NOPE\}` has no value here[\s\S]*Matches nothing until/);
});

test('hover on a rule: already allowed by a line or an abstraction, cancelled by a deny rule, or new', () => {
  const text = [
    'include <tunables/global>',
    'profile p {',
    '  include <abstractions/base>',
    '  /etc/** r,',
    '  /etc/hosts r,',
    '  /usr/lib/libx.so m,',
    '  deny /etc/shadow w,',
    '  /etc/shadow rw,',
    '  /opt/app/*.log w,',
    '  deny /opt/app/debug.log w,',
    '  deny /srv/** w,',
    '  capability chown,',
    '}',
    '',
  ].join('\n');
  assert.match(hover(text, '/etc/hosts'), /`r`: already allowed by \[line 4\]\(file:\/\/\/ws\/p#L4\) `\/etc\/\*\* r,`/);
  assert.match(hover(text, '/usr/lib/libx'), /`m`: already allowed by \[abstraction `abstractions\/base` line 2\]\(file:\/\/\/etc\/apparmor.d\/abstractions\/base#L2\)/);
  const shadow = hover(text, '/etc/shadow rw', 2);
  assert.match(shadow, /`r`: already allowed by \[line 4\]/);
  assert.match(shadow, /`w`: cancelled by the deny rule at \[line 7\]/);
  assert.match(hover(text, '/opt/app/*.log'), /`w`: newly allowed/);
  assert.match(hover(text, 'deny /opt', 6), /this deny rule:\n\n- `w`: takes away what \[line 9\]/);
  assert.match(hover(text, 'deny /srv', 6), /`w`: no other rule allows it: this rule only keeps the denial out of the log/);
  assert.match(hover(text, 'chown', 2), /`chown`: newly allowed/);
  assert.match(hover(text, 'capability', 2), /\*\*capability\*\*[\s\S]*`chown`: newly allowed/, 'the keyword\'s hover says it too');
});

test('hover on a rule: owner rules count only for the owner, and a hat is a profile of its own', () => {
  const text = [
    'profile p {',
    '  owner /srv/** w,',
    '  /srv/a w,',
    '  /var/** r,',
    '  owner /var/x r,',
    '  ^hat {',
    '    /var/y r,',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.match(hover(text, '/srv/a'), /`w`: newly allowed: no other rule allows it/, 'an owner rule does not cover every file');
  assert.match(hover(text, '/var/x'), /`r`: already allowed by \[line 4\]/, 'a rule for every file covers the owner\'s');
  assert.match(hover(text, '/var/y'), /In profile `p\/\/hat`[\s\S]*`r`: newly allowed/, 'the parent\'s rules do not reach a hat');
});

test('hover on a rule whose path matches nothing says so, and nothing of what it adds', () => {
  const md = hover('profile p {\n  @{NOPE}/x r,\n  /a/[z-a] r,\n}\n', '/x r');
  assert.match(md, /Matches nothing until every variable in it has a value/);
  assert.doesNotMatch(md, /In profile/);
  assert.match(hover('profile p {\n  @{NOPE}/x r,\n  /a/[z-a] r,\n}\n', '[z-a]'), /Malformed: it matches nothing/);
});
