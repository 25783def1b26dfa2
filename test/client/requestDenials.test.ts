import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DenialsResult } from '../../server/src/protocol';
import { inputForFile, LogInput, Request, requestDenials } from '../../client/src/requestDenials';

const RESULT: DenialsResult = { groups: [], records: 1, unparsed: 0, unparsedLines: [], skipped: [] };
const RECORD = 'audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/x" requested_mask="r"\n';

/** A stand-in for the language server: records each request; `refuse` answers as one without files does. */
function server(refuse: boolean): { request: Request; sent: unknown[] } {
  const sent: unknown[] = [];
  const request = async <R>(method: string, params: unknown): Promise<R> => {
    sent.push({ method, params });
    if (refuse && 'path' in (params as object)) throw Object.assign(new Error('apparmor/denials: this server reads no files; send the log as "text"'), { code: -32602 });
    return RESULT as R;
  };
  return { request: request as Request, sent };
}

const unread = async (): Promise<string> => assert.fail('a file: URI is not read by the client');

test('a log file on disk is sent as its path; a selection as its text', async () => {
  const input = await inputForFile({ scheme: 'file', fsPath: '/var/log/syslog' }, unread);
  assert.deepEqual(input, { path: '/var/log/syslog' });
  const { request, sent } = server(false);
  assert.equal(await requestDenials(request, input, false), RESULT);
  assert.equal(await requestDenials(request, { text: RECORD }, true), RESULT);
  assert.deepEqual(sent, [
    { method: 'apparmor/denials', params: { path: '/var/log/syslog', literal: false } },
    { method: 'apparmor/denials', params: { text: RECORD, literal: true } },
  ]);
});

test('an editor with unsaved changes, and a file of another scheme, are sent as text', async () => {
  assert.deepEqual(await inputForFile({ scheme: 'file', fsPath: '/var/log/syslog', unsaved: RECORD }, unread), { text: RECORD });
  assert.deepEqual(await inputForFile({ scheme: 'vscode-remote', fsPath: '/var/log/syslog' }, async () => 'remote\n'), { text: 'remote\n' });
});

test('a server that reads no files gets the file again as text; other errors are not retried', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-denials-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'kern.log');
  fs.writeFileSync(log, RECORD);
  const { request, sent } = server(true);
  assert.equal(await requestDenials(request, { path: log }, false), RESULT);
  assert.deepEqual(sent.map((s) => (s as { params: LogInput }).params), [{ path: log, literal: false }, { text: RECORD, literal: false }]);

  const failing: Request = async () => { throw Object.assign(new Error('apparmor/denials: cannot read /nope: no such file or directory'), { code: -32602 }); };
  await assert.rejects(requestDenials(failing, { path: '/nope' }, false), /cannot read \/nope/);
});
