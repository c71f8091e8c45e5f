import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Guards the folder where `mlflow run` builds python_env environments (MLFLOW_ENV_ROOT).
 *
 * MLflow names each environment by a hash of its python_env and requirements and reuses the
 * folder whenever it exists. It deletes a folder when the build raises, but a build that is
 * killed (a cancelled task, a closed window) leaves a half-built folder that every later run
 * would take as ready. So builds here are serialised by a lock, and a folder only counts once we
 * saw `mlflow run` start the entry point after building it: we then drop a marker file in it.
 * Folders without the marker are removed before the next build.
 *
 * The lock is a directory (mkdir is atomic) holding the owner's pid, so a lock left by a dead
 * process is taken over.
 */

export const COMPLETE_MARKER = '.mlwb-complete';
const LOCK = '.mlwb-build-lock';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function envDirs(root: string): string[] {
  try {
    return readdirSync(root).filter((n) => !n.startsWith('.') && statSync(join(root, n)).isDirectory());
  } catch {
    return [];
  }
}

export class EnvBuildLock {
  private released = false;
  /** Half-built folders removed when the lock was taken. */
  removedOnAcquire: string[] = [];

  private constructor(readonly root: string) {}

  /** Waits for the root's lock (polling; `signal` aborts the wait), then removes half-built environments. */
  static async acquire(root: string, signal?: AbortSignal, onWait?: () => void): Promise<EnvBuildLock> {
    mkdirSync(root, { recursive: true });
    const lock = join(root, LOCK);
    let told = false;
    for (;;) {
      if (signal?.aborted) throw new Error('cancelled while waiting for another environment build');
      try {
        mkdirSync(lock);
        writeFileSync(join(lock, 'pid'), String(process.pid));
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let owner = NaN;
        try {
          owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
        } catch {
          // being written right now: wait
        }
        // Same pid: another run of this process holds it (sweep children); wait for it too.
        if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
          rmSync(lock, { recursive: true, force: true });
          continue;
        }
        if (!told) {
          told = true;
          onWait?.();
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    const held = new EnvBuildLock(root);
    held.removedOnAcquire = held.removeIncomplete();
    return held;
  }

  /** Environment folders that never got the marker: half-built (or built by a run we did not see start). */
  removeIncomplete(): string[] {
    const removed: string[] = [];
    for (const name of envDirs(this.root)) {
      const dir = join(this.root, name);
      try {
        statSync(join(dir, COMPLETE_MARKER));
      } catch {
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    }
    return removed;
  }

  /** Marks every environment folder as complete: called when `mlflow run` has started the entry point. */
  markComplete(): void {
    for (const name of envDirs(this.root)) {
      const marker = join(this.root, name, COMPLETE_MARKER);
      try {
        statSync(marker);
      } catch {
        writeFileSync(marker, `built ${new Date().toISOString()}\n`);
      }
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(join(this.root, LOCK), { recursive: true, force: true });
  }
}
