/**
 * The bot's clock (Services.now): the wall clock, or — on the console, to try the evening roll call
 * during the day — the wall clock moved by an offset (`:time 22:00`). Time keeps running from there.
 */
export class Clock {
  private offsetMs = 0;

  /** What the bot reads as now; a bound function, so it can be handed on as `now`. */
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  /** From now on the clock reads `at`, and runs on from it. */
  setTo(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  /** Back to the wall clock. */
  reset(): void {
    this.offsetMs = 0;
  }

  /** How far ahead (negative: behind) of the wall clock it is, in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }
}
