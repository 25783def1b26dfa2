import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildFilenamePatterns, FIRST_LINE } from '../../client/src/core/filePatterns';
import { CLIENT_SETTING_KEYS, RESTRICTED_SETTING_KEYS, SERVER_SETTING_KEYS } from '../../client/src/core/settings';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** Every setting's schema, from all the configuration groups. */
const settingSchemas = Object.assign({}, ...(manifest.contributes.configuration as { properties: object }[]).map((c) => c.properties));
const language = manifest.contributes.languages.find((l: { id: string }) => l.id === 'apparmor');

/** Splits at commas outside brackets and braces, as VS Code does for `{a,b}`. */
function splitAlternatives(body: string): string[] {
  const out = [''];
  let depth = 0;
  for (const c of body) {
    if (c === ',' && depth === 0) out.push('');
    else {
      if (c === '[' || c === '{') depth++;
      if (c === ']' || c === '}') depth--;
      out[out.length - 1] += c;
    }
  }
  return out;
}

/** VS Code's glob semantics for these patterns: `**` any folders, `*` and `?` within a segment, `[!…]` negated classes, `{…}` alternatives holding globs. */
function globToRegExp(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) { re += '(?:.*/)?'; i += 2; }
    else if (glob.startsWith('**', i)) { re += '.*'; i += 1; }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      let depth = 0;
      let end = i;
      for (; end < glob.length; end++) {
        if (glob[end] === '{') depth++;
        if (glob[end] === '}' && --depth === 0) break;
      }
      re += `(?:${splitAlternatives(glob.slice(i + 1, end)).map(globToRegExp).join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return re;
}

function isAppArmorPath(file: string): boolean {
  const patterns = (language.filenamePatterns as string[]).map((g) => new RegExp(`^${globToRegExp(g)}$`));
  return patterns.some((p) => p.test(file)) || (language.extensions as string[]).some((e) => file.endsWith(e));
}

test('filenamePatterns in package.json are the generated list', () => {
  assert.deepEqual(language.filenamePatterns, buildFilenamePatterns());
});

test('files of apparmor.d trees and usr.bin.* files are AppArmor, except abi/, cache/, disable/ and force-complain/', () => {
  const yes = [
    '/etc/apparmor.d/usr.bin.foo', '/etc/apparmor.d/tunables/global', '/etc/apparmor.d/tunables/home.d/ubuntu',
    '/etc/apparmor.d/abstractions/base', '/etc/apparmor.d/abstractions/base.d/x', '/etc/apparmor.d/local/usr.bin.foo',
    '/etc/apparmor.d/apache2.d/phpsysinfo', '/home/me/src/policy/apparmor.d/groups/x', '/etc/apparmor.d/a/x',
    '/etc/apparmor.d/abix/x', '/etc/apparmor.d/cached/x', '/etc/apparmor.d/forced/x', '/etc/apparmor.d/force-complaint/x',
    '/etc/apparmor.d/d/x', '/etc/apparmor.d/disabled-not/x', '/srv/x.apparmor',
    '/home/me/src/profiles/usr.bin.webapp', '/home/me/usr.sbin.nginx', '/tmp/usr.lib.snapd.snap-confine',
  ];
  const no = [
    '/etc/apparmor.d/abi/3.0', '/etc/apparmor.d/abi/kernel-5.4-outoftree-network', '/etc/apparmor.d/cache/usr.bin.foo',
    '/etc/apparmor.d/disable/usr.bin.foo', '/etc/apparmor.d/force-complain/usr.bin.foo', '/etc/apparmor.d/cache/sub/x',
    '/home/me/.profile', '/etc/profile', '/etc/apparmor/parser.conf', '/home/me/apparmor.d.md',
    '/home/me/usr.bin.', '/home/me/bin.zip', '/usr/bin/foo', '/etc/apparmor.d/disable/usr.bin.foo', '/etc/apparmor.d/cache/usr.sbin.nginx',
  ];
  for (const f of yes) assert.ok(isAppArmorPath(f), `${f} should be AppArmor`);
  for (const f of no) assert.ok(!isAppArmorPath(f), `${f} should not be AppArmor`);
});

test('the first-line pattern knows AppArmor files and nothing else', () => {
  assert.equal(language.firstLine, FIRST_LINE);
  const re = new RegExp(FIRST_LINE);
  const yes = ['abi <abi/4.0>,', '#include <tunables/global>', 'include <tunables/global>', 'include if exists <tunables/x>',
    'profile foo /usr/bin/foo {', 'profile docker-nginx flags=(attach_disconnected,mediate_deleted) {', '# vim:syntax=apparmor',
    '# vim: ft=apparmor', '# vim: set filetype=apparmor :'];
  const no = ['#!/bin/sh', '# ~/.profile: executed by the command interpreter for login shells.', '#include <stdio.h>',
    'include <abstractions/base>', 'profile', 'export PROFILE=foo', '# vim: ft=sh', '[profile default]'];
  for (const l of yes) assert.match(l, re);
  for (const l of no) assert.doesNotMatch(l, re);
});

test('never .profile: the language claims only the .apparmor extension', () => {
  assert.deepEqual(language.extensions, ['.apparmor']);
});

test('contributes.configuration matches the server\'s Settings plus the client-only settings', () => {
  const source = fs.readFileSync(path.join(ROOT, 'server/src/workspace.ts'), 'utf8');
  const body = /export interface Settings \{([\s\S]*?)\n\}/.exec(source)![1]!;
  const serverKeys = [...body.matchAll(/^\s*readonly '?([\w.]+)'?\??:/gm)].map((m) => m[1]);
  assert.deepEqual([...serverKeys].sort(), [...SERVER_SETTING_KEYS].sort(), 'SERVER_SETTING_KEYS must list the server\'s Settings');
  const contributed = Object.keys(settingSchemas).map((k) => k.replace(/^apparmor\./, ''));
  assert.deepEqual(contributed.sort(), [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].sort());
  for (const [key, schema] of Object.entries<{ markdownDescription?: string; description?: string; scope?: string }>(settingSchemas)) {
    assert.ok((schema.markdownDescription ?? schema.description ?? '').length > 20, `${key} needs a description`);
    assert.ok(schema.scope, `${key} needs a scope`);
  }
});

test('untrusted workspaces: settings naming programs or arguments are restricted', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.deepEqual(untrusted.restrictedConfigurations, RESTRICTED_SETTING_KEYS.map((k) => `apparmor.${k}`));
});

test('every command is declared, registered by the extension, and only shown in menus it exists for', () => {
  const declared = (manifest.contributes.commands as { command: string; title: string; category: string }[]);
  const extension = fs.readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8');
  const registered = [...extension.matchAll(/'(apparmor\.\w+)'/g)].map((m) => m[1]);
  assert.deepEqual(declared.map((c) => c.command).sort(), [...new Set(registered)].sort());
  for (const c of declared) assert.equal(c.category, 'AppArmor');
  const ids = new Set(declared.map((c) => c.command));
  for (const [menu, items] of Object.entries<{ command: string }[]>(manifest.contributes.menus)) {
    for (const item of items) assert.ok(ids.has(item.command), `${menu} names ${item.command}`);
  }
  for (const id of ['apparmor.loadProfile', 'apparmor.unloadProfile', 'apparmor.checkProfile', 'apparmor.setComplainMode',
    'apparmor.setEnforceMode', 'apparmor.showLoadedProfiles', 'apparmor.copyDockerRunCommand', 'apparmor.restartServer']) assert.ok(ids.has(id), id);
});

test('the manifest points at files that exist (or that the build makes)', () => {
  assert.equal(manifest.main, './dist/extension.js');
  for (const f of [manifest.icon, language.configuration, ...manifest.contributes.snippets.map((s: { path: string }) => s.path)]) {
    assert.ok(fs.existsSync(path.join(ROOT, f)), f);
  }
  assert.equal(manifest.contributes.grammars[0].scopeName, 'source.apparmor');
  // Expectations files (apparmor-lint --test): their language, and a grammar kept in the repository and packaged.
  const tests = manifest.contributes.grammars.find((g: { language: string }) => g.language === 'apparmor-test');
  assert.ok(manifest.contributes.languages.some((l: { id: string; extensions: string[] }) => l.id === 'apparmor-test' && l.extensions.includes('.apparmor-test')));
  assert.equal(JSON.parse(fs.readFileSync(path.join(ROOT, tests.path), 'utf8')).scopeName, tests.scopeName);
  assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!syntaxes\/apparmor-test\.tmLanguage\.json$/m);
  assert.match(manifest.engines.vscode, /^\^1\.(9\d|100)\.0$/, 'VS Code 1.90 to 1.100 (code-server 4.100.3) must be able to install it');
});
