/** The source of "now" for everything that depends on time; tests inject a FakeClock. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests of time rules use it instead of sleeping). */
export class FakeClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by ms milliseconds. */
  advance(ms: number): void {
    this.t += ms;
  }
  /** Sets the absolute time in epoch milliseconds. */
  set(t: number): void {
    this.t = t;
  }
}
