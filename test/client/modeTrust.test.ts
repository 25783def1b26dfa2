import { strict as assert } from 'node:assert';
import Module from 'node:module';
import { test } from 'node:test';
import type { setMode as SetMode } from '../../client/src/modeCommands';

/** Just enough of the vscode API for setMode, recording what it is asked to do. */
const calls: string[] = [];
const doc = {
  uri: { scheme: 'file', fsPath: '/tmp/mode-trust/usr.bin.x', toString: () => 'file:///tmp/mode-trust/usr.bin.x' },
  fileName: '/tmp/mode-trust/usr.bin.x',
  isDirty: true,
  getText: () => 'profile x /usr/bin/x {\n  /a r,\n}\n',
  positionAt: (offset: number) => ({ offset }),
  save: async () => { calls.push('save'); return true; },
};
const fakeVscode = {
  workspace: {
    isTrusted: false,
    applyEdit: async () => { calls.push('applyEdit'); return true; },
    openTextDocument: async () => doc,
    getConfiguration: () => ({ get: (_k: string, d?: unknown) => d }),
  },
  window: { activeTextEditor: { document: doc } },
  WorkspaceEdit: class { replace(): void { calls.push('edit'); } },
  Range: class { constructor(readonly start: unknown, readonly end: unknown) {} },
  Uri: { file: (p: string) => ({ fsPath: p, scheme: 'file' }) },
};

// modeCommands imports 'vscode', which only exists inside the editor: give it the stub.
const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: typeof load })._load = (request, ...rest) => (request === 'vscode' ? fakeVscode : load(request, ...rest));

test('Set Complain/Enforce Mode in an untrusted workspace changes and saves nothing', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once the stub is in place; an import would run first
  const { setMode } = require('../../client/src/modeCommands') as { setMode: typeof SetMode };
  const deps = { runner: { runAsRoot: async () => { calls.push('run'); throw new Error('nothing may run'); } } } as never;
  const result = await setMode(deps, 'complain');
  assert.equal(result.kind, 'untrusted');
  assert.deepEqual(calls, [], 'no edit, no save, no program');
  // The same command in a trusted workspace does edit and save: the stub sees it.
  fakeVscode.workspace.isTrusted = true;
  await setMode(deps, 'complain').catch(() => undefined);
  const seen: string[] = calls;
  assert.ok(seen.includes('applyEdit') && seen.includes('save'), seen.join(', '));
});
