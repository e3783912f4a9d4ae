/**
 * `cancelAllPending` wired on Effect 4: the listing (`listAll`) collected into what to cancel, then
 * one paced cancel per id, in turn, each turned into its outcome; the summary last. The rules, the
 * outcome data and the arithmetic are `@effect-bybit/core`'s `Sweep`.
 */
import { Sweep } from "@effect-bybit/core"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type CancelError, InvalidRequest, type ListError, UnreadableResponse } from "../BybitError.js"
import type { CancelResult, MalformedRecord, WithdrawalRecord } from "../Withdrawals.js"
import { listPath } from "./withdrawals.js"

type Outcome = Sweep.Outcome<CancelError>
type Item = Outcome | Sweep.Summary<ListError>

export const findPending = <R>(
  listAll: (query: Record<string, string | number>) => Stream.Stream<WithdrawalRecord | MalformedRecord, ListError, R>,
  filter: unknown
): Effect.Effect<Sweep.Found<ListError>, InvalidRequest, R> =>
  Effect.suspend(() => {
    const checked = Sweep.checkPendingFilter(filter)
    if (checked._tag === "Invalid") {
      return Effect.fail(new InvalidRequest({ field: checked.field, reason: checked.reason }))
    }
    const items: Array<WithdrawalRecord | MalformedRecord> = []
    return Effect.match(
      Stream.runForEach(listAll(checked.value), (item) => Effect.sync(() => items.push(item))),
      {
        // The listing stopped early: what was found is still cancelled, and the summary says so.
        onFailure: (error) => Sweep.collect<ListError>(items, error, checked.value),
        onSuccess: () => Sweep.collect<ListError>(items, undefined, checked.value)
      }
    )
  })

const outcomeOf = (w: WithdrawalRecord, result: CancelResult): Outcome => ({
  _tag: "Cancelled",
  id: w.withdrawId,
  coin: w.coin,
  amount: w.amount,
  confirmedAfterRetry: result.confirmedAfterRetry
})

const failureOf = (w: WithdrawalRecord, error: CancelError): Outcome => {
  const { withdrawId: id, coin, amount } = w
  switch (error._tag) {
    case "WithdrawalNotCancellable":
      return { _tag: "NotCancellable", id, coin, amount, status: error.status }
    case "CancelOutcomeUnknown":
      return { _tag: "Unknown", id, coin, amount, detail: error.detail, howToCheck: Sweep.howToCheck(id) }
    default:
      return { _tag: "Failed", id, coin, amount, error }
  }
}

export const cancelFound = <R>(
  cancel: (input: { readonly id: string }) => Effect.Effect<CancelResult, CancelError, R>,
  found: Sweep.Found<ListError>,
  stop: Effect.Effect<boolean> = Effect.succeed(false)
): Stream.Stream<Item, never, R> =>
  Stream.suspend(() => {
    const outcomes: Array<Outcome> = []
    const keep = (outcome: Outcome) => {
      outcomes.push(outcome)
      return outcome
    }
    const malformed = Stream.fromIterable(found.malformed).pipe(
      Stream.map((row) =>
        keep(
          Sweep.malformedOutcome<CancelError>(
            row,
            (detail) => new UnreadableResponse({ path: listPath, reason: "InvalidResult", detail })
          )
        )
      )
    )
    // One cancel at a time: the client paces them within the endpoint's budget, and a stop
    // (Ctrl+C) waits for the one in flight, never cutting it off.
    const cancels = Stream.fromIterable(found.withdrawals).pipe(
      Stream.mapEffect((w) =>
        Effect.flatMap(stop, (stopped) =>
          stopped
            ? Effect.succeed(keep({ _tag: "NotSent", id: w.withdrawId, coin: w.coin, amount: w.amount }))
            : Effect.uninterruptible(
                Effect.match(cancel({ id: w.withdrawId }), {
                  onFailure: (error) => keep(failureOf(w, error)),
                  onSuccess: (result) => keep(outcomeOf(w, result))
                })
              )
        )
      )
    )
    const summary = Stream.fromEffect(Effect.sync(() => Sweep.summarize(found, outcomes)))
    return Stream.concat(Stream.concat(cancels as Stream.Stream<Item, never, R>, malformed), summary)
  })

export const cancelAllPending = <R>(
  find: Effect.Effect<Sweep.Found<ListError>, InvalidRequest, R>,
  cancelFound: (found: Sweep.Found<ListError>) => Stream.Stream<Item, never, R>
): Stream.Stream<Item, InvalidRequest, R> => Stream.unwrap(Effect.map(find, cancelFound))
