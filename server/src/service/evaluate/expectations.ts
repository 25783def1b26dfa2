/**
 * Profile expectations, a small format kept beside the profiles and checked in CI:
 *
 *   # comment
 *   file ../usr.sbin.nginx            the profile file the lines below hold to
 *   allow nginx r /etc/nginx/nginx.conf
 *   deny  nginx w /etc/shadow
 *
 * Each `allow`/`deny` line names a profile (`parent//child` for hats and children) and an
 * access written like the rule that would allow it.
 */
import { AccessSyntaxError, parseAccess, Query } from './parseAccess';

export interface Expectation {
  /** 0-based line. */
  readonly line: number;
  readonly expect: 'allow' | 'deny';
  readonly profile: string;
  readonly accessText: string;
  readonly query: Query;
  /** The `file` line in force, if any. */
  readonly file?: string;
}

interface ExpectationProblem { readonly line: number; readonly message: string }

export interface Expectations {
  readonly items: readonly Expectation[];
  readonly problems: readonly ExpectationProblem[];
}

const LINE = /^(allow|deny)\s+(\S+)\s+(.+)$/;

export function parseExpectations(text: string): Expectations {
  const items: Expectation[] = [];
  const problems: ExpectationProblem[] = [];
  let file: string | undefined;
  text.split(/\r?\n/).forEach((raw, line) => {
    const body = raw.replace(/(^|\s)#.*$/, '').trim();
    if (body === '') return;
    const f = /^file\s+(.+)$/.exec(body);
    if (f) { file = f[1]!.trim(); return; }
    const m = LINE.exec(body);
    if (!m) { problems.push({ line, message: `expected 'allow PROFILE ACCESS', 'deny PROFILE ACCESS' or 'file PATH', not '${body}'` }); return; }
    try {
      items.push({ line, expect: m[1] as 'allow' | 'deny', profile: m[2]!, accessText: m[3]!.trim(), query: parseAccess(m[3]!), ...(file !== undefined ? { file } : {}) });
    } catch (e) {
      if (!(e instanceof AccessSyntaxError)) throw e;
      problems.push({ line, message: e.message });
    }
  });
  return { items, problems };
}
