// Seeded pseudo-random numbers (sfc32): the same seed gives the same sequence on every machine, for deterministic
// generation and replayable fault injection. Never Math.random there: `ringlog seed` must be byte-identical per seed.

const TWO_32 = 4294967296;

export class SeededRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** `stream` separates independent sequences drawn from one seed (company, traffic, ...). */
  constructor(seed: number, stream = 0) {
    const whole = Math.trunc(seed);
    let s = (whole >>> 0) ^ Math.imul(Math.floor(whole / TWO_32) >>> 0, 0x85ebca6b) ^ Math.imul(stream + 1, 0x9e3779b9);
    const mix = (): number => {
      // splitmix32: spreads the seed over the four state words.
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / TWO_32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Real number in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal (Box–Muller). */
  gaussian(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median and sigma of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.gaussian());
  }

  /** Poisson count (exact below a mean of 40, normal approximation above). */
  /** A gap of a Poisson process with `rate` events per unit: exponentially distributed, mean 1 / rate. */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean >= 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.gaussian()));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }

  /** `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

/** A fixed weighted choice among values, drawn in O(log n). Weights need not sum to 1. */
export class WeightedChoice<T> {
  private readonly values: T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.values = entries.map(([value]) => value);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      sum += weight;
      this.cumulative[i] = sum;
    });
    this.total = sum;
    if (!(sum > 0)) throw new RangeError('WeightedChoice needs a positive total weight');
  }

  pick(rng: SeededRandom): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}
