// Date-range filters from query strings ("from", "to" as YYYY-MM-DD or an ISO date-time), shared by search and the audit pages.

/** A bare date "to" includes that whole day (UTC). */
export function endOfDay(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
}

/** The UTC calendar day of a moment, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
