import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { assertGrowth } from '../support/cost';
import { memoryFs } from '../support/helpers';

const D = '/etc/apparmor.d';

function globErrors(text: string, files: Record<string, string> = {}): string[] {
  const analyzer = new Analyzer({ fs: memoryFs(files), includeDirs: [D] });
  return analyzer.analyze('/work/p', text).problems.filter((p) => p.code === 'glob-syntax').map((p) => p.args['path']!);
}

test('globs are judged with their variables expanded, as apparmor_parser expands them', () => {
  const rules = (...r: string[]): string => `profile p {\n${r.map((x) => `  ${x} r,\n`).join('')}}\n`;
  // A value may supply either half of a brace, from the file or from a tunable it includes.
  assert.deepEqual(globErrors(`@{V}={a\n${rules('/srv/@{V},b}/x')}`), []);
  assert.deepEqual(globErrors(`@{V}=a,b}\n${rules('/srv/{x,@{V}/x')}`), []);
  assert.deepEqual(globErrors(`include <tunables/v>\n${rules('/srv/@{V},b}/x')}`, { [`${D}/tunables/v`]: '@{W}={a\n@{V}=@{W}\n' }), []);
  // Where the expansion is unbalanced the parser refuses it, even when the text looks whole.
  assert.deepEqual(globErrors(`@{V}={a\n${rules('/srv/@{V}/x')}`), ['/srv/@{V}/x']);
  assert.deepEqual(globErrors(`@{V}=a\n${rules('/srv/@{V},b}/x')}`), ['/srv/@{V},b}/x']);
  // Several values are one alternation: {{a,x},b} is whole; {a} and {{a,b}} have one alternative.
  assert.deepEqual(globErrors(`@{V}={a x\n${rules('/srv/@{V},b}/x')}`), []);
  assert.deepEqual(globErrors(`@{V}=a\n${rules('/srv/{@{V}}/x')}`), ['/srv/{@{V}}/x']);
  assert.deepEqual(globErrors(`@{V}=a b\n${rules('/srv/{@{V}}/x')}`), ['/srv/{@{V}}/x']);
  assert.deepEqual(globErrors(`@{V}=a,b\n${rules('/srv/{@{V}}/x')}`), []);
  // Unknown values leave the text as written to judge.
  assert.deepEqual(globErrors(rules('/srv/@{NOPE},b}/x', '/srv/{@{profile_name},b}')), ['/srv/@{NOPE},b}/x']);
});

test('expanding variables costs in proportion to the rules, however the variables nest', () => {
  // Each variable doubles the one before: expanded naively, the last would be 2^n long.
  const profile = (n: number): string => {
    const vars = ['@{V0}={a,b}'];
    for (let i = 1; i < 40; i++) vars.push(`@{V${i}}=@{V${i - 1}} @{V${i - 1}}`);
    const rules = Array.from({ length: n }, (_, i) => `  /srv/{@{V${i % 40}},x}/${i} r,\n`).join('');
    return `${vars.join('\n')}\nprofile p {\n${rules}}\n`;
  };
  const small = profile(500);
  const large = profile(2000);
  const run = (text: string) => (): void => { new Analyzer({ fs: memoryFs({}), includeDirs: [D] }).analyze('/work/p', text); };
  assertGrowth('expanded globs', run(small), run(large), 8, 50);
});
