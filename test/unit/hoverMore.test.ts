import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { LineIndex } from '../../server/src/service/diagnostics';
import { doHover, type HoverContext } from '../../server/src/service/features/doHover';
import { memoryFs } from '../support/helpers';

const FILES = {
  '/etc/apparmor.d/tunables/global': 'include <tunables/home>\n',
  '/etc/apparmor.d/tunables/home': '# @{HOMEDIRS} is where user homes live.\n@{HOMEDIRS}=/home/\n\n# The home folder of every user,\n# root\'s included.\n@{HOME}=@{HOMEDIRS}/*/ /root/\n',
  '/etc/apparmor.d/abstractions/risky': 'capability sys_admin,\ncapability chown,\n/tmp/** rw,\n/usr/bin/* ux,\nnetwork inet stream,\ninclude <abstractions/more>\n',
  '/etc/apparmor.d/abstractions/more': '/etc/more r,\ndbus send bus=session,\n',
};

/** The hover's markdown at the first `needle` in `text`, `delta` characters into it. */
function hoverAt(text: string, needle: string, delta: number, extra: Partial<HoverContext> = {}): string | undefined {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  const ast = analyzer.analyze('/ws/p', text).parse.ast;
  const h = doHover(ast, new LineIndex(text), text.indexOf(needle) + delta, { analyzer, path: '/ws/p', text, ...extra });
  return h ? (h.contents as { value: string }).value : undefined;
}

test('hover on -> target: where the profile is defined, or that none is', () => {
  const text = 'profile p {\n  /usr/bin/a Px -> helper,\n  /usr/bin/b Px -> other,\n  /usr/bin/c Cx -> kid,\n  /usr/bin/d Px -> ghost,\n  profile kid { }\n}\nprofile helper /usr/bin/a { }\n';
  const find = (name: string) => (name === 'other' ? [{ path: '/ws/other', line: 3 }] : []);
  assert.match(hoverAt(text, 'helper,', 2, { findProfile: find })!, /profile `helper`, defined in:\n\n- this file, line 8 \(attaches to `\/usr\/bin\/a`\)/);
  assert.match(hoverAt(text, 'other,', 2, { findProfile: find })!, /- `\/ws\/other`, line 3/);
  assert.match(hoverAt(text, 'kid,', 1, { findProfile: find })!, /this file, line 6/);
  assert.match(hoverAt(text, 'ghost', 1, { findProfile: find })!, /no profile `ghost` is defined/);
});

test('hover on an abi names what it mediates, and what it does not', () => {
  const three = hoverAt('abi <abi/3.0>,\nprofile p { }\n', 'abi/3.0', 2)!;
  assert.match(three, /Mediates: `capability`, `network`, `unix`, `dbus`, `signal`, `ptrace`, `mount`/);
  assert.match(three, /Not under this ABI: `userns`, `mqueue`, `io_uring`, `all`/);
  const four = hoverAt('abi <abi/4.0>,\nprofile p { }\n', 'abi/4.0', 2)!;
  assert.match(four, /`userns`/);
  assert.doesNotMatch(four, /Not under this ABI/);
});

test('hover on an include says what it grants, the powerful items marked', () => {
  const md = hoverAt('profile p {\n  include <abstractions/risky>\n}\n', 'abstractions/risky', 3)!;
  assert.match(md, /- files: 2 read, 1 write, 1 exec rules/);
  assert.match(md, /- capabilities: chown, \*\*sys_admin\*\* ⚠️/);
  assert.match(md, /- network: 1 rule/);
  assert.match(md, /- dbus: 1 rule/, 'the rules of the files it includes count too');
  assert.match(md, /Powerful:\n- ⚠️ `capability sys_admin,` — line 1\n- ⚠️ `\/usr\/bin\/\* ux,` — line 4/);
});

test('hover on @{HOME} expands it all the way, with the tunable\'s own comment', () => {
  const md = hoverAt('include <tunables/global>\nprofile p {\n  @{HOME}/.p r,\n}\n', '@{HOME}/.p', 3)!;
  assert.match(md, /^\*\*@\{HOME\}\*\*\n\nThe home folder of every user, root's included\./);
  assert.match(md, /Expands to: `\/home\/\*\/` `\/root\/`/);
});
