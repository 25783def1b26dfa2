import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SECURITY_CODES } from '../../server/src/service/checks/checkSecurity';
import { analyzeFixture, fixtureAnalyzer, fixturesIn, PARSER_FIXTURES } from '../support/parserFixtures';
import { renderProblems, renderTree } from '../support/renderTree';

/**
 * Golden trees: each fixture in test/fixtures/parser/ parsed and checked, written out as
 * its tree, the parser's errors and the other findings (renderTree, renderProblems), and
 * compared with the `.tree` file beside it. Run with UPDATE_GOLDEN=1 to rewrite the `.tree`
 * files, then review their diff by eye before committing.
 */
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const analyzer = fixtureAnalyzer();

for (const fixture of fixturesIn(PARSER_FIXTURES)) {
  test(`golden tree: ${fixture}`, () => {
    const { text, analysis } = analyzeFixture(analyzer, PARSER_FIXTURES, fixture);
    const errors = new Set<object>(analysis.parse.errors);
    const actual = [
      renderTree(text, analysis.parse.ast),
      'errors:',
      renderProblems(text, analysis.parse.errors),
      'problems:',
      renderProblems(text, analysis.problems.filter((p) => !errors.has(p))),
    ].join('\n');
    const golden = path.join(PARSER_FIXTURES, fixture.replace(/\.apparmor$/, '.tree'));
    if (UPDATE) fs.writeFileSync(golden, actual);
    assert.ok(fs.existsSync(golden), `${golden} is missing: run the tests with UPDATE_GOLDEN=1`);
    assert.equal(actual, fs.readFileSync(golden, 'utf8'), `${fixture} parses differently from its golden file`);
  });
}

test('the valid fixtures parse without errors and check clean', () => {
  for (const fixture of ['profiles.apparmor', 'rules.apparmor']) {
    const { analysis } = analyzeFixture(analyzer, PARSER_FIXTURES, fixture);
    // profiles.apparmor keeps one '#include' on purpose: the tree records `legacy`.
    // Security advice is about valid rules (`ux`, a bare `file,`), which these fixtures show on purpose.
    assert.deepEqual(analysis.problems.map((p) => p.code).filter((c) => c !== 'legacy-include' && !SECURITY_CODES.includes(c)), [], fixture);
  }
});
