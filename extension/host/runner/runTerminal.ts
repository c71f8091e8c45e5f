import type * as vscode from 'vscode';

/**
 * The terminal of an MLflow task (a CustomExecution's Pseudoterminal): it starts the core runner
 * when VS Code opens it, shows the runner's output, and cancels the run when the terminal is closed,
 * the task is terminated or Ctrl+C is pressed (the core then ends the run KILLED). Only `vscode`
 * types are used, so the unit tests drive it without a workbench.
 */

/** A started run or sweep, as the terminal sees it: its end (the task's exit code) and a way to stop it. */
export interface TerminalJob {
  /** Resolves to the exit code the task reports (0 only when every run finished). */
  done: Promise<number>;
  cancel(): void;
}

type Listener<T> = (e: T) => unknown;

/** The minimal event source a Pseudoterminal needs; vscode.EventEmitter is not available without a workbench. */
class Emitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event: vscode.Event<T> = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => void (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

/** Terminals want CR LF; the runner and Python write LF. */
export function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export class RunTerminal implements vscode.Pseudoterminal {
  private readonly writes = new Emitter<string>();
  private readonly closes = new Emitter<number | void>();
  readonly onDidWrite = this.writes.event;
  readonly onDidClose = this.closes.event;
  private job: TerminalJob | undefined;
  private ended = false;
  private cancelled = false;

  /** `start` is called once, when VS Code opens the terminal; it writes through `write`. */
  constructor(private readonly start: (write: (text: string) => void) => TerminalJob | Promise<TerminalJob>) {}

  open(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      this.job = await this.start((t) => this.write(t));
      // Closed while it was still being prepared (environment checks): stop it at once.
      if (this.cancelled) this.job.cancel();
      this.finish(await this.job.done);
    } catch (e) {
      this.write(`\n${e instanceof Error ? e.message : String(e)}\n`);
      this.finish(1);
    }
  }

  private write(text: string): void {
    if (!this.ended) this.writes.fire(toTerminalText(text));
  }

  private finish(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.closes.fire(code);
  }

  /** Ctrl+C in the task's terminal stops the run, as it would stop `mlflow run`. */
  handleInput(data: string): void {
    if (data === '\x03' && !this.ended) {
      this.write('^C\n');
      this.stop();
    }
  }

  /** The terminal was closed or the task terminated: the run must not outlive it. */
  close(): void {
    this.stop();
  }

  private stop(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.job?.cancel();
  }
}
