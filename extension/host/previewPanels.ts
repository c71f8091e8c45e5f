/**
 * Which panel shows a run, following VS Code's preview editors: a click shows the run in the one
 * preview panel (replacing what it showed), a double-click or "Keep Open" pins that panel, and the
 * next click opens a new preview beside the pinned ones. Plain logic over any panel type, so it is
 * unit-tested without VS Code.
 */

export type Placement<P> =
  /** The run is already in this panel: reveal it (pinned now if asked). */
  | { kind: 'reveal'; panel: P }
  /** Show the run in the existing preview panel instead of what it shows. */
  | { kind: 'retarget'; panel: P }
  /** No panel fits: create one (pinned or the new preview). */
  | { kind: 'create'; pinned: boolean };

interface Slot {
  runId: string;
  pinned: boolean;
}

export class PreviewPanels<P> {
  private readonly slots = new Map<P, Slot>();

  /** Decides where `runId` goes, and records it (call add() for a 'create'). */
  place(runId: string, pin = false): Placement<P> {
    for (const [panel, slot] of this.slots) {
      if (slot.runId !== runId) continue;
      if (pin) slot.pinned = true;
      return { kind: 'reveal', panel };
    }
    const preview = this.preview();
    if (preview !== undefined) {
      const slot = this.slots.get(preview)!;
      slot.runId = runId;
      if (pin) slot.pinned = true;
      return { kind: 'retarget', panel: preview };
    }
    return { kind: 'create', pinned: pin };
  }

  /** Registers a new or restored panel. A second unpinned panel (restored after a reload) is pinned, so there is one preview. */
  add(panel: P, runId: string, pinned: boolean): void {
    this.slots.set(panel, { runId, pinned: pinned || this.preview() !== undefined });
  }

  /** A panel navigated to another run by itself (a link inside it). */
  navigate(panel: P, runId: string): void {
    const slot = this.slots.get(panel);
    if (slot) slot.runId = runId;
  }

  pin(panel: P): void {
    const slot = this.slots.get(panel);
    if (slot) slot.pinned = true;
  }

  remove(panel: P): void {
    this.slots.delete(panel);
  }

  isPinned(panel: P): boolean {
    return this.slots.get(panel)?.pinned ?? false;
  }

  runOf(panel: P): string | undefined {
    return this.slots.get(panel)?.runId;
  }

  preview(): P | undefined {
    for (const [panel, slot] of this.slots) if (!slot.pinned) return panel;
    return undefined;
  }
}

/**
 * Tree items run their command on every click, so a double-click arrives as the same command twice
 * in quick succession. This tells the second one apart.
 */
export class DoubleClick {
  private last: { key: string; at: number } | undefined;

  constructor(
    private readonly windowMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` was hit within the window before; a double-click is consumed (a third click starts over). */
  hit(key: string): boolean {
    const t = this.now();
    const double = this.last !== undefined && this.last.key === key && t - this.last.at <= this.windowMs;
    this.last = double ? undefined : { key, at: t };
    return double;
  }
}
