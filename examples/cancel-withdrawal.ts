/**
 * The main job: cancel withdrawal 10197 and say what happened, whatever happens.
 *
 *   npx pnpm@10.34.8 example                      (from the repository root)
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples cancel-withdrawal [id]
 *
 * Runs against the built-in mock exchange unless BYBIT_API_KEY and BYBIT_ENV are set (README.md).
 */
import { BybitClient, Withdrawals } from "@effect-bybit/client"
import { Console, Effect } from "effect"
import { isEntryPoint, runMain } from "./src/run.js"
import { clientLayer } from "./src/target.js"

const code = (e: { readonly retCode?: number | undefined; readonly httpStatus?: number | undefined }) =>
  e.retCode !== undefined ? ` (retCode ${e.retCode})` : e.httpStatus !== undefined ? ` (HTTP ${e.httpStatus})` : ""

const cancelWithdrawal = (id: string): Effect.Effect<void, string, BybitClient.BybitClient> =>
  Effect.gen(function* () {
    yield* Console.log(`Cancelling withdrawal ${id}...`)
    const result = yield* Withdrawals.cancel({ id })
    yield* Console.log(
      result.confirmedAfterRetry
        ? `✔ Withdrawal ${result.id} is cancelled. Bybit's first answer was lost, so the client looked the withdrawal up and found it cancelled.`
        : `✔ Withdrawal ${result.id} is cancelled: Bybit confirmed it, the funds stay on the account.`
    )
    // The withdrawal records show the new state too (on-chain or internal: withdrawType 2).
    const record = (yield* Withdrawals.list({ withdrawID: result.id, withdrawType: 2 })).rows[0]
    yield* Console.log(`  Its withdrawal record now reads: ${record?.status ?? "not listed yet"}.`)
    const limit = yield* BybitClient.rateLimitStatus()
    if (limit !== undefined) {
      yield* Console.log(`  Rate limit of the cancel endpoint: ${limit.remaining} of ${limit.limit} requests left.`)
    }
  }).pipe(
    // Every error Withdrawals.cancel (and list) can fail with, each turned into what it means for the
    // person running this. The type above (error: string) proves none is left unhandled.
    Effect.catchTags({
      WithdrawalNotFound: (e) =>
        Effect.fail(
          `There is no withdrawal ${e.id} on this account${code(e)}. Check the id, and that the API key belongs to the account that made it.`
        ),
      WithdrawalNotCancellable: (e) =>
        Effect.fail(
          `Withdrawal ${e.id} can no longer be cancelled${e.status ? ` (its status is ${e.status})` : ""}${code(e)}. Only withdrawals still in SecurityCheck or Pending can be: it was sent, rejected, or cancelled already.`
        ),
      CancelFailed: (e) =>
        Effect.fail(
          `Bybit accepted the request but did not cancel withdrawal ${e.id} (result.status 0). Check its status before trying again.`
        ),
      InvalidRequest: (e) =>
        Effect.fail(
          `The request is invalid${e.field ? ` (field "${e.field}")` : ""}${code(e)}: ${e.reason}.${e.retCode === undefined ? " Nothing was sent to Bybit." : ""}`
        ),
      AuthenticationFailed: (e) =>
        Effect.fail(
          `Bybit refused the API key or its signature${code(e)}. Check the key and secret, and that they belong to the environment you call (testnet keys fail on mainnet).`
        ),
      PermissionDenied: (e) =>
        Effect.fail(
          `The API key is not allowed to cancel withdrawals${code(e)}. Give it the "Withdrawal" permission and check its IP allow-list.`
        ),
      TimestampOutsideWindow: (e) =>
        Effect.fail(
          `Bybit rejected the request's time even after the client re-synced its clock${code(e)}. Check this machine's clock, or raise BYBIT_RECV_WINDOW.`
        ),
      RateLimitExceeded: (e) =>
        Effect.fail(
          `Too many requests: Bybit's rate limit is exhausted${code(e)}${e.resetAt ? ` until ${new Date(e.resetAt).toISOString()}` : ""}. Try again later.`
        ),
      ExchangeUnavailable: (e) =>
        Effect.fail(`Bybit is unavailable right now${code(e)}, even after several retries. Try again later.`),
      TransportError: (e) =>
        Effect.fail(
          `No answer from Bybit (${e.reason === "Timeout" ? "timed out" : "network error"}${e.detail ? `: ${e.detail}` : ""}), even after several retries.`
        ),
      CancelOutcomeUnknown: (e) =>
        Effect.fail(
          `Withdrawal ${e.id} may or may not be cancelled: an attempt may have reached Bybit, and its record could not be read to tell (${e.detail}). Check its status before cancelling again.`
        ),
      UnreadableResponse: (e) =>
        Effect.fail(`Bybit's answer could not be read (${e.reason}${e.detail ? `: ${e.detail}` : ""}).`),
      RedirectRefused: (e) => Effect.fail(e.message),
      AccessForbidden: (e) => Effect.fail(e.message),
      UnknownApiError: (e) =>
        Effect.fail(
          `Bybit answered with an error this client does not know${code(e)}${e.retMsg ? `: "${e.retMsg}"` : ""}. See Bybit's error code table.`
        )
    })
  )

/**
 * The example as `pnpm example` runs it: `args` are the command-line arguments (an id, default the
 * seed's 10197; pnpm may forward a literal "--").
 */
export const main = (args: ReadonlyArray<string>) =>
  cancelWithdrawal(args.find((arg) => arg !== "--") ?? "10197").pipe(Effect.provide(clientLayer))

if (isEntryPoint(import.meta)) runMain(main(process.argv.slice(2)))
