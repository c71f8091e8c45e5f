/**
 * Counts the elements of the arrays that are direct fields of a JSON object (`{"runs": [a, b, …]}`)
 * while the bytes arrive, without parsing them, so a page holding far more items than were asked
 * for is refused after a few kilobytes instead of after a parse that takes gigabytes. Works on raw
 * UTF-8: every byte that matters (quotes, brackets, commas, backslash) is ASCII, and the bytes of
 * multi-byte characters never collide with them.
 */
export class JsonItemCounter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** True while depth 2 is an array that is a field of the top-level object. */
  private inFieldArray = false;
  /** Elements seen in the current field array (a started element counts). */
  private count = 0;
  private elementOpen = false;
  /** The largest count seen; a caller compares it with its limit after each chunk. */
  max = 0;

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // Strings are most of the bytes: jump to the next quote natively, then see whether an odd
        // run of backslashes escapes it.
        const q = chunk.indexOf(0x22, i);
        const end = q < 0 ? n : q;
        let k = end - 1;
        while (k >= i && chunk[k] === 0x5c) k--;
        const odd = (end - 1 - k) % 2 === 1;
        if (q < 0) {
          this.escaped = odd;
          return;
        }
        if (!odd) this.inString = false;
        i = q + 1;
        continue;
      }
      const b = chunk[i++];
      switch (b) {
        case 0x20:
        case 0x0a:
        case 0x0d:
        case 0x09:
          continue;
        case 0x22: // "
          this.inString = true;
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.depth++;
          if (this.depth === 2) {
            this.inFieldArray = b === 0x5b;
            this.count = 0;
            this.elementOpen = false;
            continue;
          }
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (this.depth === 2) this.inFieldArray = false;
          this.depth--;
          continue;
        case 0x2c: // ,
          if (this.depth === 2 && this.inFieldArray) this.elementOpen = false;
          continue;
        default:
          break;
      }
      // A value starts or goes on at this byte: at depth 2 (or deeper, with the opening bracket
      // counted at its own depth) it belongs to the current element of a field array.
      if (this.inFieldArray && this.depth >= 2 && !this.elementOpen) {
        this.elementOpen = true;
        this.count++;
        if (this.count > this.max) this.max = this.count;
      }
    }
  }
}
