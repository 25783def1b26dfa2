import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeSource, ShownSource, summarizeSources, withSource } from '../../client/src/core/denialSources';
import type { DenialsResult } from '../../server/src/protocol';

const EMPTY: DenialsResult = { groups: [], records: 0, unparsed: 0, unparsedLines: [], skipped: [] };

function result(records: number, rules: number): DenialsResult {
  const rule = { text: '/a r,', deny: 'deny /a r,', literals: [], class: 'file', count: 1, operation: 'open', operations: ['open'], samples: [], allowed: false };
  return { ...EMPTY, records, groups: rules > 0 ? [{ profile: 'p', hat: false, count: rules, operations: ['open'], rules: Array.from({ length: rules }, () => rule) }] as unknown as DenialsResult['groups'] : [] };
}

const log = (label: string): ShownSource['source'] => ({ kind: 'log', label, notes: [] });
const kernel = (label: string, notes: string[] = [], target?: string): ShownSource['source'] => ({ kind: 'kernel', label, notes, ...(target ? { target } : {}) });

test('a source says what it is: a log, the kernel of this machine, the kernel of the target', () => {
  assert.equal(describeSource(log('denials.log')), 'log denials.log');
  assert.equal(describeSource(kernel('journalctl -k')), 'kernel of this machine (journalctl -k)');
  assert.equal(describeSource(kernel('dmesg on web1', [], 'web1')), 'kernel of web1 (dmesg)');
});

test('reading the kernel adds a source beside the log; another log replaces the log, keeping its place', () => {
  let shown = withSource([], { source: log('a.log'), result: result(4, 3) });
  shown = withSource(shown, { source: kernel('dmesg'), result: result(2, 1) });
  assert.deepEqual(shown.map((s) => s.source.label), ['a.log', 'dmesg']);
  shown = withSource(shown, { source: log('selection of b.log'), result: result(1, 1) });
  assert.deepEqual(shown.map((s) => s.source.label), ['selection of b.log', 'dmesg']);
  shown = withSource(shown, { source: kernel('journalctl -k'), result: EMPTY });
  assert.deepEqual(shown.map((s) => s.source.label), ['selection of b.log', 'journalctl -k']);
});

test('the header names each source with its counts', () => {
  const one = summarizeSources([{ source: log('a.log'), result: result(4, 3) }]);
  assert.equal(one.description, 'log a.log');
  assert.equal(one.message, 'Log a.log: 3 rules for 1 profile from 4 AppArmor records.');
  assert.equal(one.badge, 3);
  const two = summarizeSources([{ source: log('a.log'), result: result(4, 3) }, { source: kernel('dmesg'), result: result(2, 1) }]);
  assert.equal(two.description, 'log a.log + kernel of this machine (dmesg)');
  assert.equal(two.message, 'Log a.log: 3 rules for 1 profile from 4 AppArmor records. Kernel of this machine (dmesg): 1 rule for 1 profile from 2 AppArmor records.');
  assert.equal(two.badge, 4);
});

test('an empty source says where it looked', () => {
  const notes = ['dmesg: no AppArmor records in 812 lines.', 'journalctl -k: permission denied (needs the adm group or root).'];
  const k = summarizeSources([{ source: kernel('dmesg', notes), result: EMPTY }]);
  assert.equal(k.message, 'Kernel of this machine (dmesg): No AppArmor records. Looked at dmesg: no AppArmor records in 812 lines; journalctl -k: permission denied (needs the adm group or root).');
  assert.equal(summarizeSources([{ source: log('x.log'), result: { ...EMPTY, unparsed: 2 } }]).message, 'Log x.log: No AppArmor records (2 lines could not be read).');
  assert.deepEqual(summarizeSources([]), { description: '', message: '', badge: 0 });
});
