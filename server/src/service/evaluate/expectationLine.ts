/** Where the parts of one line of an expectations file are: what the editor features point at. */

export interface Part {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface LineParts {
  /** `allow`, `deny` or `file`, or whatever word starts the line. */
  readonly keyword?: Part;
  /** The profile (after allow/deny) or the path (after file). */
  readonly second?: Part;
  /** The access: the rest of the line, before a comment. */
  readonly access?: Part;
  /** The line without its comment and surrounding space. */
  readonly body?: Part;
}

/** The parts of one line, character offsets within it; a `#` after a space or at the start begins a comment. */
export function lineParts(line: string): LineParts {
  const code = line.replace(/(^|\s)#.*$/, '$1');
  const m = /^(\s*)(\S+)?(\s+)?(\S+)?(\s+)?(.*?)\s*$/.exec(code)!;
  let at = m[1]!.length;
  const part = (text: string | undefined): Part | undefined => {
    if (text === undefined || text === '') return undefined;
    const p = { start: at, end: at + text.length, text };
    return p;
  };
  const keyword = part(m[2]);
  at += (m[2]?.length ?? 0) + (m[3]?.length ?? 0);
  const keywordWord = keyword?.text;
  if (keywordWord === 'file') {
    const rest = code.slice(at).trim();
    const second = part(rest);
    return { ...(keyword ? { keyword } : {}), ...(second ? { second } : {}), ...body(code) };
  }
  const second = part(m[4]);
  at += (m[4]?.length ?? 0) + (m[5]?.length ?? 0);
  const access = part(m[6]);
  return { ...(keyword ? { keyword } : {}), ...(second ? { second } : {}), ...(access ? { access } : {}), ...body(code) };
}

function body(code: string): { body?: Part } {
  const text = code.trim();
  if (text === '') return {};
  const start = code.length - code.trimStart().length;
  return { body: { start, end: start + text.length, text } };
}
