import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { Linter } from '../../server/src/node/lintFiles';
import { parserFor, rejection, SYSTEM_PARSER } from '../support/parsers';

const SNIPPETS = path.resolve(__dirname, '../../../snippets/apparmor.json');
const INCLUDES = '/etc/apparmor.d';
const haveTree = fs.existsSync(path.join(INCLUDES, 'abstractions/base'));

/** The AppArmor a snippet says it needs ("(AppArmor 4.0)" in its description), else 3.0. */
const needsOf = (description: string): string => /\(AppArmor (\d+\.\d+)\)/.exec(description)?.[1] ?? '3.0';

/**
 * Why the real parser is not asked about a snippet: none recent enough. The system's judges
 * 3.0 snippets with /etc/apparmor.d; a 4.x one (.ci/install-parser4) those that need 4.0, with its own tree.
 */
function parserSkip(description: string): string | false {
  const found = parserFor(needsOf(description));
  if ('skip' in found) return found.skip;
  return found.parser.path === SYSTEM_PARSER && !haveTree ? `no policy tree at ${INCLUDES} for apparmor_parser (apt-get install apparmor)` : false;
}

/** Expands a snippet body with every placeholder at its default (first choice, empty tab stops). */
export function expand(body: string[]): string {
  const defaults = new Map<string, string>();
  let text = body.join('\n');
  const placeholder = /\$\{(\d+):((?:[^{}\\]|\\.|\{[^{}]*\})*)\}|\$\{(\d+)\|([^|]*)\|\}|\$(\d+)/;
  for (let m = placeholder.exec(text); m; m = placeholder.exec(text)) {
    let value: string;
    if (m[1] !== undefined) value = defaults.get(m[1]) ?? m[2]!;
    else if (m[3] !== undefined) value = defaults.get(m[3]) ?? m[4]!.split(',')[0]!;
    else value = defaults.get(m[5]!) ?? '';
    defaults.set(m[1] ?? m[3] ?? m[5]!, value);
    text = text.slice(0, m.index) + value + text.slice(m.index + m[0].length);
  }
  return text.replace(/\\([}$\\])/g, '$1');
}

const snippets = JSON.parse(fs.readFileSync(SNIPPETS, 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;

/** Whole-file snippets stand alone; the rest go inside a profile. */
function asProfile(body: string[]): string {
  const text = expand(body);
  return /^(abi|include <tunables)/.test(text) ? text : `include <tunables/global>\nprofile snippet-test {\n${text}\n}\n`;
}

test('the snippet expander fills defaults and first choices', () => {
  assert.equal(expand(['${1:a} ${2|x,y|} $1 ${1:b} $0 @{HOME\\}']), 'a x a a  @{HOME}');
});

for (const [name, snippet] of Object.entries(snippets)) {
  test(`snippet "${name}" expanded with its defaults passes our checker`, { skip: haveTree ? false : 'needs /etc/apparmor.d (apt-get install apparmor)' }, () => {
    assert.ok(snippet.description.length > 10);
    const text = asProfile(snippet.body);
    const linter = new Linter({ includeDirs: [INCLUDES] });
    const errors = linter.lintText('/tmp/snippet-test', text).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((e) => e.message), [], text);
  });
  test(`snippet "${name}" expanded with its defaults is accepted by apparmor_parser`, { skip: parserSkip(snippet.description) }, () => {
    const found = parserFor(needsOf(snippet.description));
    assert.ok('parser' in found);
    const text = asProfile(snippet.body);
    const message = rejection(found.parser, text, { name: 'snippet-test' });
    assert.equal(message, undefined, `apparmor_parser ${found.parser.version}: ${message}\n${text}`);
  });
}
