import type * as Either from "effect/Either"
import type { ParseError } from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** Bybit's V5 envelope. `result`, `retExtInfo` and `time` are optional: error answers may omit them. */
export const Envelope = Schema.Struct({
  // A safe integer: `1e400` (Infinity), `1.5` or `2^53 + 1` are not a code anyone could look up.
  retCode: Schema.Int,
  retMsg: Schema.String,
  result: Schema.optional(Schema.Unknown),
  retExtInfo: Schema.optional(Schema.Unknown),
  time: Schema.optional(Schema.Number)
})

/** A decoded V5 envelope. */
export type Envelope = typeof Envelope.Type

/** Decodes any parsed JSON into an envelope, without throwing. */
export const decodeEnvelope: (u: unknown) => Either.Either<Envelope, ParseError> = Schema.decodeUnknownEither(Envelope)

/**
 * A single-line description of a decoding failure. Not cut here: the scrubber cuts it after
 * removing secrets, so no part of one is left at the cut.
 */
export const describe = (error: ParseError): string => error.message.replace(/\s+/g, " ")
