// Group commit: work submitted while a transaction runs waits and then goes, all of it, into the next one, so many
// concurrent requests share one transaction (one commit, one round of multi-row statements) instead of queueing
// for a transaction each. Each submitter is answered only once the transaction holding its work has committed.
// With `lanes` above 1 (PostgreSQL: a connection each) that many groups may run at once, so the next group's work
// (assembling, building statements, the statements before it waits on a lock the running group holds) overlaps the
// running group's transaction; the work queued when a lane starts is shared out between the idle lanes.
// Jobs sharing a key (`keys`: a telephony session) never run in two lanes at once, nor out of submission order: a
// job waits while a running group holds one of its keys or an earlier waiting job shares one, so what one session's
// jobs write in turn (the event log) keeps the order they were submitted in.

export interface GroupCommitOptions<J, R> {
  /** Runs `jobs` in one transaction; resolves to one result per job, in order, once it has committed. */
  commit(jobs: J[]): Promise<R[]>;
  /** How much work a job is (events); a group stops growing past `maxWeight`. */
  weight(job: J): number;
  maxWeight: number;
  /** Groups that may run at once (default 1: one after another). */
  lanes?: number;
  /** What a job must not share with a job running in another lane (default: nothing). */
  keys?(job: J): Iterable<string>;
  /**
   * Under concurrent load, how long a lane lets work gather before it takes a group (default 0: at once): when the
   * group before held more than one job and committed less than a second ago. The groups get bigger (fewer commits)
   * and the thread is left free for other requests between them; a caller submitting one job at a time is not held.
   */
  pauseMs?: number;
}

interface Waiting<J, R> {
  job: J;
  /** The job's keys, read once when it was submitted. */
  keys: readonly string[];
  resolve(result: R): void;
  reject(err: unknown): void;
}

/** A commit that ended this recently, of more than one job, means concurrent load (pauseMs). */
const BUSY_MS = 1000;

export class GroupCommit<J, R> {
  private queue: Waiting<J, R>[] = [];
  /** The lanes draining the queue. */
  private readonly running = new Set<Promise<void>>();
  /** Lanes inside a commit. */
  private committing = 0;
  private readonly lanes: number;
  /** The keys of the groups inside a commit. */
  private readonly held = new Set<string>();
  /** The last group's size in jobs, and when its commit ended (pauseMs). */
  private lastJobs = 0;
  private lastEnded = 0;

  constructor(private readonly options: GroupCommitOptions<J, R>) {
    this.lanes = Math.max(1, options.lanes ?? 1);
  }

  /** Resolves with the job's result after the transaction that holds it commits; rejects if it cannot commit. */
  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, keys: this.options.keys ? [...this.options.keys(job)] : [], resolve, reject });
      this.startLane();
    });
  }

  /**
   * Starts a lane if work waits and every running lane is inside a commit. Also when a lane ends: a job submitted
   * between its last look at the queue and its removal from `running` found it still running and started none.
   */
  private startLane(): void {
    if (!this.queue.length || this.running.size >= this.lanes || this.running.size > this.committing) return;
    // A lane that could take nothing (every job waits for a running group) would only spin.
    if (this.held.size && !this.queue.some((w) => this.eligible(w, new Set<string>()))) return;
    const lane: Promise<void> = this.drain().finally(() => {
      this.running.delete(lane);
      this.startLane();
    });
    this.running.add(lane);
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all(this.running);
  }

  private async drain(): Promise<void> {
    // Let the requests already on their way join the first group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const { pauseMs } = this.options;
      if (pauseMs && this.lastJobs > 1 && performance.now() - this.lastEnded < BUSY_MS)
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      const group = this.take();
      if (!group.length) break;
      const keys = group.flatMap((w) => w.keys);
      for (const k of keys) this.held.add(k);
      this.committing++;
      try {
        const results = await this.options.commit(group.map((w) => w.job));
        group.forEach((w, i) => w.resolve(results[i]));
      } catch (err) {
        if (group.length === 1) group[0].reject(err);
        // One job's failure must not fail the others: each goes again in a transaction of its own.
        else for (const w of group) await this.alone(w);
      } finally {
        this.committing--;
        for (const k of keys) this.held.delete(k);
        this.lastJobs = group.length;
        this.lastEnded = performance.now();
      }
    }
  }

  /**
   * The next group: the queue's first jobs up to maxWeight, and up to this lane's share of it if lanes are idle,
   * passing over the jobs that wait for a key (held by a running group, or shared with a job passed over before).
   */
  private take(): Waiting<J, R>[] {
    const idle = this.running.size - this.committing;
    let limit = this.options.maxWeight;
    if (idle > 1) {
      let queued = 0;
      for (const w of this.queue) queued += this.options.weight(w.job);
      limit = Math.min(limit, Math.ceil(queued / idle));
    }
    const passed = new Set<string>();
    const group: Waiting<J, R>[] = [];
    const rest: Waiting<J, R>[] = [];
    let weight = 0;
    let full = false;
    for (const w of this.queue) {
      if (full) {
        rest.push(w);
        continue;
      }
      if (!this.eligible(w, passed)) {
        rest.push(w);
        for (const k of w.keys) passed.add(k);
        continue;
      }
      const wWeight = this.options.weight(w.job);
      if (group.length && weight + wWeight > limit) {
        // Later jobs are not taken past one that did not fit: they would overtake it.
        full = true;
        rest.push(w);
        continue;
      }
      weight += wWeight;
      group.push(w);
    }
    this.queue = rest;
    return group;
  }

  /** Whether a job may go now: none of its keys is held by a running group or by a job passed over (`passed`). */
  private eligible(w: Waiting<J, R>, passed: Set<string>): boolean {
    if (!this.held.size && !passed.size) return true;
    for (const k of w.keys) if (this.held.has(k) || passed.has(k)) return false;
    return true;
  }

  private async alone(w: Waiting<J, R>): Promise<void> {
    try {
      const [result] = await this.options.commit([w.job]);
      w.resolve(result);
    } catch (err) {
      w.reject(err);
    }
  }
}
