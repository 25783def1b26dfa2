import * as fs from 'fs';
import type { FileSystem } from '../service/includes';

/** The words for the errors that make a file or folder unreadable. */
const WHY: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
};

/** The real file system, for the CLI and the server; errors read as "absent", and readError says why. */
export const nodeFileSystem: FileSystem = {
  readFile(path) {
    try {
      return fs.readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  stat(path) {
    try {
      const st = fs.statSync(path, { throwIfNoEntry: false });
      return st?.isDirectory() ? 'directory' : st?.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  },
  readDirectory(path) {
    try {
      return fs.readdirSync(path);
    } catch {
      return [];
    }
  },
  readError(path) {
    try {
      if (fs.statSync(path).isDirectory()) fs.readdirSync(path);
      else fs.closeSync(fs.openSync(path, 'r'));
      return undefined;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return (err.code && WHY[err.code]) ?? err.message;
    }
  },
};
