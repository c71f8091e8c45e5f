import { existsSync, readdirSync, statSync } from 'node:fs';
import { readRegularFileSync } from '../store/boundedRead';
import type { FileProbe } from './types';

/** FileProbe over the real file system (language server and CLI). Reads are capped: env files are small. */
export const nodeFileProbe: FileProbe = {
  exists: (p) => existsSync(p),
  isDirectory: (p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  readText: (p) => {
    try {
      const st = statSync(p);
      if (!st.isFile() || st.size > 1024 * 1024) return undefined;
      // The open handle is checked again: the file may have been swapped for a FIFO since the stat.
      return readRegularFileSync(p, 1024 * 1024).toString('utf8');
    } catch {
      return undefined;
    }
  },
  list: (d) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  },
};

/** In-memory FileProbe for tests: keys are absolute paths, directories are implied. */
export function memoryFileProbe(files: Record<string, string>): FileProbe {
  const norm = (p: string) => p.replace(/\/+$/, '');
  return {
    exists: (p) => norm(p) in files || Object.keys(files).some((f) => f.startsWith(norm(p) + '/')),
    isDirectory: (p) => Object.keys(files).some((f) => f.startsWith(norm(p) + '/')),
    readText: (p) => files[norm(p)],
    list: (d) => [...new Set(Object.keys(files).filter((f) => f.startsWith(norm(d) + '/')).map((f) => f.slice(norm(d).length + 1).split('/')[0]))],
  };
}
