/**
 * Which rows of a fixed-height list are in (or near) the viewport. The grid renders only these,
 * so scrolling through 10,000 runs touches a few dozen row elements.
 */
export interface RowWindow {
  first: number;
  /** exclusive */
  last: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 10): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const top = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const bottom = Math.min(count, Math.ceil((scrollTop + Math.max(viewportHeight, 0)) / rowHeight) + overscan);
  return { first: Math.min(top, count), last: Math.max(bottom, Math.min(top, count)) };
}
