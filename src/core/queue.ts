/**
 * A bounded FIFO between two pipeline stages. `push` waits while the queue is full (backpressure reaches the
 * producer); `take` waits for at least one item and returns up to `max`. Capacity is counted in items' weight.
 * `pushUrgent` puts an item in a second lane that `take` empties first (alerts must not wait behind a backlog of
 * events); it never waits, so its producer bounds it.
 */
export class BoundedQueue<T> {
  private items: { item: T; weight: number }[] = [];
  private urgent: { item: T; weight: number }[] = [];
  private head = 0;
  private weight = 0;
  private readonly spaceWaiters: (() => void)[] = [];
  private dataWaiter: (() => void) | undefined;
  private closed = false;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('queue capacity must be positive');
  }

  /** Weight queued in both lanes. */
  get size(): number {
    return this.weight + this.urgentWeight;
  }

  private urgentWeight = 0;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Waits for room, then enqueues. A single item heavier than the capacity is accepted into an empty queue. */
  async push(item: T, weight = 1): Promise<void> {
    while (!this.closed && this.weight > 0 && this.weight + weight > this.capacity) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) throw new Error('queue is closed');
    this.items.push({ item, weight });
    this.weight += weight;
    const w = this.dataWaiter;
    this.dataWaiter = undefined;
    w?.();
  }

  /** Enqueues in the urgent lane without waiting for room (see the class comment). */
  pushUrgent(item: T, weight = 1): void {
    if (this.closed) throw new Error('queue is closed');
    this.urgent.push({ item, weight });
    this.urgentWeight += weight;
    const w = this.dataWaiter;
    this.dataWaiter = undefined;
    w?.();
  }

  /** Up to `maxWeight` of items (at least one), urgent ones first; an empty array once the queue is closed and drained. */
  async take(maxWeight: number): Promise<T[]> {
    while (this.head === this.items.length && this.urgent.length === 0) {
      if (this.closed) return [];
      await new Promise<void>((resolve) => (this.dataWaiter = resolve));
    }
    const out: T[] = [];
    let taken = 0;
    if (this.urgent.length > 0) {
      let n = 0;
      for (const u of this.urgent) {
        if (n > 0 && taken + u.weight > maxWeight) break;
        out.push(u.item);
        taken += u.weight;
        n++;
      }
      this.urgent.splice(0, n);
      this.urgentWeight -= taken;
      return out;
    }
    while (this.head < this.items.length) {
      const next = this.items[this.head] as { item: T; weight: number };
      if (out.length > 0 && taken + next.weight > maxWeight) break;
      out.push(next.item);
      taken += next.weight;
      this.head++;
    }
    this.weight -= taken;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    for (const w of this.spaceWaiters.splice(0)) w();
    return out;
  }

  /** No more pushes; takers drain what is left. */
  close(): void {
    this.closed = true;
    for (const w of this.spaceWaiters.splice(0)) w();
    const w = this.dataWaiter;
    this.dataWaiter = undefined;
    w?.();
  }
}
