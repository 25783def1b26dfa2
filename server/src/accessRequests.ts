import { Connection, ErrorCodes, ResponseError } from 'vscode-languageserver';
import { describeFault } from './describeFault';
import { TEST_ACCESS_REQUEST, TestAccessParams, TestAccessResult } from './protocol';
import { AccessSyntaxError, NoSuchProfile } from './service/evaluate';
import { testAccess } from './service/evaluate/testAccess';
import type { FileSystem } from './service/includes';
import { uriToPath } from './service/uri';
import type { Workspace } from './workspace';

/** `apparmor/testAccess`: the evaluator's verdicts for accesses against a file as the editor has it. */
export function registerAccessRequests(connection: Connection, deps: { readonly fs: FileSystem; readonly workspace: Workspace }): void {
  connection.onRequest(TEST_ACCESS_REQUEST, (params: unknown) => {
    const p = checkParams(params);
    const path = uriToPath(p.uri);
    const text = deps.fs.readFile(path);
    if (text === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `${TEST_ACCESS_REQUEST}: cannot read ${path}`);
    try {
      // The core's answers in the wire shape: a change on either side fails to compile here.
      const results: TestAccessResult[] = testAccess(deps.workspace.analyzer, { path, text }, p.accesses, p.profile, p.position);
      return { results };
    } catch (e) {
      if (e instanceof AccessSyntaxError || e instanceof NoSuchProfile) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
      connection.console.error(`${TEST_ACCESS_REQUEST} failed: ${describeFault(e)}`);
      throw new ResponseError(ErrorCodes.InternalError, `${TEST_ACCESS_REQUEST} failed: ${(e as Error).message}`);
    }
  });
}

function checkParams(params: unknown): TestAccessParams {
  const shape = `${TEST_ACCESS_REQUEST} needs {"uri": string, "accesses": string[], "profile"?: string, "position"?: Position}`;
  if (typeof params !== 'object' || params === null) throw new ResponseError(ErrorCodes.InvalidParams, shape);
  const p = params as Record<string, unknown>;
  const ok = typeof p['uri'] === 'string' && (p['uri'] as string).startsWith('file:') && Array.isArray(p['accesses'])
    && (p['accesses'] as unknown[]).every((a) => typeof a === 'string') && (p['profile'] === undefined || typeof p['profile'] === 'string');
  if (!ok) throw new ResponseError(ErrorCodes.InvalidParams, shape);
  const pos = p['position'] as { line?: unknown; character?: unknown } | undefined;
  const position = pos && typeof pos.line === 'number' && typeof pos.character === 'number' ? { line: pos.line, character: pos.character } : undefined;
  return { uri: p['uri'] as string, accesses: p['accesses'] as string[], ...(typeof p['profile'] === 'string' ? { profile: p['profile'] } : {}), ...(position ? { position } : {}) };
}
