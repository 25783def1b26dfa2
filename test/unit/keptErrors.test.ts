import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ParseCache } from '../../server/src/node/parseCache';
import { Analyzer, AnalyzeOptions } from '../../server/src/service/analyze';
import type { ParseStore } from '../../server/src/service/includeGraph';
import type { FileSystem } from '../../server/src/service/includes';
import { MAX_INCLUDE_DEPTH } from '../../server/src/service/includes';
import { memoryFs } from '../support/helpers';

const D = '/etc/apparmor.d';
const PROFILE = `${D}/profiles/p`;

/** A policy tree and the settings it is checked with, as a test changes them. */
interface Inputs {
  files: Record<string, string>;
  unreadable: Record<string, string>;
  options: Partial<Pick<AnalyzeOptions, 'includeDirs' | 'base' | 'abi'>>;
}

function fsOf(inputs: Inputs): FileSystem {
  const inner = memoryFs(inputs.files);
  return {
    ...inner,
    readFile: (p) => (p in inputs.unreadable ? undefined : inner.readFile(p)),
    readDirectory: (p) => (p in inputs.unreadable ? [] : inner.readDirectory(p)),
    readError: (p) => inputs.unreadable[p],
  };
}

/** The profile's findings from a new analyzer, as in a fresh process; with `store` as its cache. */
function findings(inputs: Inputs, store?: ParseStore): string {
  const analyzer = new Analyzer({ fs: fsOf(inputs), includeDirs: [D], ...inputs.options, ...(store ? { parses: store } : {}) });
  return JSON.stringify(analyzer.analyze(PROFILE, inputs.files[PROFILE]!).problems);
}

/** A store as a process sees it: a new one reading what the last saved. */
function storeIn(t: { after(fn: () => void): void }): () => ParseCache {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-kept-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'x-00000000-00000000.v8parses');
  let last: ParseCache | undefined;
  return () => {
    last?.save();
    return (last = new ParseCache(file));
  };
}

/**
 * Checks the profile with the cache filled, changes one input of an included file's result
 * (never the profile's own text), and checks again: the findings must be those of a check
 * without any cache, and must differ from before (or the change would prove nothing).
 */
function assertInvalidates(t: { after(fn: () => void): void }, inputs: Inputs, change: (i: Inputs) => void): void {
  const fresh = storeIn(t);
  const before = findings(inputs, fresh());
  assert.equal(before, findings(inputs), 'the cache changes nothing');
  assert.equal(findings(inputs, fresh()), before, 'the cache, once saved, changes nothing');
  change(inputs);
  const after = findings(inputs);
  assert.notEqual(after, before, 'the change shows in the findings');
  assert.equal(findings(inputs, fresh()), after);
  assert.equal(findings(inputs, fresh()), after, 'what the changed inputs gave is kept in turn');
}

function tree(files: Record<string, string>, options: Inputs['options'] = {}): Inputs {
  return {
    files: { [`${D}/tunables/global`]: '@{HOME}=/home/*/\n', [PROFILE]: 'include <tunables/global>\nprofile p {\n  include <abstractions/a>\n}\n', ...files },
    unreadable: {},
    options,
  };
}

test('an edit of the included file invalidates its kept result', (t) => {
  assertInvalidates(t, tree({ [`${D}/abstractions/a`]: '/etc/a r,\n' }), (i) => {
    i.files[`${D}/abstractions/a`] = '/etc/a r,\ncapability bogus,\n';
  });
});

test('an edit of a file further below invalidates the results of every file above it', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/b>\n', [`${D}/abstractions/b`]: 'include <abstractions/c>\n', [`${D}/abstractions/c`]: '/c r,\n' });
  assertInvalidates(t, inputs, (i) => {
    i.files[`${D}/abstractions/c`] = '/c r\n/d r,\n';
  });
});

test('a changed variable the included file expands invalidates its result', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <tunables/v>\n/x/@{V}/** r,\n', [`${D}/tunables/v`]: '@{V}=good\n' });
  assertInvalidates(t, inputs, (i) => {
    i.files[`${D}/tunables/v`] = '@{V}={bad\n';
  });
});

test('a file that appears earlier in the search path invalidates results that resolved past it', (t) => {
  const early = '/early';
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/b>\n', [`${D}/abstractions/b`]: '/b r,\n' }, { includeDirs: [early, D] });
  assertInvalidates(t, inputs, (i) => {
    i.files[`${early}/abstractions/b`] = '/b r,\ncapability bogus,\n';
  });
});

test('a file added to an included folder invalidates the results that include it', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/a.d>\n', [`${D}/abstractions/a.d/one`]: '/one r,\n' });
  assertInvalidates(t, inputs, (i) => {
    i.files[`${D}/abstractions/a.d/two`] = 'capability bogus,\n';
  });
});

test('a file removed below invalidates the results that included it', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/b>\n', [`${D}/abstractions/b`]: '/b r,\n' });
  assertInvalidates(t, inputs, (i) => {
    delete i.files[`${D}/abstractions/b`];
  });
});

test('a file below that can no longer be read invalidates the results that include it', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/b>\n', [`${D}/abstractions/b`]: '/b r,\n' });
  assertInvalidates(t, inputs, (i) => {
    i.unreadable[`${D}/abstractions/b`] = 'permission denied';
  });
});

test('an included folder that can no longer be read invalidates the results that include it', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/a.d>\n', [`${D}/abstractions/a.d/one`]: '/one r,\n' });
  assertInvalidates(t, inputs, (i) => {
    i.unreadable[`${D}/abstractions/a.d`] = 'permission denied';
  });
});

test('another default ABI invalidates the results', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: '$B = maybe\n' }, { abi: '5.0' });
  assertInvalidates(t, inputs, (i) => {
    i.options = { abi: '4.0' };
  });
});

test('another base for relative includes invalidates the results', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include "b"\n', [`${D}/abstractions/b`]: '/b r,\n', '/other/b': 'capability bogus,\n' });
  assertInvalidates(t, inputs, (i) => {
    i.options = { base: '/other' };
  });
});

test('two files with one text keep a result each, naming each its own file', (t) => {
  const bad = '/a r,\ncapability bogus,\n';
  const inputs = tree({ [`${D}/abstractions/a`]: bad, [`${D}/abstractions/z`]: bad });
  inputs.files[PROFILE] = 'profile p {\n  include <abstractions/a>\n  include <abstractions/z>\n}\n';
  const fresh = storeIn(t);
  const plain = findings(inputs);
  assert.match(plain, /abstractions\/z/);
  assert.equal(findings(inputs, fresh()), plain);
  assert.equal(findings(inputs, fresh()), plain);
});

test('files in an include cycle are checked afresh each time, with the findings of no cache', (t) => {
  const inputs = tree({ [`${D}/abstractions/a`]: 'include <abstractions/b>\ncapability bogus,\n', [`${D}/abstractions/b`]: 'include <abstractions/a>\n/b r\n' });
  const fresh = storeIn(t);
  const plain = findings(inputs);
  assert.match(plain, /include-cycle|include-errors/);
  const first = fresh();
  const kept: string[] = [];
  const counting: ParseStore = {
    digest: (text) => first.digest(text),
    get: (key) => first.get(key),
    put: (key, value) => {
      if (key.startsWith('errors ')) kept.push(key);
      first.put(key, value);
    },
  };
  assert.equal(findings(inputs, counting), plain);
  assert.equal(kept.length, 1, 'only the tunables\' result is kept');
  assert.equal(findings(inputs, fresh()), plain);
});

test('a chain of includes past the depth limit gives the findings of no cache, warm or cold', (t) => {
  const files: Record<string, string> = {};
  const n = MAX_INCLUDE_DEPTH + 10;
  for (let i = 0; i < n; i++) files[`${D}/abstractions/c${i}`] = i + 1 < n ? `include <abstractions/c${i + 1}>\n` : 'capability bogus,\n';
  files[`${D}/abstractions/a`] = 'include <abstractions/c0>\ninclude <abstractions/c100>\n';
  const inputs = tree(files);
  const fresh = storeIn(t);
  const plain = findings(inputs);
  assert.match(plain, /include-too-deep/);
  assert.equal(findings(inputs, fresh()), plain);
  assert.equal(findings(inputs, fresh()), plain);
});
