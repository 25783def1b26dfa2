import { DENIALS_REQUEST, DenialsResult, READS_NO_FILES } from '../../server/src/protocol';
import { readTail } from './readDenialLog';

// No vscode here: what is sent is tested with a stand-in request (test/client/).

/** A log as `apparmor/denials` is sent it: its text, or a file of this machine the server streams itself. */
export type LogInput = { readonly text: string } | { readonly path: string };

export type Request = <R>(method: string, params: unknown) => Promise<R>;

/** A log file chosen by the user; `unsaved`: the text of its editor when that has changes not on disk. */
export interface LogFile {
  readonly scheme: string;
  readonly fsPath: string;
  readonly unsaved?: string;
}

/**
 * A file on disk goes by its path: the server then holds its distinct rules, not its text
 * (a 100 MB log sent as text cost the server 2 GB). An editor's unsaved text, which the
 * server cannot see, and a file of another scheme go as text.
 */
export async function inputForFile(file: LogFile, readText: () => Promise<string>): Promise<LogInput> {
  if (file.unsaved !== undefined) return { text: file.unsaved };
  if (file.scheme === 'file') return { path: file.fsPath };
  return { text: await readText() };
}

/** `apparmor/denials` for the log; a `path` the server cannot read files for is sent again as its newest part's text. */
export async function requestDenials(request: Request, input: LogInput, literal: boolean): Promise<DenialsResult> {
  if ('text' in input) return request<DenialsResult>(DENIALS_REQUEST, { text: input.text, literal });
  try {
    return await request<DenialsResult>(DENIALS_REQUEST, { path: input.path, literal });
  } catch (e) {
    if (!readsNoFiles(e)) throw e;
    return request<DenialsResult>(DENIALS_REQUEST, { text: await readTail(input.path), literal });
  }
}

/** JSON-RPC's InvalidParams, with the server's words for it. */
function readsNoFiles(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return code === -32602 && typeof message === 'string' && message.includes(READS_NO_FILES);
}
