/**
 * Durations as text. Each name says the unit it takes: `formatSeconds` takes seconds,
 * `formatMs…` milliseconds; `As…` says the unit it writes when that differs.
 */

/** Seconds to 3 significant digits at most: `0.62 s`, `21.3 s`, `125 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 100) return `${seconds.toFixed(1)} s`;
  return `${seconds.toFixed(0)} s`;
}

/** Milliseconds, one decimal below 10: `3.5 ms`, `-3.5 ms`, `120 ms`. */
export function formatMs(ms: number): string {
  return `${ms.toFixed(Math.abs(ms) < 10 ? 1 : 0)} ms`;
}

/** Milliseconds as seconds with one decimal: `12.3 s`. */
export function formatMsAsSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Milliseconds as whole seconds, with minutes from one minute on: `42 s`, `3 min 5 s`. */
export function formatMsAsMinutes(ms: number): string {
  const total = Math.round(ms / 1000);
  return total < 60 ? `${total} s` : `${Math.floor(total / 60)} min ${total % 60} s`;
}
