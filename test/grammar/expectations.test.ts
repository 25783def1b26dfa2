import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadGrammarAt, ROOT, tokenize } from './engine';

/** The expectations files' grammar (syntaxes/apparmor-test.tmLanguage.json) on VS Code's engine. */
test('expectations grammar: keywords, profile, access words, paths, comments', async () => {
  const grammar = await loadGrammarAt(path.join(ROOT, 'syntaxes/apparmor-test.tmLanguage.json'), 'source.apparmor-test');
  const lines = tokenize(grammar, '# tests\nfile ../usr.sbin.web\nallow web r /etc/web/x.conf # why\ndeny  web signal send set=term peer=unconfined\n');
  const scopeOf = (line: number, text: string): string => lines[line]!.find((t) => t.text === text)?.scopes.at(-1) ?? `no token '${text}'`;
  assert.equal(scopeOf(0, '# tests'), 'comment.line.number-sign.apparmor-test');
  assert.equal(scopeOf(1, 'file'), 'keyword.other.file.apparmor-test');
  assert.equal(scopeOf(1, '../usr.sbin.web'), 'string.unquoted.path.apparmor-test');
  assert.equal(scopeOf(2, 'allow'), 'keyword.control.allow.apparmor-test');
  assert.equal(scopeOf(2, 'web'), 'entity.name.type.profile.apparmor-test');
  assert.equal(scopeOf(2, 'r'), 'storage.modifier.permission.apparmor-test');
  assert.equal(scopeOf(2, '/etc/web/x.conf'), 'string.unquoted.path.apparmor-test');
  assert.equal(scopeOf(2, '# why'), 'comment.line.number-sign.apparmor-test');
  assert.equal(scopeOf(3, 'deny'), 'keyword.control.deny.apparmor-test');
  assert.equal(scopeOf(3, 'signal'), 'keyword.other.rule.apparmor-test');
  assert.equal(scopeOf(3, 'set'), 'variable.parameter.apparmor-test');
});
