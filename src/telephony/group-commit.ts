// Group commit: work submitted while a transaction runs waits and then goes, all of it, into the next one, so many
// concurrent requests share one transaction (one commit, one round of multi-row statements) instead of queueing
// for a transaction each. Each submitter is answered only once the transaction holding its work has committed.

export interface GroupCommitOptions<J, R> {
  /** Runs `jobs` in one transaction; resolves to one result per job, in order, once it has committed. */
  commit(jobs: J[]): Promise<R[]>;
  /** How much work a job is (events); a group stops growing past `maxWeight`. */
  weight(job: J): number;
  maxWeight: number;
}

interface Waiting<J, R> {
  job: J;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class GroupCommit<J, R> {
  private queue: Waiting<J, R>[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly options: GroupCommitOptions<J, R>) {}

  /** Resolves with the job's result after the transaction that holds it commits; rejects if it cannot commit. */
  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = null;
      });
    });
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the requests already on their way join the first group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const group = this.take();
      try {
        const results = await this.options.commit(group.map((w) => w.job));
        group.forEach((w, i) => w.resolve(results[i]));
      } catch (err) {
        if (group.length === 1) group[0].reject(err);
        // One job's failure must not fail the others: each goes again in a transaction of its own.
        else for (const w of group) await this.alone(w);
      }
    }
  }

  private take(): Waiting<J, R>[] {
    let weight = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || weight + this.options.weight(this.queue[n].job) <= this.options.maxWeight)
    ) {
      weight += this.options.weight(this.queue[n].job);
      n++;
    }
    return this.queue.splice(0, n);
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
