import * as fs from 'fs';
import type { FileSystem } from '../service/includes';

/** The real file system, for the CLI and the server; errors read as "absent". */
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
};
