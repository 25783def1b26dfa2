import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { severityOf } from '../../server/src/service/diagnosticRules';
import {
  allowsRecord, AuditRecord, blockOf, describeAccess, parseLog, Proposals, proposeRules, ruleSetOf,
} from '../../server/src/service/logs';
import { analyzerFor, FIXTURES, Fixture, fixtures, parserRejection, profileWith } from '../support/denials';
import { parserFor } from '../support/parsers';

const PROPOSED = new Set(['DENIED', 'ALLOWED', 'KILLED']);

/**
 * Why apparmor_parser cannot judge a fixture here, or false when it can: the installed one
 * judges abi 3.0 fixtures, a 4.x one (.ci/install-parser4) those whose rules need abi 4.0.
 */
function parserSkip(f: Fixture): string | false {
  const found = parserFor(f.abi);
  return 'skip' in found ? `${found.skip} (userns, io_uring, mqueue, fine-grained network)` : false;
}

function errorsIn(f: Fixture, text: string): string[] {
  const problems = analyzerFor(f.abi).analyze('/work/denials/profile', text, false).problems;
  return problems.filter((p) => severityOf(p.code) === 'error').map((p) => `${p.code} '${text.slice(p.start, p.end)}'`);
}

/** Records a rule was proposed for (denials no rule can fix are left out). */
function fixable(records: readonly AuditRecord[], proposals: Proposals): AuditRecord[] {
  const skipped = new Set(proposals.skipped.map((s) => s.record));
  return records.filter((r) => PROPOSED.has(r.mode) && !skipped.has(r));
}

/** The fixable records the profile text does not allow, each described. */
function notAllowed(f: Fixture, text: string, records: readonly AuditRecord[]): string[] {
  const analyzer = analyzerFor(f.abi);
  const file = '/work/denials/profile';
  const ast = analyzer.analyze(file, text, false).parse.ast;
  return records.filter((r) => {
    const block = blockOf(r.profile);
    const set = 'profile' in block ? ruleSetOf(analyzer, file, ast, block.profile) : undefined;
    return !set || !allowsRecord(set, r);
  }).map((r) => `line ${r.line + 1}: ${r.operation} ${r.fields['name'] ?? ''}`);
}

for (const f of fixtures()) {
  const log = parseLog(f.text);
  const proposals = proposeRules(log.records, f.options);
  const literal = proposeRules(log.records, { ...f.options, generalise: false });
  const records = fixable(log.records, proposals);

  test(`${f.name}: the proposed rules are the expected ones`, () => {
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, f.name.replace(/\.log$/, '.expected.json')), 'utf8'));
    const actual = {
      profiles: proposals.profiles.map((p) => ({ profile: p.profile, ...(p.hat ? { hat: true } : {}), rules: p.rules.map((r) => r.text) })),
      skipped: proposals.skipped.map((s) => s.record.line),
      unparsed: log.unparsed,
    };
    assert.deepEqual(actual, expected);
  });

  test(`${f.name}: inserted into profiles, the rules pass our checker (abi ${f.abi})`, () => {
    assert.deepEqual(errorsIn(f, profileWith(proposals, f.abi)), []);
    assert.deepEqual(errorsIn(f, profileWith(literal, f.abi)), []);
  });

  test(`${f.name}: inserted into profiles, the rules pass apparmor_parser`, { skip: parserSkip(f) }, () => {
    const found = parserFor(f.abi);
    assert.ok('parser' in found);
    // The parser's own tree decides whether the abi line can be written (a 4.x parser has abi/4.0).
    assert.equal(parserRejection(profileWith(proposals, f.abi, true, found.parser.policy), found.parser), undefined);
    assert.equal(parserRejection(profileWith(literal, f.abi, true, found.parser.policy), found.parser), undefined);
  });

  test(`${f.name}: the profiles then allow every logged access, and did not before`, () => {
    assert.ok(records.length > 0);
    assert.deepEqual(notAllowed(f, profileWith(proposals, f.abi), records), []);
    assert.deepEqual(notAllowed(f, profileWith(literal, f.abi), records), []);
    // The empty blocks already hold the hats change_hat asked for; nothing else is allowed yet.
    const needRules = records.filter((r) => { const a = describeAccess(r); return !('class' in a) || a.class !== 'change_hat'; });
    assert.equal(notAllowed(f, profileWith(proposals, f.abi, false), needRules).length, needRules.length);
  });
}

test('the fixtures cover every log form, every rule class and every apparmor= mode', (t) => {
  const all = fixtures().flatMap((f) => parseLog(f.text).records);
  const forms = new Set(all.map((r) => r.form));
  const classes = new Set(all.filter((r) => PROPOSED.has(r.mode)).map((r) => describeAccess(r)).flatMap((a) => ('class' in a ? [a.class] : [])));
  const modes = new Set(all.map((r) => r.mode));
  const execs = all.filter((r) => r.operation === 'exec' && PROPOSED.has(r.mode)).length;
  assert.deepEqual([...forms].sort(), ['auditd', 'dbus-syslog', 'dmesg', 'iso-syslog', 'kernel', 'legacy-type', 'syslog', 'user-avc']);
  assert.deepEqual([...classes].sort(), [
    'capability', 'change_hat', 'change_profile', 'dbus', 'file', 'io_uring', 'mount', 'mqueue', 'network', 'pivot_root',
    'ptrace', 'signal', 'umount', 'unix', 'userns',
  ]);
  assert.deepEqual([...modes].sort(), ['ALLOWED', 'AUDIT', 'DENIED', 'ERROR', 'HINT', 'KILLED', 'STATUS']);
  assert.ok(execs >= 3);
  t.diagnostic(`${fixtures().length} fixtures, ${all.length} records: ${forms.size} forms, ${classes.size} classes (exec among file), ${modes.size} modes`);
});
