/**
 * `effect-bybit`: cancel pending Bybit withdrawals from the command line, on the Effect 4 line of
 * `@effect-bybit/client` and Effect's CLI module (`effect/cli`).
 *
 * Output: the report on stdout (a line per withdrawal and a summary, or with `--json` one JSON
 * document), every message (found, prompts, progress, errors) on stderr. Exit codes: `Sweep.EXIT`.
 */
import { createRequire } from "node:module"
import { BybitClient, BybitConfig, type BybitError, Withdrawals } from "@effect-bybit/client"
import { Sweep } from "@effect-bybit/core"
import * as Config from "effect/Config"
import { Argument, CliConfig, CliOutput, Command, Flag, GlobalFlag, TerminalCapabilities } from "effect/cli"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Path from "effect/Path"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import * as Terminal from "effect/Terminal"
import { baseUrlOf, filterOf, flagOfField, idOf, idsOf } from "./args.js"
import { configErrorLines } from "./problems.js"
import * as Report from "./report.js"
import * as Term from "./terminal.js"
import { confirm, keepGoingWhenClosed, Output } from "./terminal.js"

// The package's own version, read where it ships (dist/ and build/ both sit beside package.json), so
// a release that bumps package.json needs no second edit.
const VERSION: string = createRequire(import.meta.url)("../package.json").version
const CREDENTIALS = "Credentials: BYBIT_API_KEY with BYBIT_API_SECRET (or BYBIT_RSA_PRIVATE_KEY)."
const EXIT = Sweep.EXIT

/** The exit code, set by the command that ran. */
let exitCode: number = EXIT.ok
/** Ctrl+C: no new cancel is sent once it is set. */
let stopping = false

/** A usage or configuration error: printed, exit 2. */
class Usage {
  constructor(readonly message: string) {}
}

const usage = (message: string) => Effect.fail(new Usage(message))

// ---------------------------------------------------------------------------------------------
// Flags shared by every command

const env = Flag.Literals("env", Object.keys(BybitConfig.environments) as Array<BybitConfig.Environment>).pipe(
  Flag.withDescription(
    "Bybit environment (required: there is no default, so a command never reaches mainnet by surprise)"
  )
)
const baseUrl = Flag.String("base-url").pipe(
  Flag.optional,
  Flag.withDescription("Send every request to this URL instead of the environment's host (https, or http on loopback)")
)
const json = Flag.Boolean("json").pipe(
  Flag.withDefault(false),
  Flag.withDescription("Print the report as one JSON document on stdout (messages stay on stderr)")
)
const coin = Flag.String("coin").pipe(
  Flag.optional,
  Flag.withDescription("Only this coin, as Bybit names it (USDT, BTC; lower case is upper-cased)")
)
const type = Flag.Literals("type", ["all", "onchain", "offchain"] as const).pipe(
  Flag.withDefault("all" as const),
  Flag.withDescription("Withdraw type: onchain, offchain (internal transfers) or all")
)
const since = Flag.String("since").pipe(
  Flag.optional,
  Flag.withDescription(
    "Only withdrawals created since: 30m, 24h, 7d, an ISO date or ms (window at most 30 days; default: Bybit's last 30 days)"
  )
)
const until = Flag.String("until").pipe(Flag.optional, Flag.withDescription("Window end (default: now); needs --since"))
const yes = Flag.Boolean("yes").pipe(
  Flag.withDefault(false),
  Flag.withAlias("y"),
  Flag.withDescription("Cancel without asking (required when not on a terminal)")
)
const dryRun = Flag.Boolean("dry-run").pipe(
  Flag.withDefault(false),
  Flag.withDescription("List what would be cancelled; send no cancel")
)

interface Global {
  readonly env: BybitConfig.Environment
  readonly baseUrl: Option.Option<string>
  readonly json: boolean
}

/** The client from `BYBIT_API_KEY` + `BYBIT_API_SECRET` or `BYBIT_RSA_PRIVATE_KEY`, checked as the client checks them. */
const clientLayer = (g: Global, baseUrl: string | undefined) =>
  BybitClient.layerConfig({
    ...BybitConfig.fromEnv,
    environment: Config.succeed(g.env),
    baseUrl: Config.succeed(baseUrl)
  }).pipe(Layer.provide(FetchHttpClient.layer))

/** Runs `program` with the client; a configuration error or a bad input is a usage error. */
const withClient = <A>(
  g: Global,
  program: Effect.Effect<A, BybitError.InvalidRequest | Usage, BybitClient.BybitClient>
): Effect.Effect<void> =>
  Effect.suspend(() => {
    const url = baseUrlOf(Option.getOrUndefined(g.baseUrl))
    return url.ok ? program.pipe(Effect.provide(clientLayer(g, url.value))) : usage(url.message)
  }).pipe(
    Effect.catch((error: unknown) =>
      Effect.sync(() => {
        exitCode = EXIT.usage
        if (error instanceof Usage) Output.message(`error: ${error.message}`)
        else if (error instanceof Config.ConfigError) for (const line of configErrorLines(error)) Output.message(line)
        else {
          const e = error as { readonly field?: string; readonly reason?: string; readonly message?: string }
          Output.message(
            e.field !== undefined ? `error: ${flagOfField(e.field)}: ${e.reason}` : `error: ${String(e.message)}`
          )
        }
      })
    ),
    Effect.asVoid
  )

/** Asks before cancelling on a terminal; refuses without one unless --yes. */
const mayCancel = (what: string, assumeYes: boolean): Effect.Effect<boolean, Usage> => {
  if (assumeYes) return Effect.succeed(true)
  if (!Output.interactive()) {
    return usage(`refusing to cancel without a terminal to confirm on: ${what}; add --yes to cancel them`)
  }
  return Effect.promise(() => confirm(`Cancel ${what}? [y/N] `))
}

/** Prints the outcomes as they come and the summary at the end; sets the exit code. */
const report = (
  g: Global,
  command: string,
  items: Stream.Stream<
    Report.Outcome | (Report.Summary & { readonly _tag: "Summary" }),
    never,
    BybitClient.BybitClient
  >,
  total: number
) =>
  Effect.gen(function* () {
    const outcomes: Array<Report.Outcome> = []
    const bar = Output.progress(total)
    let summary: Report.Summary | undefined
    yield* Stream.runForEach(items, (item) =>
      Effect.sync(() => {
        if (item._tag === "Summary") {
          summary = item as Report.Summary
          return
        }
        const outcome = item as Report.Outcome
        outcomes.push(outcome)
        if (!g.json) bar.line(Report.outcomeLine(outcome))
        bar.tick()
      })
    )
    bar.done()
    const s = summary!
    exitCode = stopping ? EXIT.interrupted : Sweep.exitCode(s as Sweep.Summary<unknown>)
    if (g.json) {
      Output.stdout(
        JSON.stringify({
          command,
          interrupted: stopping,
          withdrawals: outcomes.map(Report.outcomeJson),
          summary: Report.summaryJson(s),
          exitCode
        })
      )
    } else for (const line of Report.summaryLines(s, stopping)) Output.stdout(line)
  })

const stop = Effect.sync(() => stopping)

/** Woken by Ctrl+C. */
const stopWaiters = new Set<() => void>()
const stopped: Effect.Effect<void> = Effect.callback<void>((resume) => {
  if (stopping) return resume(Effect.void)
  const wake = () => resume(Effect.void)
  stopWaiters.add(wake)
  return Effect.sync(() => void stopWaiters.delete(wake))
})

/**
 * `listing` unless Ctrl+C comes first: a listing sends no cancel, so nothing is lost by cutting it
 * off, while waiting on it could take the client's timeout times its retries.
 */
const unlessStopped = <A, E, R>(listing: Effect.Effect<A, E, R>): Effect.Effect<Option.Option<A>, E, R> =>
  Effect.raceFirst(Effect.map(listing, Option.some), Effect.as(stopped, Option.none<A>()))

const interruptedWhileListing = (g: Global, command: string) =>
  Effect.sync(() => {
    exitCode = EXIT.interrupted
    Output.message("interrupted while listing: nothing was cancelled")
    if (g.json) Output.stdout(JSON.stringify({ command, interrupted: true, withdrawals: [], exitCode }))
  })

/** The filter flags of `cancel-pending` and `list`, checked against the current time. */
const filterOfFlags = (f: {
  readonly coin: Option.Option<string>
  readonly type: Parameters<typeof filterOf>[0]["type"]
  readonly since: Option.Option<string>
  readonly until: Option.Option<string>
}) =>
  filterOf(
    {
      coin: Option.getOrUndefined(f.coin),
      type: f.type,
      since: Option.getOrUndefined(f.since),
      until: Option.getOrUndefined(f.until)
    },
    Date.now()
  )

// ---------------------------------------------------------------------------------------------
// cancel-pending

const cancelPending = Command.make(
  "cancel-pending",
  { env, baseUrl, json, coin, type, since, until, yes, dryRun },
  (f) =>
    withClient(
      f,
      Effect.gen(function* () {
        const filter = filterOfFlags(f)
        if (!filter.ok) return yield* usage(filter.message)
        Output.message(`listing cancellable withdrawals on ${f.baseUrl.pipe(Option.getOrElse(() => f.env))}...`)
        const listed = yield* unlessStopped(Withdrawals.findPending(filter.value))
        if (Option.isNone(listed)) return yield* interruptedWhileListing(f, "cancel-pending")
        const found = listed.value
        const total = found.withdrawals.length + found.malformed.length
        const totals = Report.totalsText(Sweep.totals(found.withdrawals))
        Output.message(Report.foundText(total, totals, found.malformed.length, found.listError))
        if (found.listError !== undefined && total > 0) {
          Output.message(
            `warning: the listing stopped early (${Report.printable(Report.errorJson(found.listError).message)}); some may be missing`
          )
        }
        if (f.dryRun) {
          const rows = found.withdrawals.map((w) => ({
            _tag: "WouldCancel",
            id: w.withdrawId,
            coin: w.coin,
            amount: w.amount,
            status: w.status,
            toAddress: w.toAddress,
            createTime: new Date(w.createTime).toISOString()
          }))
          const bad = found.malformed.map((m) => ({ _tag: "Unreadable", id: m.withdrawId, reason: m.reason }))
          exitCode = found.listError === undefined && found.malformed.length === 0 ? EXIT.ok : EXIT.notAllCancelled
          if (f.json) {
            Output.stdout(
              JSON.stringify({
                command: "cancel-pending",
                dryRun: true,
                withdrawals: [...rows, ...bad],
                summary: Report.summaryJson(Sweep.summarize(found, [])),
                exitCode
              })
            )
          } else {
            for (const w of found.withdrawals) Output.stdout(Report.wouldCancelLine(w))
            for (const b of bad) Output.stdout(Report.unreadableLine(b.id, b.reason))
            const n = found.withdrawals.length
            const unreadable = bad.length > 0 ? `; ${bad.length} unreadable row(s) would not be` : ""
            Output.stdout(
              `dry run: ${n} would be cancelled${totals === "" ? "" : `: ${totals}`}${unreadable}; nothing was sent`
            )
          }
          return
        }
        if (found.withdrawals.length === 0) {
          // No cancel would be sent (nothing found, or only unreadable rows): nothing to ask.
          yield* report(f, "cancel-pending", Withdrawals.cancelFound(found), total)
          return
        }
        const go = yield* mayCancel(
          Report.toCancelText(found.withdrawals.length, totals, found.malformed.length),
          f.yes
        )
        if (!go) {
          Output.message("nothing cancelled")
          exitCode = EXIT.notAllCancelled
          return
        }
        yield* report(f, "cancel-pending", Withdrawals.cancelFound(found, { stop }), total)
      })
    )
).pipe(
  Command.withDescription(
    `Cancel every withdrawal still cancellable (SecurityCheck, Pending) matching the filters, one paced request each, and report what happened to each. ${CREDENTIALS}`
  ),
  Command.withExamples([
    { command: "effect-bybit cancel-pending --env mainnet", description: "Find them all, ask, cancel" },
    { command: "effect-bybit cancel-pending --env mainnet --coin usdt --dry-run", description: "Show what would go" },
    {
      command: "effect-bybit cancel-pending --env mainnet --since 24h --yes --json > report.json",
      description: "No prompt (scripts, no terminal); the report as JSON"
    }
  ])
)

// ---------------------------------------------------------------------------------------------
// cancel <id...>

const outcomeOfCancel = (
  id: string,
  exit:
    | { readonly ok: true; readonly confirmedAfterRetry: boolean }
    | { readonly ok: false; readonly error: BybitError.CancelError }
): Report.Outcome => {
  if (exit.ok) return { _tag: "Cancelled", id, confirmedAfterRetry: exit.confirmedAfterRetry }
  const error = exit.error
  switch (error._tag) {
    case "WithdrawalNotCancellable":
      return { _tag: "NotCancellable", id, status: error.status }
    case "CancelOutcomeUnknown":
      return { _tag: "Unknown", id, detail: error.detail, howToCheck: Sweep.howToCheck(id) }
    default:
      return { _tag: "Failed", id, error }
  }
}

const cancelIds = Command.make(
  "cancel",
  { env, baseUrl, json, yes, ids: Argument.String("id").pipe(Argument.variadic({ min: 1 })) },
  (f) =>
    withClient(
      f,
      Effect.gen(function* () {
        const ids = idsOf(f.ids)
        if (!ids.ok) return yield* usage(ids.message)
        const go = yield* mayCancel(`${ids.value.length} withdrawal(s): ${ids.value.join(", ")}`, f.yes)
        if (!go) {
          Output.message("nothing cancelled")
          exitCode = EXIT.notAllCancelled
          return
        }
        const outcomes: Array<Report.Outcome> = []
        const items = Stream.fromIterable(ids.value).pipe(
          Stream.mapEffect((id) =>
            Effect.flatMap(stop, (stopped) =>
              stopped
                ? Effect.succeed<Report.Outcome>({ _tag: "NotSent", id })
                : Effect.uninterruptible(
                    Effect.match(Withdrawals.cancel({ id }), {
                      onFailure: (error) => outcomeOfCancel(id, { ok: false, error }),
                      onSuccess: (r) => outcomeOfCancel(id, { ok: true, confirmedAfterRetry: r.confirmedAfterRetry })
                    })
                  )
            ).pipe(Effect.tap((o) => Effect.sync(() => outcomes.push(o))))
          ),
          Stream.concat(
            Stream.fromEffect(
              Effect.sync(() => {
                const count = (tag: string) => outcomes.filter((o) => o._tag === tag).length
                return {
                  _tag: "Summary" as const,
                  found: ids.value.length,
                  cancelled: count("Cancelled"),
                  notCancellable: count("NotCancellable"),
                  failed: count("Failed"),
                  unknown: count("Unknown"),
                  notSent: count("NotSent"),
                  skipped: 0,
                  totals: [],
                  listError: undefined
                }
              })
            )
          )
        )
        yield* report(f, "cancel", items, ids.value.length)
      })
    )
).pipe(
  Command.withDescription(`Cancel the given withdrawals by id, one paced request each. ${CREDENTIALS}`),
  Command.withExamples([
    { command: "effect-bybit cancel 10197 10198 --env mainnet", description: "Ask, then cancel two" },
    { command: "effect-bybit cancel 10197 --env testnet --yes --json", description: "No prompt; JSON report" }
  ])
)

// ---------------------------------------------------------------------------------------------
// list

const list = Command.make(
  "list",
  {
    env,
    baseUrl,
    json,
    coin,
    type,
    since,
    until,
    id: Flag.String("id").pipe(Flag.optional, Flag.withDescription("Only this withdrawal id")),
    pending: Flag.Boolean("pending").pipe(
      Flag.withDefault(false),
      Flag.withDescription("Only withdrawals still cancellable")
    )
  },
  (f) =>
    withClient(
      f,
      Effect.gen(function* () {
        const filter = filterOfFlags(f)
        if (!filter.ok) return yield* usage(filter.message)
        const checkedId = idOf(Option.getOrUndefined(f.id))
        if (!checkedId.ok) return yield* usage(checkedId.message)
        const id = checkedId.value
        const listed = yield* unlessStopped(
          Stream.runCollect(
            Withdrawals.listAll({ ...filter.value, ...(id !== undefined ? { withdrawID: id } : {}), limit: 50 })
          ).pipe(
            Effect.catch((error) =>
              error._tag === "InvalidRequest"
                ? Effect.fail(error)
                : Effect.sync(() => {
                    Output.message(`error: ${Report.printable(error.message)}`)
                    exitCode = EXIT.notAllCancelled
                    return undefined
                  })
            )
          )
        )
        if (Option.isNone(listed)) return yield* interruptedWhileListing(f, "list")
        const items = listed.value
        if (items === undefined) return
        const shown = Array.from(items).filter(
          (item) =>
            !f.pending || Withdrawals.isMalformedRecord(item) || Withdrawals.CANCELLABLE_STATUSES.includes(item.status)
        )
        if (f.json) {
          Output.stdout(JSON.stringify({ command: "list", withdrawals: shown }))
          return
        }
        for (const item of shown) {
          Output.stdout(
            Withdrawals.isMalformedRecord(item)
              ? Report.unreadableLine(item.withdrawId, item.reason)
              : Report.recordLine(item)
          )
        }
        Output.message(`${shown.length} withdrawal(s)`)
      })
    )
).pipe(
  Command.withDescription(`List withdrawals (all statuses, or --pending). ${CREDENTIALS}`),
  Command.withExamples([
    { command: "effect-bybit list --env mainnet --pending", description: "What is still cancellable" },
    { command: "effect-bybit list --env mainnet --id 10197 --json", description: "One withdrawal, as JSON" }
  ])
)

const root = Command.make("effect-bybit").pipe(
  Command.withDescription(
    "Cancel pending Bybit withdrawals. Credentials: BYBIT_API_KEY with BYBIT_API_SECRET (or BYBIT_RSA_PRIVATE_KEY). Exit codes: 0 all cancelled or nothing to do, 1 some not cancelled or unknown, 2 usage or configuration error, 130 interrupted."
  ),
  Command.withSubcommands([cancelPending, cancelIds, list]),
  Command.withExamples([
    {
      command: "effect-bybit cancel-pending --env mainnet",
      description: "A key leaked: cancel every pending withdrawal"
    },
    { command: "effect-bybit cancel-pending --help", description: "Every flag of a command" }
  ])
)

// ---------------------------------------------------------------------------------------------
// The services effect/cli asks for, from Node's process: nothing else is loaded at start.

/**
 * Where effect/cli's own output goes: help asked for and the version on stdout; a usage error on
 * stderr, the error and where to read more (not the whole help, which would bury it).
 */
const presenter: CliOutput.Presenter = {
  present: (event) =>
    Effect.gen(function* () {
      const { canColor } = yield* TerminalCapabilities.TerminalCapabilities
      const formatter = CliOutput.defaultFormatter({ colors: canColor })
      const command = event._tag === "Version" ? "effect-bybit" : event.commandPath.join(" ")
      switch (event._tag) {
        case "Version":
          return Output.stdout(formatter.formatVersion(event.name, event.version))
        case "Help":
          if (event.reason === "Requested") return Output.stdout(formatter.formatHelpDoc(event.helpDoc))
          // A command that needs a subcommand: what there is, on stderr (the run is a usage error).
          return Output.message(formatter.formatHelpDoc(event.helpDoc))
        case "InvalidInvocation":
          for (const error of event.errors) Output.message(`error: ${error.message}`)
          return Output.message(`run \`${command} --help\` for its flags and examples`)
      }
    })
}

const services = Layer.mergeAll(
  // --help, --version and --completions; no --wizard (it needs a raw terminal this CLI does not
  // load, and an emergency tool is run from its README's lines) and no --log-level (the CLI logs
  // nothing through Effect's logger, and logs would land on stdout among the report).
  CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions] }),
  CliOutput.layerPresenter(presenter),
  FileSystem.layerNoop({}),
  Path.layer,
  Layer.succeed(
    Stdio.Stdio,
    Stdio.make({
      args: Effect.sync(() => process.argv.slice(2)),
      stdout: () => Output.sink("stdout"),
      stderr: () => Output.sink("stderr"),
      stdin: Stream.empty
    })
  ),
  Layer.succeed(
    Terminal.Terminal,
    Terminal.make({
      columns: Effect.sync(() => process.stdout.columns ?? 80),
      rows: Effect.sync(() => process.stdout.rows ?? 24),
      size: Effect.die("effect-bybit: no terminal size stream"),
      readInput: Effect.die("effect-bybit: no raw terminal input"),
      readLine: Effect.die("effect-bybit: no terminal line input"),
      display: (text) => Effect.sync(() => void process.stdout.write(text))
    })
  ),
  Layer.succeed(
    ChildProcessSpawner.ChildProcessSpawner,
    ChildProcessSpawner.make(() => Effect.die("effect-bybit spawns no process"))
  )
)

/** Runs the CLI with `argv` and resolves with the exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  keepGoingWhenClosed()
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    stopping = true
    if (Term.cancelPrompt !== undefined) {
      Output.message("")
      Term.cancelPrompt()
      return
    }
    if (interrupts === 1) {
      Output.message("\nstopping: no new cancel will be sent; waiting for the one in flight (Ctrl+C again to quit now)")
      // After the message: a listing cut off by it reports at once.
      for (const wake of stopWaiters) wake()
    } else {
      Output.message("quitting: what was in flight is unknown; check with `effect-bybit list --pending`")
      process.exit(EXIT.interrupted)
    }
  }
  // SIGTERM (timeout, docker stop, a cancelled CI job) is a stop too: the report still says what
  // was done, rather than the process ending between two cancels with nothing printed.
  process.on("SIGINT", onSigint)
  process.on("SIGTERM", onSigint)
  const program = Command.runWith(root, { version: VERSION })(argv).pipe(Effect.provide(services))
  const exit = await Effect.runPromiseExit(program)
  process.off("SIGINT", onSigint)
  process.off("SIGTERM", onSigint)
  if (exit._tag === "Failure") {
    // A parse error is already printed by effect/cli; anything else that escaped is a usage error too.
    return stopping ? EXIT.interrupted : EXIT.usage
  }
  return stopping && exitCode !== EXIT.usage ? EXIT.interrupted : exitCode
}
