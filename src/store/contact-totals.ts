// What the `contacts` report's SQL hands over, as columns: per outside number its calls, faxes, inbound and answered
// voice calls, talk and billable time (ReportStore.contacts), added up across everything a period reads
// (report_contact's day rows, the records' partial days) by ContactSums.

/**
 * Per outside number of a `contacts` query (ReportStore.contacts), one entry per number at the same index of every
 * column, in no particular order: its calls (voice), faxes, inbound and answered voice calls, talk and billable
 * seconds. Columns rather than an object per number: a month of the 1M seed has 54,677 numbers, and an object each
 * (besides the report's row) added to the garbage collection that took much of the report's JavaScript time.
 */
export interface ContactTotals {
  /** Each outside number as the report shows it: `+` and its digits. */
  contact: string[];
  calls: Float64Array;
  faxes: Float64Array;
  inbound: Float64Array;
  answered: Float64Array;
  talkMs: Float64Array;
  billable: Float64Array;
}

/** The figure columns of ContactTotals. */
const FIGURES = ['calls', 'faxes', 'inbound', 'answered', 'talkMs', 'billable'] as const;

/** Numbers past this many digits may not be exact as a double's integer: they are kept by their text. */
const MAX_KEY_DIGITS = 15;

/** What a binary COPY starts with. */
const COPY_SIGNATURE = 'PGCOPY\n\xff\r\n\0';

/** A slot of the key table that holds no number. */
const EMPTY = -1;

/**
 * Per outside number, the sums of every row handed over for it, in whatever order and however many rows a number
 * has: the SQL's list of grouped numbers (addList) or PostgreSQL's binary copy of report_contact's day rows
 * (copyReader). A number is found by its digits read as an integer, in a table of doubles (a JavaScript Map keyed by
 * numbers past 2^31 or by new strings took 30–100 ms for a month's 94,000 day rows on the 2-core machine, this
 * 11–30 with the parsing); the text of a number is made once, when it is first seen. Digits that are not such an integer (a leading 0, more than 15 digits,
 * anything but digits) are kept by their text.
 */
export class ContactSums {
  private readonly out: ContactTotals;
  private size = 0;
  /** Open addressing: the key (a number's digits as an integer) and its index, EMPTY when free. */
  private keys: Float64Array;
  private slots: Int32Array;
  /** 32 less the table's size in bits: a hash's top bits pick the slot. */
  private shift: number;
  private readonly byText = new Map<string, number>();

  constructor() {
    const capacity = 16;
    this.out = {
      contact: [],
      calls: new Float64Array(capacity),
      faxes: new Float64Array(capacity),
      inbound: new Float64Array(capacity),
      answered: new Float64Array(capacity),
      talkMs: new Float64Array(capacity),
      billable: new Float64Array(capacity),
    };
    const bits = Math.ceil(Math.log2(capacity * 2));
    this.keys = new Float64Array(2 ** bits);
    this.slots = new Int32Array(2 ** bits).fill(EMPTY);
    this.shift = 32 - bits;
  }

  /** What was added, one entry per number with at least one call or fax: once, at the end (the columns are these sums'). */
  totals(): ContactTotals {
    const { out, size } = this;
    let kept = 0;
    for (let i = 0; i < size; i++) if (out.calls[i] + out.faxes[i] !== 0) kept++;
    const t = { contact: out.contact } as ContactTotals;
    for (const f of FIGURES) t[f] = out[f].subarray(0, size);
    if (kept === size) return t;
    // A number whose records were all deleted keeps day rows of zeros: left out, the others moved up in place.
    let j = 0;
    for (let i = 0; i < size; i++) {
      if (out.calls[i] + out.faxes[i] === 0) continue;
      t.contact[j] = t.contact[i];
      for (const f of FIGURES) t[f][j] = t[f][i];
      j++;
    }
    t.contact.length = kept;
    for (const f of FIGURES) t[f] = t[f].subarray(0, kept);
    return t;
  }

  /**
   * Adds a list of the SQL (`rows` of +c,n,faxes,inbound,answered,talk,billable, figures integers, n the records:
   * calls and faxes) without a string per figure.
   */
  addList(rows: number, v: string): void {
    this.reserve(rows);
    let at = 0;
    const int = () => {
      const negative = v.charCodeAt(at) === 45;
      if (negative) at++;
      const start = at;
      let x = 0;
      for (let c = v.charCodeAt(at); c >= 48 && c <= 57; c = v.charCodeAt(++at)) x = x * 10 + (c - 48);
      if (at === start || !(at === v.length || v.charCodeAt(at) === 44))
        throw new Error(`not a contacts list at ${at}`);
      at++;
      return negative ? -x : x;
    };
    for (let read = 0; at < v.length; read++) {
      if (read === rows) throw new Error('contacts list longer than its count');
      const comma = v.indexOf(',', at);
      if (comma < 0 || v.charCodeAt(at) !== 43) throw new Error(`not a contacts list at ${at}`);
      const i = this.indexOfText(v, at, comma);
      at = comma + 1;
      const n = int();
      const faxes = int();
      this.add(i, n, faxes, int(), int(), int(), int());
    }
  }

  /** Adds the rows of one whole binary COPY (copyReader). */
  addCopy(b: Buffer): void {
    const reader = this.copyReader();
    reader.push(b);
    reader.end();
  }

  /**
   * A reader of one PostgreSQL binary COPY (FORMAT binary) of seven columns, fed its chunks as they come (a row may
   * span chunks), adding each row: the number as text (`+` and its digits), then n (calls and faxes), faxes,
   * inbound, answered, talk ms and billable seconds as float8. Only a row cut by a chunk's end is kept, so a copy of
   * millions of day rows needs memory for its numbers, not for its rows.
   */
  copyReader(): { push(chunk: Buffer): void; end(): void } {
    let rest: Buffer | null = null;
    let header = true;
    let ended = false;
    return {
      push: (chunk) => {
        if (ended) throw new Error('binary copy data after its end');
        const b = rest ? Buffer.concat([rest, chunk]) : chunk;
        let at = 0;
        if (header) {
          if (b.length >= 11 && b.toString('latin1', 0, 11) !== COPY_SIGNATURE) throw new Error('not a binary copy');
          if (b.length < 19 || b.length < 19 + b.readInt32BE(15)) {
            rest = b;
            return;
          }
          at = 19 + b.readInt32BE(15);
          header = false;
        }
        at = this.addCopyRows(b, at);
        if (at < 0) ended = true;
        // The cut row, copied: a view would keep the whole chunk.
        rest = at >= 0 && at < b.length ? Buffer.from(b.subarray(at)) : null;
      },
      end: () => {
        if (!ended) throw new Error('binary copy cut short');
      },
    };
  }

  /** Adds the whole rows of `b` from `at`; where the first cut row starts, or -1 after the copy's trailer. */
  private addCopyRows(b: Buffer, at: number): number {
    // DataView's reads are compiled inline; Buffer's readDoubleBE and readInt32BE are calls.
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    // A row takes at least 80 bytes: its count of fields, a number of one digit, six figures.
    this.reserve(Math.floor((b.length - at) / 80) + 1);
    while (at + 2 <= b.length) {
      const fields = view.getInt16(at);
      if (fields === -1) return -1;
      if (at + 6 > b.length) break;
      const length = view.getInt32(at + 2);
      if (fields !== 7 || length < 2) throw new Error(`not a contacts copy row at ${at}`);
      const figures = at + 6 + length;
      if (figures + 72 > b.length) break;
      if (b[at + 6] !== 43) throw new Error(`not a number at ${at + 6}`);
      const i = this.indexOfBytes(b, at + 6, figures);
      // Six float8 fields, each after its length (8).
      for (let f = 0; f < 6; f++) if (view.getInt32(figures + f * 12) !== 8) throw new Error(`not a float8 at ${at}`);
      this.add(
        i,
        view.getFloat64(figures + 4),
        view.getFloat64(figures + 16),
        view.getFloat64(figures + 28),
        view.getFloat64(figures + 40),
        view.getFloat64(figures + 52),
        view.getFloat64(figures + 64),
      );
      at = figures + 72;
    }
    return at;
  }

  /** Adds a row's figures to number `i` (n: its calls and faxes). */
  private add(
    i: number,
    n: number,
    faxes: number,
    inbound: number,
    answered: number,
    talkMs: number,
    billable: number,
  ) {
    const { out } = this;
    out.calls[i] += n - faxes;
    out.faxes[i] += faxes;
    out.inbound[i] += inbound;
    out.answered[i] += answered;
    out.talkMs[i] += talkMs;
    out.billable[i] += billable;
  }

  /** The index of the number at [from, to) of `v` (`+` then digits), added when new. */
  private indexOfText(v: string, from: number, to: number): number {
    let key = 0;
    const digits = to - from - 1;
    let ok = digits > 0 && digits <= MAX_KEY_DIGITS && v.charCodeAt(from + 1) !== 48;
    for (let k = from + 1; ok && k < to; k++) {
      const c = v.charCodeAt(k) - 48;
      ok = c >= 0 && c <= 9;
      key = key * 10 + c;
    }
    if (!ok) return this.indexOfOther(v.slice(from, to));
    const found = this.find(key);
    return found >= 0 ? found : this.insert(~found, key, v.slice(from, to));
  }

  /** indexOfText of bytes (ASCII digits; anything else is read as UTF-8 text). */
  private indexOfBytes(b: Buffer, from: number, to: number): number {
    let key = 0;
    const digits = to - from - 1;
    let ok = digits > 0 && digits <= MAX_KEY_DIGITS && b[from + 1] !== 48;
    for (let k = from + 1; ok && k < to; k++) {
      const c = b[k] - 48;
      ok = c >= 0 && c <= 9;
      key = key * 10 + c;
    }
    if (!ok) return this.indexOfOther(b.toString('utf8', from, to));
    const found = this.find(key);
    return found >= 0 ? found : this.insert(~found, key, b.toString('latin1', from, to));
  }

  /** The index of the number whose digits are `key`, else ~ the free slot where it goes. */
  private find(key: number): number {
    const mask = this.keys.length - 1;
    for (let s = this.slotOf(key); ; s = (s + 1) & mask) {
      const i = this.slots[s];
      if (i === EMPTY) return ~s;
      if (this.keys[s] === key) return i;
    }
  }

  /** A new number's index, its key at the free slot `s`. */
  private insert(s: number, key: number, text: string): number {
    const i = this.append(text);
    this.keys[s] = key;
    this.slots[s] = i;
    return i;
  }

  private indexOfOther(text: string): number {
    let i = this.byText.get(text);
    if (i === undefined) this.byText.set(text, (i = this.append(text)));
    return i;
  }

  /** Where a key's search starts: its low and high 32 bits mixed, the product's top bits (multiplicative hashing). */
  private slotOf(key: number): number {
    return Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  /** A new number's index (the columns have room: reserve). */
  private append(text: string): number {
    this.out.contact.push(text);
    return this.size++;
  }

  /** Room in the columns and the key table for `more` numbers than there are. */
  private reserve(more: number): void {
    const { out } = this;
    const need = this.size + more;
    if (need > out.calls.length) {
      const capacity = Math.max(need, out.calls.length * 2);
      for (const f of FIGURES) {
        const grown = new Float64Array(capacity);
        grown.set(out[f].subarray(0, this.size));
        out[f] = grown;
      }
    }
    if (need * 2 > this.keys.length) this.rehash(2 ** Math.ceil(Math.log2(need * 2)));
  }

  /** The key table at `size` slots (a power of 2), every key placed anew. */
  private rehash(size: number): void {
    const { keys, slots } = this;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(EMPTY);
    this.shift = 32 - Math.log2(size);
    const mask = size - 1;
    for (let s = 0; s < keys.length; s++) {
      if (slots[s] === EMPTY) continue;
      const key = keys[s];
      let t = this.slotOf(key);
      while (this.slots[t] !== EMPTY) t = (t + 1) & mask;
      this.keys[t] = key;
      this.slots[t] = slots[s];
    }
  }
}
