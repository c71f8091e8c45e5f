import { StoreError } from '../store/errors';
import type { Span, SpanEvent } from './entities';
import { decodeJsonText, eventsOf, nanoJsonParse, record, spanIdHex, statusOf } from './spanJson';

/**
 * The spans of a `traces.json` (MLflow's own span form) read as skeletons straight from its bytes:
 * ids, parent, name, exact nanosecond times, status and span type, plus where each span's object
 * lies in the bytes. A span's attributes are parsed from that slice when someone reads them (the
 * trace panel shows one span's at a time). A 30,000-span trace is ~18 MB, nearly all of it
 * attribute text: JSON.parse of the whole document, and the garbage it leaves, cost several times
 * more than this scan (docs/benchmarks.md).
 *
 * The scan checks the document's structure (brackets, commas, colons, string ends) but not the
 * insides of the values it skips. Anything it does not expect (OTel attribute lists, odd ids or
 * times, a structure error) makes it answer undefined, and the caller parses the whole document
 * the ordinary way, which gives the exact error for a broken file.
 */

const Q = 0x22; // "
const BS = 0x5c; // \
const LB = 0x7b; // {
const RB = 0x7d; // }
const LS = 0x5b; // [
const RS = 0x5d; // ]
const COMMA = 0x2c;
const COLON = 0x3a;

class Unexpected extends Error {}
/** Shared by every span without events (read-only in practice: nothing appends to a read span's events). */
const NO_EVENTS = Object.freeze([]) as unknown as SpanEvent[];
const unexpected = new Unexpected();

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const K_SPANS = ascii('spans');
const K_SPAN_ID = ascii('span_id');
const K_PARENT = ascii('parent_span_id');
const K_NAME = ascii('name');
const K_START = ascii('start_time_unix_nano');
const K_END = ascii('end_time_unix_nano');
const K_STATUS = ascii('status');
const K_ATTRS = ascii('attributes');
const K_EVENTS = ascii('events');
const K_SPAN_TYPE = ascii('mlflow.spanType');

const B64 = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
/** Decoded id bytes (span ids are 8 bytes, trace ids 16). */
const SCRATCH = Buffer.alloc(64);

class Scanner {
  pos = 0;
  /** Recent distinct status objects and span-type values, by their bytes: most spans repeat a few. */
  private readonly seen: { bytes: Uint8Array; value: unknown }[] = [];
  constructor(readonly buf: Buffer) {}

  ws(): number {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    this.pos = p;
    return c;
  }

  expect(c: number): void {
    if (this.ws() !== c) throw unexpected;
    this.pos++;
  }

  /** At an opening quote: moves past the closing one; answers whether the string had escapes. */
  skipString(): boolean {
    const b = this.buf;
    const n = b.length;
    let p = this.pos + 1;
    let escaped = false;
    for (;;) {
      if (p >= n) throw unexpected;
      const c = b[p];
      if (c === Q) break;
      if (c === BS) {
        escaped = true;
        p += 2;
      } else p++;
    }
    this.pos = p + 1;
    return escaped;
  }

  /** A string value, decoded. */
  string(): string {
    if (this.ws() !== Q) throw unexpected;
    const start = this.pos;
    const escaped = this.skipString();
    if (escaped) return JSON.parse(this.text(start, this.pos)) as string;
    return this.text(start + 1, this.pos - 1);
  }

  text(start: number, end: number): string {
    return this.buf.toString('utf8', start, end);
  }

  /** `make(text)` of the bytes start..end, remembered for the next span with the same bytes. */
  cached<T>(start: number, end: number, make: (text: string) => T): T {
    const b = this.buf;
    const len = end - start;
    outer: for (const e of this.seen) {
      if (e.bytes.length !== len) continue;
      for (let i = 0; i < len; i++) if (e.bytes[i] !== b[start + i]) continue outer;
      return e.value as T;
    }
    const value = make(this.text(start, end));
    if (this.seen.length < 16 && len <= 256) this.seen.push({ bytes: b.slice(start, end), value });
    return value;
  }

  /** At a key's opening quote: whether the key's bytes are `k` (keys with escapes never match). */
  key(k: Uint8Array): boolean {
    const b = this.buf;
    const start = this.pos + 1;
    if (this.skipString()) throw unexpected; // an escaped key: the ordinary parse reads it
    const len = this.pos - 1 - start;
    if (len !== k.length) return false;
    for (let i = 0; i < len; i++) if (b[start + i] !== k[i]) return false;
    return true;
  }

  skipValue(): void {
    const b = this.buf;
    const c = this.ws();
    if (c === Q) {
      this.skipString();
      return;
    }
    if (c === LB || c === LS) {
      const n = b.length;
      let depth = 0;
      let p = this.pos;
      for (;;) {
        if (p >= n) throw unexpected;
        const d = b[p];
        if (d === Q) {
          this.pos = p;
          this.skipString();
          p = this.pos;
          continue;
        }
        if (d === LB || d === LS) depth++;
        else if (d === RB || d === RS) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return;
          }
        }
        p++;
      }
    }
    // A number, true, false or null.
    let p = this.pos;
    for (let d = b[p]; p < b.length && d !== COMMA && d !== RB && d !== RS && d !== 0x20 && d !== 0x0a && d !== 0x0d && d !== 0x09; d = b[++p]);
    if (p === this.pos) throw unexpected;
    this.pos = p;
  }

  /** Whether the next value is `null` (and moves past it). */
  null(): boolean {
    const b = this.buf;
    if (this.ws() === 0x6e && b[this.pos + 1] === 0x75 && b[this.pos + 2] === 0x6c && b[this.pos + 3] === 0x6c) {
      this.pos += 4;
      return true;
    }
    return false;
  }

  /** A span id (base64 as MLflow writes it, or 16 hex digits) as hex, decoded from the bytes. */
  spanId(): string | null {
    if (this.null()) return null;
    if (this.ws() !== Q) throw unexpected;
    const b = this.buf;
    const start = this.pos + 1;
    if (this.skipString()) throw unexpected;
    const end = this.pos - 1;
    if (end === start) return null;
    if (end - start === 16) {
      let hex = true;
      for (let i = start; i < end && hex; i++) hex = (b[i] >= 0x30 && b[i] <= 0x39) || (b[i] >= 0x61 && b[i] <= 0x66);
      if (hex) return b.toString('latin1', start, end);
    }
    if (end - start > 4 * SCRATCH.length / 3) throw unexpected;
    let k = 0;
    let acc = 0;
    let bits = 0;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c === 0x3d) break; // '='
      const v = B64[c];
      if (v < 0) throw unexpected; // not what MLflow writes: the ordinary parse decides
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        SCRATCH[k++] = (acc >> bits) & 0xff;
      }
    }
    // One native call per id: building hex text a digit pair at a time made most of the scan's garbage.
    return k === 0 ? null : SCRATCH.toString('hex', 0, k);
  }

  /** Nanoseconds as exact decimal digits: a JSON integer (its digits) or a string of digits. */
  nanos(): string | undefined {
    if (this.null()) return undefined;
    const b = this.buf;
    const c = this.ws();
    let start = this.pos;
    let end: number;
    if (c === Q) {
      if (this.skipString()) throw unexpected;
      start++;
      end = this.pos - 1;
    } else {
      this.skipValue();
      end = this.pos;
    }
    let i = start;
    if (b[i] === 0x2d) i++;
    if (i === end) throw unexpected;
    for (let j = i; j < end; j++) if (b[j] < 0x30 || b[j] > 0x39) throw unexpected; // floats, exponents: the ordinary parse
    // Leading zeros go, as in spanJson's nanos().
    while (i < end - 1 && b[i] === 0x30) i++;
    return (b[start] === 0x2d ? '-' : '') + b.toString('latin1', i, end);
  }
}

/** The spans of a traces.json, or undefined when the bytes are not in the form this scan reads. */
export function skeletonSpans(bytes: Uint8Array, where: string): Span[] | undefined {
  const s = new Scanner(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  try {
    const spans: Span[] = [];
    let found = false;
    s.expect(LB);
    if (s.ws() === RB) return undefined;
    for (;;) {
      if (s.ws() !== Q) throw unexpected;
      const isSpans = s.key(K_SPANS);
      s.expect(COLON);
      if (isSpans) {
        spans.length = 0;
        found = true;
        s.expect(LS);
        if (s.ws() === RS) s.pos++;
        else {
          for (;;) {
            spans.push(readSpan(s, where));
            const c = s.ws();
            s.pos++;
            if (c === RS) break;
            if (c !== COMMA) throw unexpected;
          }
        }
      } else s.skipValue();
      const c = s.ws();
      s.pos++;
      if (c === RB) break;
      if (c !== COMMA) throw unexpected;
    }
    s.ws();
    if (s.pos < bytes.length || !found) return undefined; // trailing bytes, or no spans: the ordinary parse says what is wrong
    return spans;
  } catch (e) {
    if (e === unexpected) return undefined;
    throw e;
  }
}

function readSpan(s: Scanner, where: string): Span {
  s.ws();
  const start = s.pos;
  s.expect(LB);
  let spanId: string | null = null;
  let parentId: string | null = null;
  let name = '';
  let startNs: string | undefined;
  let endNs: string | undefined;
  let status = { code: 'UNSET', message: '' };
  let spanType: string | undefined;
  let attrStart = -1;
  let attrEnd = -1;
  let events: SpanEvent[] = NO_EVENTS;
  let eventsRaw: unknown;
  if (s.ws() === RB) s.pos++;
  else {
    for (;;) {
      if (s.ws() !== Q) throw unexpected;
      const keyStart = s.pos;
      s.skipString();
      const keyLen = s.pos - keyStart - 2;
      s.pos = keyStart;
      let handled = true;
      switch (keyLen) {
        case 7:
          if (s.key(K_SPAN_ID)) {
            s.expect(COLON);
            spanId = s.spanId();
          } else handled = false;
          break;
        case 14:
          if (s.key(K_PARENT)) {
            s.expect(COLON);
            parentId = s.spanId();
          } else handled = false;
          break;
        case 4:
          if (s.key(K_NAME)) {
            s.expect(COLON);
            name = s.null() ? '' : s.string();
          } else handled = false;
          break;
        case 20:
          if (s.key(K_START)) {
            s.expect(COLON);
            startNs = s.nanos();
          } else handled = false;
          break;
        case 18:
          if (s.key(K_END)) {
            s.expect(COLON);
            endNs = s.nanos();
          } else handled = false;
          break;
        case 6:
          if (s.key(K_STATUS)) {
            s.expect(COLON);
            s.ws();
            const vs = s.pos;
            s.skipValue();
            status = s.cached(vs, s.pos, statusText);
          } else {
            s.pos = keyStart;
            if (s.key(K_EVENTS)) {
              s.expect(COLON);
              s.ws();
              const vs = s.pos;
              s.skipValue();
              const text = s.text(vs, s.pos);
              eventsRaw = text === '[]' ? [] : nanoJsonParse(text);
            } else handled = false;
          }
          break;
        case 10:
          if (s.key(K_ATTRS)) {
            s.expect(COLON);
            s.ws();
            attrStart = s.pos;
            spanType = attributesSpanType(s);
            attrEnd = s.pos;
          } else handled = false;
          break;
        default:
          handled = false;
      }
      if (!handled) {
        s.pos = keyStart;
        s.skipString();
        s.expect(COLON);
        s.skipValue();
      }
      const c = s.ws();
      s.pos++;
      if (c === RB) break;
      if (c !== COMMA) throw unexpected;
    }
  }
  if (!spanId || startNs === undefined) throw new StoreError('CORRUPT_DATA', `${where}: a span lacks span_id or start_time_unix_nano`, where);
  if (eventsRaw !== undefined) events = eventsOf(eventsRaw, startNs);
  return new SkeletonSpan(spanId, parentId, name, startNs, endNs !== undefined && endNs !== '0' ? endNs : undefined, status.code, status.message, spanType, events, attrStart >= 0 ? s.buf : undefined, attrStart, attrEnd);
}

const statusText = (text: string) => statusOf(JSON.parse(text));
function spanTypeText(text: string): string | undefined {
  const v = decodeJsonText(JSON.parse(text));
  return typeof v === 'string' && v ? v : undefined;
}

/** The `mlflow.spanType` of an attributes object in MLflow's form; other values are skipped. */
function attributesSpanType(s: Scanner): string | undefined {
  if (s.ws() !== LB) throw unexpected; // OTel's [{key, value}] list: the ordinary parse
  s.pos++;
  let type: string | undefined;
  if (s.ws() === RB) {
    s.pos++;
    return undefined;
  }
  for (;;) {
    if (s.ws() !== Q) throw unexpected;
    const isType = s.key(K_SPAN_TYPE);
    s.expect(COLON);
    if (isType) {
      if (s.null()) type = undefined;
      else if (s.ws() === Q) {
        const vs = s.pos;
        s.skipValue();
        type = s.cached(vs, s.pos, spanTypeText);
      } else s.skipValue();
    } else s.skipValue();
    const c = s.ws();
    s.pos++;
    if (c === RB) return type;
    if (c !== COMMA) throw unexpected;
  }
}

/**
 * A span whose attributes are still bytes: the first read parses the attributes object's slice of
 * the document (the whole buffer stays referenced while any span of it lives; it is the trace's own
 * file, once).
 */
class SkeletonSpan implements Span {
  private decoded: Record<string, unknown> | undefined;
  constructor(
    readonly spanId: string,
    readonly parentId: string | null,
    readonly name: string,
    readonly startTimeNs: string,
    readonly endTimeNs: string | undefined,
    readonly statusCode: string,
    readonly statusMessage: string,
    private readonly typeFound: string | undefined,
    readonly events: SpanEvent[],
    private bytes: Buffer | undefined,
    private readonly attrStart: number,
    private readonly attrEnd: number,
  ) {}

  /** Known from the scan: the attributes held no string `mlflow.spanType`, which spanTypeOf reads as UNKNOWN. */
  get spanType(): string {
    return this.typeFound ?? 'UNKNOWN';
  }

  get attributes(): Record<string, unknown> {
    if (!this.decoded) {
      let raw: Record<string, unknown> = {};
      try {
        if (this.bytes) {
          const text = this.bytes.toString('utf8', this.attrStart, this.attrEnd);
          // A bare *_unix_nano number among the attributes keeps its digits, as in the full parse.
          raw = record(text.includes('_unix_nano"') ? nanoJsonParse(text) : JSON.parse(text));
        }
      } catch (e) {
        throw new StoreError('CORRUPT_DATA', `The attributes of span ${this.spanId} are not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(raw)) out[k] = decodeJsonText(raw[k]);
      this.decoded = out;
      this.bytes = undefined;
    }
    return this.decoded;
  }

  toJSON(): Span {
    return { spanId: this.spanId, parentId: this.parentId, name: this.name, startTimeNs: this.startTimeNs, ...(this.endTimeNs !== undefined ? { endTimeNs: this.endTimeNs } : {}), statusCode: this.statusCode, statusMessage: this.statusMessage, ...(this.typeFound !== undefined ? { spanType: this.typeFound } : {}), attributes: this.attributes, events: this.events };
  }
}
