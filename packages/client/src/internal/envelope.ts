import * as Either from "effect/Either"
import type { ParseError } from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { describeParseError } from "./parseIssue.js"

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

const decodeWithSchema = Schema.decodeUnknownEither(Envelope)

/**
 * Decodes any parsed JSON into an envelope, without throwing. A well-formed envelope (every answer
 * but a broken one) is checked by hand, to the same rules and with the same output as the schema:
 * this runs on every answer. Anything else goes through the schema, for its error message.
 */
export const decodeEnvelope = (u: unknown): Either.Either<Envelope, ParseError> => {
  if (typeof u === "object" && u !== null && !Array.isArray(u)) {
    const o = u as Record<string, unknown>
    const { retCode, retMsg, time } = o
    if (
      Number.isSafeInteger(retCode) &&
      typeof retMsg === "string" &&
      (time === undefined || typeof time === "number")
    ) {
      const envelope: { -readonly [K in keyof Envelope]: Envelope[K] } = { retCode: retCode as number, retMsg }
      if ("result" in o) envelope.result = o.result
      if ("retExtInfo" in o) envelope.retExtInfo = o.retExtInfo
      if ("time" in o) envelope.time = time
      return Either.right(envelope)
    }
  }
  return decodeWithSchema(u)
}

/**
 * A single-line description of a decoding failure: the path to its first issue, the rule and the
 * shape of what the server sent (`parseIssue.ts`), never the value itself, so it costs little however
 * large the answer. Not cut here: the scrubber cuts it after removing secrets.
 */
export const describe = (error: ParseError): string => describeParseError(error).replace(/\s+/g, " ")
