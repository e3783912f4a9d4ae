/**
 * An HTTP-date (RFC 9110 §5.6.7), as `Retry-After` may carry one: a recipient must accept all three
 * forms, the preferred IMF-fixdate and the obsolete RFC 850 and asctime ones:
 *
 *   Sun, 06 Nov 1994 08:49:37 GMT     IMF-fixdate
 *   Sunday, 06-Nov-94 08:49:37 GMT    RFC 850 (two-digit year)
 *   Sun Nov  6 08:49:37 1994          asctime (day padded with a space)
 *
 * Anything else, or a date that does not exist (31 Feb, hour 24), is `undefined`.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
const MONTH = `(${MONTHS.join("|")})`
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})"

const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`)
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`)
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`)

/** Milliseconds since the epoch of the date, if every field is in range. */
const utc = (year: number, month: string, day: number, hour: number, minute: number, second: number) => {
  const monthIndex = MONTHS.indexOf(month)
  // 60 is a leap second, as RFC 9110 allows; Date.UTC carries it into the next minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined
  // 31 Feb would roll into March: not a date.
  if (day < 1 || new Date(Date.UTC(year, monthIndex, day)).getUTCDate() !== day) return undefined
  return Date.UTC(year, monthIndex, day, hour, minute, second)
}

/**
 * The two-digit year of an RFC 850 date: one that would be more than 50 years after `nowYear` is the
 * most recent past year with those digits (RFC 9110 §5.6.7).
 */
const fullYear = (twoDigits: number, nowYear: number): number => {
  const year = nowYear - (nowYear % 100) + twoDigits
  return year > nowYear + 50 ? year - 100 : year
}

/** Milliseconds since the epoch of an HTTP-date in any of its three forms, else `undefined`. */
export const parseHttpDate = (text: string, now: number): number | undefined => {
  let match = IMF_FIXDATE.exec(text)
  if (match !== null) {
    const [, day, month, year, hour, minute, second] = match
    return utc(Number(year), month!, Number(day), Number(hour), Number(minute), Number(second))
  }
  match = RFC_850.exec(text)
  if (match !== null) {
    const [, day, month, year, hour, minute, second] = match
    const nowYear = new Date(now).getUTCFullYear()
    return utc(fullYear(Number(year), nowYear), month!, Number(day), Number(hour), Number(minute), Number(second))
  }
  match = ASCTIME.exec(text)
  if (match !== null) {
    const [, month, day, hour, minute, second, year] = match
    return utc(Number(year), month!, Number(day!.trim()), Number(hour), Number(minute), Number(second))
  }
  return undefined
}
