/** Formats epoch ms as ISO 8601 with milliseconds, e.g. `2024-11-06T06:30:00.778Z`. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** Formats epoch ms without fractions, e.g. `2016-09-01T02:05:14Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Formats epoch ms as IAM does, with microseconds: `2024-11-07T06:30:00.778000Z`. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Formats epoch ms as an `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ`. */
export function sdkDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses an `X-Sdk-Date` value; returns null when malformed. */
export function parseSdkDate(value: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    return null;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  return Number.isNaN(ms) ? null : ms;
}
