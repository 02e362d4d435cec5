// What the `contacts` report's SQL hands over, as columns: per outside number its calls, faxes, inbound and answered
// voice calls, talk and billable time (ReportStore.contacts), read from one comma-separated list and added up across
// the parts of a period (report_contact's whole days, the records' partial days).

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
const CONTACT_FIGURES = ['calls', 'faxes', 'inbound', 'answered', 'talkMs', 'billable'] as const;

/** Room for `n` numbers. */
export function contactTable(n: number): ContactTotals {
  return {
    contact: new Array<string>(n),
    calls: new Float64Array(n),
    faxes: new Float64Array(n),
    inbound: new Float64Array(n),
    answered: new Float64Array(n),
    talkMs: new Float64Array(n),
    billable: new Float64Array(n),
  };
}

/**
 * The numbers of several tables in one, a number's figures added up where it is in more than one: the first table
 * (the whole days) is the large one, the others (partial days) hold a few thousand numbers.
 */
export function mergeContacts([first, ...rest]: ContactTotals[]): ContactTotals {
  const extra = new Map<string, number[]>();
  for (const t of rest) {
    for (let i = 0; i < t.contact.length; i++) {
      let sums = extra.get(t.contact[i]);
      if (!sums) extra.set(t.contact[i], (sums = CONTACT_FIGURES.map(() => 0)));
      CONTACT_FIGURES.forEach((f, k) => (sums[k] += t[f][i]));
    }
  }
  if (!extra.size) return first;
  const n = first.contact.length;
  const out = contactTable(n + extra.size);
  for (const f of CONTACT_FIGURES) out[f].set(first[f]);
  for (let i = 0; i < n; i++) {
    const c = first.contact[i];
    out.contact[i] = c;
    const sums = extra.get(c);
    if (!sums) continue;
    CONTACT_FIGURES.forEach((f, k) => (out[f][i] += sums[k]));
    extra.delete(c);
  }
  // Numbers of the partial days only (a number whose records were all deleted is not in the whole days' table).
  let j = n;
  for (const [c, sums] of extra) {
    out.contact[j] = c;
    CONTACT_FIGURES.forEach((f, k) => (out[f][j] = sums[k]));
    j++;
  }
  out.contact.length = j;
  for (const f of CONTACT_FIGURES) out[f] = out[f].subarray(0, j);
  return out;
}

/**
 * A contacts query's rows handed over as one list (count k, list v: +c,n,faxes,inbound,answered,talk,billable per
 * number; figures are integers) read into columns without a string per figure.
 */
export function readContactList(k: number, v: string): ContactTotals {
  const t = contactTable(k);
  let at = 0;
  const int = () => {
    const negative = v.charCodeAt(at) === 45;
    if (negative) at++;
    const start = at;
    let x = 0;
    for (let c = v.charCodeAt(at); c >= 48 && c <= 57; c = v.charCodeAt(++at)) x = x * 10 + (c - 48);
    if (at === start || !(at === v.length || v.charCodeAt(at) === 44)) throw new Error(`not a contacts list at ${at}`);
    at++;
    return negative ? -x : x;
  };
  for (let i = 0; i < k; i++) {
    const comma = v.indexOf(',', at);
    if (comma < 0) throw new Error(`not a contacts list at ${at}`);
    t.contact[i] = v.slice(at, comma);
    at = comma + 1;
    const n = int();
    const faxes = int();
    t.calls[i] = n - faxes;
    t.faxes[i] = faxes;
    t.inbound[i] = int();
    t.answered[i] = int();
    t.talkMs[i] = int();
    t.billable[i] = int();
  }
  if (at < v.length) throw new Error('contacts list longer than its count');
  return t;
}
