import * as fs from 'fs';
import type { FileSystem } from '../service/includes';
import { MAX_PROFILE_BYTES, readText } from './boundedRead';

/**
 * The real file system, for the CLI and the server; errors read as "absent". An include of
 * a FIFO or of /dev/zero, or of a file past the cap, reads as absent too, never as a hang.
 */
export const nodeFileSystem: FileSystem = {
  readFile(path) {
    try {
      return readText(path, MAX_PROFILE_BYTES, 'a profile');
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
