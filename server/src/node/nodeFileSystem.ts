import * as fs from 'fs';
import type { FileSystem } from '../service/includes';
import { describeError, formatSize, MAX_PROFILE_BYTES, openRegular, readText } from './boundedRead';

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
  readError(path) {
    try {
      if (fs.statSync(path).isDirectory()) {
        fs.readdirSync(path);
        return undefined;
      }
      // Opened as readFile opens it, so a FIFO is named, not waited on.
      const { fd, size } = openRegular(path);
      fs.closeSync(fd);
      return size > MAX_PROFILE_BYTES ? `larger than ${formatSize(MAX_PROFILE_BYTES)}` : undefined;
    } catch (e) {
      return describeError(e);
    }
  },
};
