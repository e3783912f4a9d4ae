/**
 * A larger program: cancel every pending withdrawal of a coin, all at once (the client paces the
 * requests to the cancel endpoint's limit, and shows progress: a bar on a terminal, one line per
 * withdrawal otherwise), say what happened to each, then check the withdrawal records to confirm.
 * A record the client could not read (`MalformedRecord`) is printed with its reason and counted: it
 * may be a pending withdrawal, so the job is not called done while one is left.
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples cancel-pending [COIN]     (default USDT)
 *
 * The coin can also come from the COIN environment variable. Runs against the built-in mock
 * exchange unless BYBIT_API_KEY and BYBIT_ENV are set (README.md).
 */
import { type BybitClient, type BybitError, Withdrawals } from "@effect-bybit/client"
import { Config, Console, Data, Effect, Stream } from "effect"
import { makeProgress, type ProgressOutcome } from "./src/progress.js"
import { isEntryPoint, runMain } from "./src/run.js"
import { clientLayer } from "./src/target.js"

/** What happened to one withdrawal. */
type Outcome = Data.TaggedEnum<{
  Cancelled: { readonly afterLostAnswer: boolean }
  AlreadyGone: { readonly why: string }
  Failed: { readonly why: string }
}>
const Outcome = Data.taggedEnum<Outcome>()

const isPending = (status: Withdrawals.WithdrawalStatus) => status === "Pending" || status === "SecurityCheck"

/**
 * Every withdrawal of the coin, on-chain and internal (`withdrawType: 2`), following the pages,
 * split into the records read and the rows that could not be read (each with its reason). Bybit
 * returns the last 30 days when no time range is given, which covers anything still pending.
 */
const records = (coin: string) =>
  Stream.runCollect(Withdrawals.listAll({ coin, withdrawType: 2 })).pipe(
    Effect.map((items) => {
      const read: Array<Withdrawals.WithdrawalRecord> = []
      const malformed: Array<Withdrawals.MalformedRecord> = []
      for (const item of items) {
        if (Withdrawals.isMalformedRecord(item)) malformed.push(item)
        else read.push(item)
      }
      return { read, malformed }
    }),
    Effect.mapError((e) => `Could not read the ${coin} withdrawal records. ${e.message}`)
  )

/** A row the client could not read: its id when readable, else its place in the listing. */
const describeMalformed = (row: Withdrawals.MalformedRecord) =>
  `${(row.withdrawId ?? `row ${row.index} of its page`).padEnd(8)} could not be read: ${row.reason}`

/** Cancels one withdrawal; never fails: every outcome is something to report. */
const cancelOne = (w: Withdrawals.WithdrawalRecord): Effect.Effect<Outcome, never, BybitClient.BybitClient> =>
  Withdrawals.cancel({ id: w.withdrawId }).pipe(
    Effect.map((result) => Outcome.Cancelled({ afterLostAnswer: result.confirmedAfterRetry })),
    // Between the listing and the cancel, the exchange may have moved on: not a failure of ours.
    Effect.catchTags({
      WithdrawalNotCancellable: (e) =>
        Effect.succeed(
          Outcome.AlreadyGone({
            why: e.status ? `its status is now ${e.status}` : "it left the pending state meanwhile"
          })
        ),
      WithdrawalNotFound: () => Effect.succeed(Outcome.AlreadyGone({ why: "the exchange no longer lists it" }))
    }),
    Effect.catch((e: BybitError.CancelError) => Effect.succeed(Outcome.Failed({ why: `${e._tag}: ${e.message}` })))
  )

const short = (address: string) => (address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address)
const describe = (w: Withdrawals.WithdrawalRecord) =>
  `${w.withdrawId.padEnd(8)} ${`${w.amount} ${w.coin}`.padEnd(14)} ${w.withdrawType === 1 ? "internal transfer" : `on ${w.chain}`} to ${short(w.toAddress)} (${w.status})`

const cancelPending = (coin: string) =>
  Effect.gen(function* () {
    yield* Console.log(`Looking for pending ${coin} withdrawals (status Pending or SecurityCheck)...`)
    const listed = yield* records(coin)
    const pending = listed.read.filter((w) => isPending(w.status))
    const unreadable = listed.malformed
    if (unreadable.length > 0) {
      yield* Console.log(
        `${unreadable.length} record(s) could not be read (their status is unknown: they may be pending):`
      )
      for (const row of unreadable) yield* Console.log(`  ${describeMalformed(row)}`)
    }
    const unreadableVerdict = () =>
      Effect.fail(
        `${unreadable.length} withdrawal record(s) could not be read, so they may still be pending: check them on Bybit (see the reasons above).`
      )
    if (pending.length === 0) {
      yield* Console.log(`Nothing to cancel: no ${coin} withdrawal is pending.`)
      if (unreadable.length > 0) return yield* unreadableVerdict()
      return
    }
    yield* Console.log(`Found ${pending.length}:`)
    for (const w of pending) yield* Console.log(`  ${describe(w)}`)

    // All at once: the client holds each request until the endpoint's budget (60/min) allows it.
    yield* Console.log(`\nCancelling them (the client paces the requests to Bybit's limit of 60 a minute)...`)
    const progress = makeProgress(pending.length, process.stdout)
    const shown: Record<Outcome["_tag"], ProgressOutcome> = {
      Cancelled: "cancelled",
      AlreadyGone: "gone",
      Failed: "failed"
    }
    const outcomes = yield* Effect.forEach(
      pending,
      (w) => Effect.tap(cancelOne(w), (outcome) => Effect.sync(() => progress.done(w.withdrawId, shown[outcome._tag]))),
      { concurrency: "unbounded" }
    ).pipe(Effect.ensuring(Effect.sync(() => progress.finish())))
    yield* Console.log("\nWhat happened to each:")
    for (const [i, w] of pending.entries()) {
      const line = Outcome.$match(outcomes[i]!, {
        Cancelled: ({ afterLostAnswer }) =>
          `cancelled${afterLostAnswer ? " (the answer was lost; the client confirmed it by looking it up)" : ""}`,
        AlreadyGone: ({ why }) => `already gone, nothing to do: ${why}`,
        Failed: ({ why }) => `FAILED: ${why}`
      })
      yield* Console.log(`  ${w.withdrawId.padEnd(8)} ${line}`)
    }

    yield* Console.log("\nChecking the withdrawal records...")
    const relisted = yield* records(coin)
    const statusNow = new Map(relisted.read.map((w) => [w.withdrawId, w.status]))
    // A cancelled withdrawal whose row cannot be read now is reported with the reason, not as missing.
    const unreadableNow = new Map(
      relisted.malformed.flatMap((row) => (row.withdrawId === undefined ? [] : [[row.withdrawId, row.reason] as const]))
    )
    let disagreements = 0
    for (const [i, w] of pending.entries()) {
      const now = statusNow.get(w.withdrawId)
      // A cancelled withdrawal must read CancelByUser; one that was already gone must not be pending.
      const agrees = outcomes[i]!._tag === "Cancelled" ? now === "CancelByUser" : now === undefined || !isPending(now)
      if (!agrees && outcomes[i]!._tag !== "Failed") disagreements++
      const reason = unreadableNow.get(w.withdrawId)
      const shownNow = now ?? (reason === undefined ? "not listed" : `unreadable (${reason})`)
      yield* Console.log(`  ${w.withdrawId.padEnd(8)} ${w.status} → ${shownNow}${agrees ? "" : "  <- unexpected"}`)
    }

    const count = (tag: Outcome["_tag"]) => outcomes.filter((o) => o._tag === tag).length
    const failed = count("Failed")
    yield* Console.log(
      `\n${count("Cancelled")} cancelled, ${count("AlreadyGone")} already gone, ${failed} failed, out of ${pending.length} pending ${coin} withdrawals; ${unreadable.length} record(s) could not be read.`
    )
    if (failed > 0) return yield* Effect.fail(`${failed} withdrawal(s) could not be cancelled: see the reasons above.`)
    if (disagreements > 0) {
      return yield* Effect.fail(
        `The records disagree with ${disagreements} outcome(s): look at the lines marked above.`
      )
    }
    if (unreadable.length > 0) return yield* unreadableVerdict()
    yield* Console.log("✔ The withdrawal records confirm every outcome.")
  })

/**
 * The example as its script runs it: the coin is the first of `args` (pnpm may forward a literal
 * "--"), else the COIN variable, else USDT.
 */
export const main = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const coin = args.find((arg) => arg !== "--") ?? (yield* Config.String("COIN").pipe(Config.withDefault("USDT")))
    return yield* cancelPending(coin.trim().toUpperCase())
  }).pipe(Effect.provide(clientLayer))

if (isEntryPoint(import.meta)) runMain(main(process.argv.slice(2)))
