/**
 * Cancel and list, on the client's pipe. A cancel that may have been handled is settled from the
 * exchange's own record of the withdrawal, never guessed.
 */
import { Answer, Records, Rules } from "@effect-bybit/core"
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
import type { Pipe, Response } from "./client.js"
import * as SingleFlight from "./singleFlight.js"

export const cancelPath = "/v5/asset/withdraw/cancel"
export const listPath = "/v5/asset/withdraw/query-record"

const invalid = (checked: Rules.Invalid) => new InvalidRequest({ field: checked.field, reason: checked.reason })

const { said } = Records

const toPage = (response: Response): Effect.Effect<WithdrawalPage, UnreadableResponse> => {
  const page = Records.decodePage(response.result)
  if (typeof page === "string") {
    return Effect.fail(new UnreadableResponse({ path: listPath, reason: "InvalidResult", detail: page }))
  }
  return Effect.succeed({ ...page, rateLimit: response.rateLimit })
}

const definedOnly = <A extends object>(fields: A): A =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as A

export const make = (pipe: Pipe) => {
  const { request, retrying } = pipe
  const flights = SingleFlight.make<string>()

  const listChecked = (query: Record<string, string | number>): Effect.Effect<WithdrawalPage, ListError> =>
    retrying(request({ method: "GET", path: listPath, signed: true, query })).pipe(
      Effect.flatMap(toPage)
    ) as Effect.Effect<WithdrawalPage, ListError>

  const list = (input?: unknown): Effect.Effect<WithdrawalPage, ListError> =>
    Effect.suspend(() => {
      const checked = Rules.checkListQuery(input)
      return checked._tag === "Invalid" ? Effect.fail(invalid(checked)) : listChecked(checked.value)
    }).pipe(Effect.withSpan("Withdrawals.list", undefined, { captureStackTrace: false }))

  /** The exchange's record of one withdrawal (all withdraw types), looked up by id. */
  const lookUp = (id: string) =>
    Effect.map(listChecked({ withdrawID: id, withdrawType: 2 }), (page) => Records.recordOf(page, id))

  /**
   * After an attempt that may have been handled, the record decides: `CancelByUser` is success; a
   * status past cancelling is `WithdrawalNotCancellable`; still cancellable means the cancel did not
   * happen, and the last error stands. No record readable: `CancelOutcomeUnknown`.
   */
  const settle = (id: string, last: CancelError, uncertain: string): Effect.Effect<CancelResult, CancelError> =>
    Effect.matchEffect(lookUp(id), {
      onFailure: (lookup) =>
        Effect.fail(
          new CancelOutcomeUnknown({
            id,
            detail: `an attempt ended with ${uncertain}, the last with ${said(last)}, and looking the withdrawal up failed with ${said(lookup)}`
          })
        ),
      onSuccess: (found): Effect.Effect<CancelResult, CancelError> => {
        const verdict = Records.settle(found)
        switch (verdict._tag) {
          case "Unknown":
            return Effect.fail(
              new CancelOutcomeUnknown({
                id,
                detail: `an attempt ended with ${uncertain}, the last with ${said(last)}, and ${verdict.found}`
              })
            )
          case "Cancelled":
            return Effect.succeed({ id, status: "cancelled", confirmedAfterRetry: true, rateLimit: undefined })
          case "Stands":
            return Effect.fail(last)
          case "NotCancellable": {
            // The exchange's own refusal (131099) keeps its code and text, now with the status found.
            const refusal =
              last._tag === "WithdrawalNotCancellable"
                ? { retCode: last.retCode, retMsg: last.retMsg, httpStatus: last.httpStatus }
                : {}
            return Effect.fail(new WithdrawalNotCancellable({ ...definedOnly(refusal), id, status: verdict.status }))
          }
        }
      }
    }).pipe(Effect.withSpan("Withdrawals.settleCancel", { attributes: { "bybit.withdrawal.id": id } }))

  /** After 131002: not found when the account's records do not list the id; else the answer stands. */
  const notFoundOr = (id: string, error: InvalidRequest): Effect.Effect<never, CancelError> =>
    Effect.matchEffect(lookUp(id), {
      onFailure: () => Effect.fail(error),
      onSuccess: ({ row, malformed }) =>
        Effect.fail(
          row !== undefined || malformed !== undefined
            ? error
            : new WithdrawalNotFound({
                id,
                ...(error.retCode !== undefined ? { retCode: error.retCode } : {}),
                ...(error.retMsg !== undefined ? { retMsg: error.retMsg } : {})
              })
        )
    })

  const cancelId = (id: string, run: SingleFlight.Run): Effect.Effect<CancelResult, CancelError> =>
    Effect.suspend(() => {
      // What an attempt met that may have reached the exchange without its answer reaching us
      // (a run of this cancel that another caller interrupted after sending, too).
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

/** Every record (and malformed row) matching a query, page after page. */
export const listAll = <R>(
  list: (query: Rules.ListQuery) => Effect.Effect<WithdrawalPage, ListError, R>,
  input: unknown
): Stream.Stream<WithdrawalRecord | MalformedRecord, ListError, R> =>
  Stream.suspend(() => {
    const checked = Rules.checkListQuery(input)
    if (checked._tag === "Invalid") return Stream.fail(invalid(checked))
    const query = checked.value as Rules.ListQuery
    // The page's rows go out before a paging that would never end fails: nothing read is lost.
    const pager = Records.pager(query.cursor)
    type Step = { readonly cursor: string | undefined } | { readonly endless: string }
    return Stream.paginate<Step, WithdrawalRecord | MalformedRecord, ListError, R>({ cursor: query.cursor }, (step) => {
      if ("endless" in step) {
        return Effect.fail(new UnreadableResponse({ path: listPath, reason: "InvalidResult", detail: step.endless }))
      }
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
