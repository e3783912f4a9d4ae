import * as Schema from "effect/Schema"

const Digits = Schema.String.pipe(Schema.pattern(/^\d{1,30}$/))

/** The `result` of `GET /v5/market/time`, with the time in ms derived from `timeNano`. */
export class ServerTime extends Schema.Class<ServerTime>("ServerTime")({
  /** Seconds since the epoch, as the server sent it. */
  timeSecond: Digits,
  /** Nanoseconds since the epoch, as the server sent it. */
  timeNano: Digits
}) {
  /** Milliseconds since the epoch (from `timeNano`). */
  get millis(): number {
    return Number(BigInt(this.timeNano) / 1_000_000n)
  }
}

/** Decodes the `result` of `GET /v5/market/time`, without throwing. */
export const decodeServerTime = Schema.decodeUnknownEither(ServerTime)
