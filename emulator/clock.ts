/**
 * Emulator clock: real time, shifted by an offset and optionally sped up by a
 * scale factor, so tests can move time without waiting.
 */
export class EmulatorClock {
  private baseEmulatorMs: number;
  private baseRealMs: number;
  private scale = 1;

  constructor(startMs: number = Date.now()) {
    this.baseEmulatorMs = startMs;
    this.baseRealMs = Date.now();
  }

  /** Returns the current emulator time in epoch milliseconds. */
  now(): number {
    const realElapsed = Date.now() - this.baseRealMs;
    return this.baseEmulatorMs + realElapsed * this.scale;
  }

  /** Sets the emulator time; it keeps advancing from there. */
  set(ms: number): void {
    this.baseEmulatorMs = ms;
    this.baseRealMs = Date.now();
  }

  /** Moves the emulator time by `deltaMs` (negative moves it back). */
  advance(deltaMs: number): void {
    this.set(this.now() + deltaMs);
  }

  /** Sets how many emulator milliseconds pass per real millisecond. */
  setScale(scale: number): void {
    if (!(scale > 0)) {
      throw new RangeError(`time scale must be positive, got ${scale}`);
    }
    this.set(this.now());
    this.scale = scale;
  }

  /** Returns the emulator milliseconds that pass per real millisecond. */
  getScale(): number {
    return this.scale;
  }

  /** Converts emulator milliseconds into real milliseconds. */
  toRealMs(emulatorMs: number): number {
    return emulatorMs / this.scale;
  }
}
