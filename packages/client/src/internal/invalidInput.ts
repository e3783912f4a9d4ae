/**
 * The caller's input refused by a schema, as `InvalidRequest`. The reason says the rule and what was
 * wrong with the value (its type, its length, the kind and position of a character at fault), never
 * the value itself: a caller who puts a secret in the wrong field must not find it in an error, a log
 * or a span. Schema's own messages quote the value (`actual "..."`), so the issue tree is walked here
 * instead of formatted.
 */
import type * as ParseResult from "effect/ParseResult"
import { InvalidRequest } from "../BybitError.js"
import { firstLeaf, reasonOf } from "./parseIssue.js"

/**
 * `InvalidRequest` for a schema failure on the caller's input: the field of the first issue (or
 * `fallbackField` when it has no path) and a reason that never quotes the value.
 */
export const invalidInput = (error: ParseResult.ParseError, fallbackField: string): InvalidRequest => {
  const { leaf, path } = firstLeaf(error.issue, [])
  const field = path.length > 0 ? path.map(String).join(".") : fallbackField
  return new InvalidRequest({ field, reason: reasonOf(leaf) })
}
