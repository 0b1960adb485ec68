/**
 * Group commit: items submitted while earlier batches are being written wait, and go to the
 * database together in the next statement. When the server is quiet an item is written at once,
 * alone (after the current turn of the event loop, so items submitted in the same turn share it);
 * under load, batches grow with the write latency, so the statements per item fall as load rises.
 */
export type GroupCommitOptions<Item, Result> = {
  /**
   * Writes one batch; resolves with one result per item, in order, or rejects (every item of the
   * batch then rejects with that error).
   */
  write(items: Item[]): Promise<Result[]>;
  /** Most items in one statement. */
  maxBatch: number;
  /** Batches written at once; more items wait for one of them to finish. */
  maxInFlight: number;
};

type Pending<Item, Result> = {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};

export class GroupCommit<Item, Result> {
  private waiting: Pending<Item, Result>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {}

  /** Items waiting for a batch (not yet sent). */
  get backlog(): number {
    return this.waiting.length;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.scheduled && this.inFlight < this.options.maxInFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.writeBatch(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async writeBatch(batch: Pending<Item, Result>[]): Promise<void> {
    try {
      const results = await this.options.write(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => {
        pending.resolve(results[index] as Result);
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
