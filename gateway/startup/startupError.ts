/** A start-up refusal with a plain message saying what to do (printed without a stack trace). */
export class StartupError extends Error {
  constructor(
    readonly code: "NOT_INITIALISED" | "DATABASE_MISSING" | "DATABASE_CORRUPT" | "DEMO_DATA_IN_PRODUCTION",
    message: string,
  ) {
    super(message);
    this.name = "StartupError";
  }
}
