/**
 * A configuration error in words a person in a hurry can act on: which variable or flag, what is
 * wrong with it, and what to do. Read from the error's structure (the variable's path and the
 * rule's message); a value is never part of it, so a secret cannot be quoted.
 */
import type * as Config from "effect/Config"
import type * as SchemaIssue from "effect/SchemaIssue"
import { flagOfField } from "./args.js"

const CREDENTIALS = ["BYBIT_API_KEY", "BYBIT_API_SECRET", "BYBIT_RSA_PRIVATE_KEY"]

const HOW_TO_SET = [
  "Set BYBIT_API_KEY to your API key, and BYBIT_API_SECRET to its secret (a system-generated HMAC key)",
  "or BYBIT_RSA_PRIVATE_KEY to the PEM private key of a self-generated RSA key, e.g.:",
  "  export BYBIT_API_KEY=...  BYBIT_API_SECRET=...",
  "Both come from Bybit's API management page; run with --help for details."
]

interface Problem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly text: string
}

/** The leaves of an issue, each with the path it is at and what it says. */
const problemsOf = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): Array<Problem> => {
  switch (issue._tag) {
    case "Pointer":
      return problemsOf(issue.issue, [...path, ...issue.path])
    case "Composite":
      return issue.issues.flatMap((inner) => problemsOf(inner, path))
    case "Filter":
    case "Encoding":
      return problemsOf(issue.issue, path)
    case "MissingKey":
      return [{ path, text: "is not set" }]
    case "InvalidType":
      // From the environment every value is a string: a type error is a variable that is not there.
      return [{ path, text: "is not set" }]
    case "InvalidValue": {
      const message = issue.annotations?.message
      return [{ path, text: typeof message === "string" ? message : "is not valid" }]
    }
    default:
      return [{ path, text: "is not valid" }]
  }
}

/** What the CLI prints for a `ConfigError` of the client's layer. */
export const configErrorLines = (error: Config.ConfigError): ReadonlyArray<string> => {
  const cause = error.cause
  if (cause._tag !== "SchemaError") return [`error: cannot read the configuration (${cause.message})`]
  const problems = problemsOf(cause.issue, [])
  const lines = problems.map(({ path, text }) => {
    const name = path.map(String).join(".")
    const shown = CREDENTIALS.includes(name) ? name : name === "" ? "configuration" : flagOfField(name)
    return `error: ${shown}: ${text}`
  })
  return problems.some(({ path }) => CREDENTIALS.includes(String(path[0]))) ? [...lines, ...HOW_TO_SET] : lines
}
