/**
 * Cancel, list and sweep on the client's pipe. A cancel that may have been handled is settled from
 * the exchange's own record of the withdrawal, never guessed. The sweep's rules, outcomes and
 * arithmetic are `@effect-bybit/core`'s `Sweep`.
 */
import { Answer, Records, Rules, Sweep } from "@effect-bybit/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import {
  type CancelError,
  CancelFailed,
  CancelOutcomeUnknown,
  InvalidRequest,
  type ListError,
  UnreadableResponse,
  WithdrawalNotCancellable,
  WithdrawalNotFound
} from "../BybitError.js"
import type { CancelResult, MalformedRecord, WithdrawalPage, WithdrawalRecord } from "../Withdrawals.js"
import type { Pipe } from "./client.js"
import * as SingleFlight from "./singleFlight.js"

export const cancelPath = "/v5/asset/withdraw/cancel"
export const listPath = "/v5/asset/withdraw/query-record"

const { said } = Records
const invalid = (checked: Rules.Invalid) => new InvalidRequest({ field: checked.field, reason: checked.reason })
const unreadable = (detail: string) => new UnreadableResponse({ path: listPath, reason: "InvalidResult", detail })

const definedOnly = <A extends object>(fields: A): A =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as A

export const make = ({ request, retrying }: Pipe) => {
  const flights = SingleFlight.make<string>()

  const listChecked = (query: Record<string, string | number>) =>
    Effect.flatMap(retrying(request({ method: "GET", path: listPath, signed: true, query })), (response) => {
      const page = Records.decodePage(response.result)
      return typeof page === "string"
        ? Effect.fail(unreadable(page))
        : Effect.succeed({ ...page, rateLimit: response.rateLimit })
    }) as Effect.Effect<WithdrawalPage, ListError>

  const list = (input?: unknown): Effect.Effect<WithdrawalPage, ListError> =>
    Effect.suspend(() => {
      const checked = Rules.checkListQuery(input)
      return checked._tag === "Invalid" ? Effect.fail(invalid(checked)) : listChecked(checked.value)
    }).pipe(Effect.withSpan("Withdrawals.list", undefined, { captureStackTrace: false }))

  /** The exchange's record of one withdrawal (all withdraw types). */
  const lookUp = (id: string) =>
    Effect.map(listChecked({ withdrawID: id, withdrawType: 2 }), (page) => Records.recordOf(page, id))

  /**
   * After an attempt that may have been handled, the record decides: `CancelByUser` is success, a
   * status past cancelling `WithdrawalNotCancellable`; still cancellable, the last error stands.
   */
  const settle = (id: string, last: CancelError, uncertain: string): Effect.Effect<CancelResult, CancelError> => {
    const unknown = (why: string) =>
      new CancelOutcomeUnknown({
        id,
        detail: `an attempt ended with ${uncertain}, the last with ${said(last)}, and ${why}`
      })
    return Effect.matchEffect(lookUp(id), {
      onFailure: (lookup) => Effect.fail(unknown(`looking the withdrawal up failed with ${said(lookup)}`)),
      onSuccess: (found): Effect.Effect<CancelResult, CancelError> => {
        const verdict = Records.settle(found)
        switch (verdict._tag) {
          case "Unknown":
            return Effect.fail(unknown(verdict.found))
          case "Cancelled":
            return Effect.succeed({ id, status: "cancelled", confirmedAfterRetry: true, rateLimit: undefined })
          case "Stands":
            return Effect.fail(last)
          case "NotCancellable": {
            // The exchange's own refusal (131099) keeps its code and text, now with the status found.
            const { retCode, retMsg, httpStatus } = last._tag === "WithdrawalNotCancellable" ? last : {}
            const refusal = definedOnly({ retCode, retMsg, httpStatus })
            return Effect.fail(new WithdrawalNotCancellable({ ...refusal, id, status: verdict.status }))
          }
        }
      }
    }).pipe(Effect.withSpan("Withdrawals.settleCancel", { attributes: { "bybit.withdrawal.id": id } }))
  }

  /** After 131002: not found when the account's records do not list the id; else the answer stands. */
  const notFoundOr = (id: string, error: InvalidRequest): Effect.Effect<never, CancelError> =>
    Effect.matchEffect(lookUp(id), {
      onFailure: () => Effect.fail(error),
      onSuccess: ({ row, malformed }) =>
        Effect.fail(
          row !== undefined || malformed !== undefined
            ? error
            : new WithdrawalNotFound({ id, ...definedOnly({ retCode: error.retCode, retMsg: error.retMsg }) })
        )
    })

  const cancelId = (id: string, run: SingleFlight.Run): Effect.Effect<CancelResult, CancelError> =>
    Effect.suspend(() => {
      // What an attempt met that may have reached the exchange without its answer reaching us.
      let uncertain: string | undefined = run.interrupted ? "an interrupted attempt of another caller" : undefined
      const attempt = Effect.tapError(
        request({ method: "POST", path: cancelPath, signed: true, body: { id }, id, onSend: run.sent }),
        (error) =>
          Effect.sync(() => {
            if (Answer.mayHaveBeenHandled(error) && (error as { readonly path?: string }).path === cancelPath) {
              uncertain ??= said(error)
            }
          })
      )
      return retrying(attempt).pipe(
        Effect.flatMap((response): Effect.Effect<CancelResult, CancelError> => {
          const status = (response.result as { readonly status?: unknown } | null)?.status
          if (status === 1) {
            return Effect.succeed({
              id,
              status: "cancelled",
              confirmedAfterRetry: false,
              rateLimit: response.rateLimit
            })
          }
          if (status === 0) return Effect.fail(new CancelFailed({ id, retCode: 0, retMsg: response.retMsg }))
          uncertain ??= "an unreadable result"
          return Effect.fail(
            new UnreadableResponse({
              path: cancelPath,
              reason: "InvalidResult",
              detail: "result.status: expected 0 or 1"
            })
          )
        }),
        Effect.catch((error: CancelError): Effect.Effect<CancelResult, CancelError> => {
          if (uncertain !== undefined) return settle(id, error, uncertain)
          if (error._tag === "InvalidRequest" && error.retCode === 131002) return notFoundOr(id, error)
          return Effect.fail(error)
        })
      )
    })

  const cancel = (input: unknown): Effect.Effect<CancelResult, CancelError> =>
    Effect.suspend(() => {
      const checked = Rules.checkCancelInput(input)
      if (checked._tag === "Invalid") return Effect.fail(invalid(checked))
      const id = checked.value
      return Effect.andThen(
        Effect.annotateCurrentSpan("bybit.withdrawal.id", id),
        flights.run(id, (run) => cancelId(id, run))
      )
    }).pipe(Effect.withSpan("Withdrawals.cancel", undefined, { captureStackTrace: false }))

  return { cancel, list }
}

type Row = WithdrawalRecord | MalformedRecord

/** Every record (and malformed row) matching a query, page after page. */
export const listAll = <R>(
  list: (query: Rules.ListQuery) => Effect.Effect<WithdrawalPage, ListError, R>,
  input: unknown
): Stream.Stream<Row, ListError, R> =>
  Stream.suspend(() => {
    const checked = Rules.checkListQuery(input)
    if (checked._tag === "Invalid") return Stream.fail(invalid(checked))
    const query = checked.value as Rules.ListQuery
    // A page's rows go out before a paging that would never end fails: nothing read is lost.
    const pager = Records.pager(query.cursor)
    type Step = { readonly cursor: string | undefined } | { readonly endless: string }
    return Stream.paginate<Step, Row, ListError, R>({ cursor: query.cursor }, (step) => {
      if ("endless" in step) return Effect.fail(unreadable(step.endless))
      return Effect.map(list(step.cursor === undefined ? query : { ...query, cursor: step.cursor }), (page) => {
        const turn = pager.turn(page)
        const next: Option.Option<Step> =
          turn._tag === "Done"
            ? Option.none()
            : Option.some(turn._tag === "Next" ? { cursor: turn.cursor } : { endless: turn.why })
        return [Records.inPageOrder(page), next] as const
      })
    })
  })

type Outcome = Sweep.Outcome<CancelError>
type Item = Outcome | Sweep.Summary<ListError>

export const findPending = <R>(
  listAll: (query: Record<string, string | number>) => Stream.Stream<Row, ListError, R>,
  filter: unknown
): Effect.Effect<Sweep.Found<ListError>, InvalidRequest, R> =>
  Effect.suspend(() => {
    const checked = Sweep.checkPendingFilter(filter)
    if (checked._tag === "Invalid") return Effect.fail(invalid(checked))
    const items: Array<Row> = []
    // A listing that stopped early keeps what it found, and the summary says so.
    const found = (error?: ListError) => Sweep.collect<ListError>(items, error, checked.value)
    return Effect.match(
      Stream.runForEach(listAll(checked.value), (item) => Effect.sync(() => items.push(item))),
      { onFailure: found, onSuccess: () => found() }
    )
  })

const outcomeOf = (w: WithdrawalRecord, error: CancelError): Outcome => {
  const subject = { id: w.withdrawId, coin: w.coin, amount: w.amount }
  switch (error._tag) {
    case "WithdrawalNotCancellable":
      return { _tag: "NotCancellable", ...subject, status: error.status }
    case "CancelOutcomeUnknown":
      return { _tag: "Unknown", ...subject, detail: error.detail, howToCheck: Sweep.howToCheck(subject.id) }
    default:
      return { _tag: "Failed", ...subject, error }
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
    // One cancel at a time: paced within the endpoint's budget, and a stop (Ctrl+C) waits for the
    // one in flight, never cutting it off.
    const cancels = Stream.mapEffect(Stream.fromIterable(found.withdrawals), (w) =>
      Effect.flatMap(stop, (stopped) =>
        stopped
          ? Effect.succeed(keep({ _tag: "NotSent", id: w.withdrawId, coin: w.coin, amount: w.amount }))
          : Effect.uninterruptible(
              Effect.match(cancel({ id: w.withdrawId }), {
                onFailure: (error) => keep(outcomeOf(w, error)),
                onSuccess: ({ confirmedAfterRetry }) =>
                  keep({ _tag: "Cancelled", id: w.withdrawId, coin: w.coin, amount: w.amount, confirmedAfterRetry })
              })
            )
      )
    )
    const malformed = Stream.map(Stream.fromIterable(found.malformed), (row) =>
      keep(Sweep.malformedOutcome<CancelError>(row, unreadable))
    )
    const summary = Stream.fromEffect(Effect.sync(() => Sweep.summarize(found, outcomes)))
    return Stream.concat(Stream.concat(cancels as Stream.Stream<Item, never, R>, malformed), summary)
  })

export const cancelAllPending = <R>(
  find: Effect.Effect<Sweep.Found<ListError>, InvalidRequest, R>,
  cancelFound: (found: Sweep.Found<ListError>) => Stream.Stream<Item, never, R>
): Stream.Stream<Item, InvalidRequest, R> => Stream.unwrap(Effect.map(find, cancelFound))
