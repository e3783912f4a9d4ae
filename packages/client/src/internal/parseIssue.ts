/**
 * A schema failure described without quoting the value it failed on: the path to its first issue,
 * the rule (the schema's own words, or a message of our filters, written never to quote) and the
 * value's shape (type, length, the kind and position of a character at fault). Used for the caller's
 * input (`invalidInput.ts`) and for what a server sent (`envelope.ts`): bounded and cheap whatever the
 * value (Schema's own messages quote it whole: a 50,000-key object became a 1 MB description).
 */
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"

type Leaf = ParseResult.Type | ParseResult.Missing | ParseResult.Unexpected | ParseResult.Forbidden

/** A union's member issues, without the `undefined` member every optional field adds. */
const unionMembers = (issues: ReadonlyArray<ParseResult.ParseIssue>): ReadonlyArray<ParseResult.ParseIssue> =>
  issues.filter((issue) => !(issue._tag === "Type" && AST.isUndefinedKeyword(issue.ast)))

/**
 * The first issue at the bottom of the tree and the path to it. A union none of whose members took
 * the value (`0 | 1 | 2`) is itself the leaf: its members' issues would each name one member only.
 */
export const firstLeaf = (
  issue: ParseResult.ParseIssue,
  path: ReadonlyArray<PropertyKey>
): { readonly leaf: Leaf | ParseResult.Composite; readonly path: ReadonlyArray<PropertyKey> } => {
  switch (issue._tag) {
    case "Pointer":
      return firstLeaf(issue.issue, path.concat(issue.path))
    case "Refinement":
    case "Transformation":
      return firstLeaf(issue.issue, path)
    case "Composite": {
      const all = Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]
      const members = AST.isUnion(issue.ast) ? unionMembers(all) : all
      if (AST.isUnion(issue.ast) && members.length > 1 && members.every((m) => m._tag === "Type")) {
        return { leaf: issue, path }
      }
      const first = members[0] ?? all[0]
      return first === undefined ? { leaf: issue, path } : firstLeaf(first, path)
    }
    default:
      return { leaf: issue, path }
  }
}

/** What a schema expects, in the words of its annotations (static text of ours or Effect's). */
const expectedOf = (ast: AST.AST): string => {
  if (AST.isUnion(ast)) {
    return ast.types
      .filter((t) => !AST.isUndefinedKeyword(t))
      .map(expectedOf)
      .join(" | ")
  }
  const annotated = AST.getDescriptionAnnotation(ast).pipe(
    Option.orElse(() => AST.getTitleAnnotation(ast)),
    Option.orElse(() => AST.getIdentifierAnnotation(ast))
  )
  if (Option.isSome(annotated)) return annotated.value
  if (AST.isStringKeyword(ast)) return "a string"
  if (AST.isNumberKeyword(ast)) return "a number"
  return String(ast)
}

/** The kind of a character, never the character itself. */
const characterKind = (c: string): string => {
  if (/\s/.test(c)) return "whitespace"
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is named
  if (/[\u0000-\u001f\u007f-\u009f]/.test(c)) return "a control character"
  if (c.charCodeAt(0) > 0x7e) return "a non-ASCII character"
  return "a symbol"
}

/**
 * A value described without being quoted: its type; for a string its length and the first character
 * that is not an ASCII letter or digit (kind and 1-based position); for a number its kind and digits.
 */
export const describeValue = (value: unknown): string => {
  switch (typeof value) {
    case "string": {
      if (value.length === 0) return "an empty string"
      const length = `a string of ${value.length} character${value.length === 1 ? "" : "s"}`
      const at = value.search(/[^A-Za-z0-9]/)
      return at < 0 ? length : `${length} with ${characterKind(value.charAt(at))} at position ${at + 1}`
    }
    case "number": {
      if (Number.isNaN(value)) return "NaN"
      if (!Number.isFinite(value)) return "an infinite number"
      if (!Number.isInteger(value)) return "a fractional number"
      if (!Number.isSafeInteger(value)) return "a number beyond 2^53 - 1 (not a safe integer)"
      const digits = String(Math.abs(value)).length
      return `${value < 0 ? "a negative integer" : "an integer"} of ${digits} digit${digits === 1 ? "" : "s"}`
    }
    case "bigint":
      return "a bigint"
    case "boolean":
      return "a boolean"
    case "undefined":
      return "undefined"
    case "symbol":
      return "a symbol"
    case "function":
      return "a function"
    default:
      return value === null ? "null" : Array.isArray(value) ? "an array" : "an object"
  }
}

/** The reason for a leaf: a message of our own filters (written never to quote), else the rule and the value's shape. */
export const reasonOf = (leaf: Leaf | ParseResult.Composite): string => {
  switch (leaf._tag) {
    case "Missing":
      return "is required"
    case "Unexpected":
      return "is not allowed"
    case "Forbidden":
      return "could not be checked"
    case "Type":
      if (leaf.message !== undefined) return leaf.message
      return `expected ${expectedOf(leaf.ast)}, got ${describeValue(leaf.actual)}`
    case "Composite":
      return `expected ${expectedOf(leaf.ast)}, got ${describeValue(leaf.actual)}`
  }
}

/** `path: reason` of the first issue (`reason` alone when it has no path). */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const { leaf, path } = firstLeaf(error.issue, [])
  const reason = reasonOf(leaf)
  return path.length > 0 ? `${path.map(String).join(".")}: ${reason}` : reason
}
