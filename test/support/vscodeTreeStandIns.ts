/**
 * The parts of `vscode` that the tree views' glue tests stand in for (test/unit/host/*Tree.test.ts):
 * an event emitter that delivers synchronously and a tree item that only records what the view
 * sets. What VS Code itself does with the items is checked in code-server (test/vscode/).
 */

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return { dispose: () => undefined };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: { id: string };
  contextValue?: string;
  command?: unknown;
  accessibilityInformation?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}
