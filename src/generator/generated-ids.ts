// Ids for generated traffic, shaped like RingCentral's and unique by construction: 15-character record ids,
// numeric session, recording and message ids that grow over time, and `s-…` hex telephony session ids.

import type { SeededRandom } from '../domain/index.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const RANDOM_PART = 8;
const COUNTER_PART = 7; // 62^7 ≈ 3.5e12 records

export class GeneratedIds {
  private records = 0;
  private sessions = 0;
  private sessionNumber: number;
  private recordingNumber: number;
  private messageNumber: number;

  constructor(private readonly rng: SeededRandom) {
    this.sessionNumber = 10_000_000_000 + rng.int(5_000_000) * 1000;
    this.recordingNumber = 1_500_000_000 + rng.int(1_000_000) * 100;
    this.messageNumber = 9_000_000_000 + rng.int(1_000_000) * 100;
  }

  /**
   * A record id such as `IVWtSyis720zMEA`: 8 random characters, then a counter in base 62 whose digits are shifted
   * by the random characters. Two ids with equal random parts have equal shifts and so differ in the counter.
   */
  record(): string {
    let n = this.records++;
    let id = '';
    const codes: number[] = [];
    for (let i = 0; i < RANDOM_PART; i++) {
      const c = this.rng.int(62);
      codes.push(c);
      id += ALNUM[c];
    }
    for (let i = 0; i < COUNTER_PART; i++) {
      const digit = n % 62;
      n = Math.floor(n / 62);
      id += ALNUM[(digit + codes[i] * 7 + i * 13) % 62];
    }
    return id;
  }

  /** Legacy numeric session id, increasing (other customers' sessions take the numbers between). */
  session(): string {
    this.sessionNumber += 1 + this.rng.int(4000);
    return String(this.sessionNumber);
  }

  /** `s-` followed by hex: random part, start time and a counter. */
  telephonySession(startTime: number): string {
    const counter = (this.sessions++).toString(16).padStart(8, '0');
    return `s-${this.rng.chars(HEX, 12)}${startTime.toString(16)}${counter}0000`;
  }

  recording(): string {
    this.recordingNumber += 1 + this.rng.int(500);
    return String(this.recordingNumber);
  }

  message(): string {
    this.messageNumber += 1 + this.rng.int(500);
    return String(this.messageNumber);
  }
}
