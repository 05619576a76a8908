/**
 * The log functions that library code uses. `main` passes the `@actions/core`
 * ones; tests pass recorders. Messages must never contain a secret.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
};
