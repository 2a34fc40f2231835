/**
 * Runs an async task every `intervalMs`, never two at once (a slow run delays the next
 * instead of piling up). Errors are logged, never thrown into the timer.
 */
import type { Logger } from '../../observability/logger.js';

export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Runs the task now (after any run in progress); resolves when it has finished. */
  async runNow(): Promise<void> {
    await this.running;
    this.running = this.task().catch((err: unknown) => {
      this.log.error({ err, task: this.name }, 'periodic task failed');
    });
    await this.running;
    this.running = undefined;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.runNow().then(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }
}
