import * as fs from 'fs';
import type { TreeEntry, TreeSource } from '../indexing';

/** Bytes read to tell text from binary before reading a whole file. */
const SNIFF_BYTES = 4096;

/** The disk as the workspace indexer walks it: errors read as "absent", links followed. */
export const nodeTree: TreeSource = {
  readDirectory(dir) {
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const out: TreeEntry[] = [];
    for (const d of dirents) {
      const link = d.isSymbolicLink();
      // A plain folder needs no stat; files need their size, links their target's kind.
      if (d.isDirectory()) out.push({ name: d.name, kind: 'directory', size: 0, link });
      else if (d.isFile() || link) out.push(describe(`${dir.replace(/\/$/, '')}/${d.name}`, d.name, link));
    }
    return out;
  },
  realPath(path) {
    try {
      return fs.realpathSync(path);
    } catch {
      return undefined;
    }
  },
  readText(path) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, 'r');
      const head = Buffer.alloc(SNIFF_BYTES);
      const n = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
      if (head.subarray(0, n).includes(0)) return undefined;
      // A read at a given position leaves the file's offset at 0: this reads it whole.
      return fs.readFileSync(fd, 'utf8');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
};

function describe(path: string, name: string, link: boolean): TreeEntry {
  try {
    const st = fs.statSync(path);
    return { name, kind: st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other', size: st.size, link };
  } catch {
    return { name, kind: 'other', size: 0, link };
  }
}
