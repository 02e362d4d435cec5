// Runs an async pass on demand, never two at once: asking while one runs means one more pass right after it, however
// often it was asked. What WebHook delivery and the WebSocket gateway do when new events may be waiting.

export class CoalescedRunner {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs a pass now, or right after the running one. */
  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Resolves when no pass runs or is due. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
