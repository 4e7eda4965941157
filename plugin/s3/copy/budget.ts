// A byte budget shared by the copy workers: each object reserves the buffer memory it will hold
// before it starts, so memory stays bounded by the budget whatever the concurrency and object
// sizes. A reservation larger than the budget waits until nothing else is held, then runs alone.
export class ByteBudget {
  readonly #limit: number;
  #used = 0;
  readonly #waiting: { bytes: number; wake: () => void }[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async reserve(bytes: number): Promise<() => void> {
    // A waiter's bytes are counted by #drain before it is woken, so nothing else slips in between.
    if (this.#waiting.length === 0 && this.#fits(bytes)) this.#used += bytes;
    else await new Promise<void>((wake) => this.#waiting.push({ bytes, wake }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used -= bytes;
      this.#drain();
    };
  }

  #fits(bytes: number): boolean {
    return this.#used === 0 || this.#used + bytes <= this.#limit;
  }

  // First come, first served: a large reservation is not starved by a stream of small ones.
  #drain(): void {
    while (this.#waiting.length > 0) {
      const head = this.#waiting[0];
      if (head === undefined || !this.#fits(head.bytes)) return;
      this.#waiting.shift();
      this.#used += head.bytes;
      head.wake();
    }
  }
}
