/**
 * The process's streams: the report on stdout, messages on stderr, the progress bar when stderr is
 * a terminal, and the confirmation prompt (a line read from the terminal).
 */
import * as Effect from "effect/Effect"
import * as Sink from "effect/Sink"
import { progressBar } from "./report.js"

/** Streams whose reader went away (EPIPE and the like): written no more. */
const gone = new Set<NodeJS.WriteStream>()

const write = (stream: NodeJS.WriteStream, text: string) => {
  if (!gone.has(stream)) stream.write(text)
}

/**
 * A closed stdout or stderr (the report piped into `head`, a pager that quits) must not stop the
 * sweep: Node would throw the stream's `error` event and end the process between two cancels.
 * What can no longer be printed is dropped; the cancels, and the exit code, go on.
 */
export const keepGoingWhenClosed = () => {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", () => {
      gone.add(stream)
    })
  }
}

export const Output = {
  /** A line of the report, on stdout. */
  stdout: (line: string) => write(process.stdout, `${line}\n`),
  /** A message, on stderr. */
  message: (line: string) => write(process.stderr, `${line}\n`),
  /** Whether a person can answer a prompt: stdin and stderr are terminals. */
  interactive: () => process.stdin.isTTY === true && process.stderr.isTTY === true,
  /** A sink writing to one of the process's streams (effect/cli's help and errors). */
  sink: (name: "stdout" | "stderr") =>
    // biome-ignore lint/suspicious/useIterableCallbackReturn: Sink.forEach runs an Effect per chunk
    Sink.forEach((chunk: string | Uint8Array) =>
      Effect.sync(() => void (gone.has(process[name]) ? undefined : process[name].write(chunk)))
    ),
  /**
   * Progress: on a terminal (stderr) a bar redrawn in place, report lines printed above it;
   * otherwise the report lines alone.
   */
  progress: (total: number) => {
    const tty = process.stderr.isTTY === true && total > 0
    let done = 0
    const draw = () => {
      if (tty) write(process.stderr, `\r\x1b[K${progressBar(done, total)}`)
    }
    const clear = () => {
      if (tty) write(process.stderr, "\r\x1b[K")
    }
    draw()
    return {
      line: (text: string) => {
        clear()
        Output.stdout(text)
        draw()
      },
      tick: () => {
        done++
        draw()
      },
      done: () => clear()
    }
  }
}

/** Answers the pending prompt "no" (Ctrl+C while it waits). */
export let cancelPrompt: (() => void) | undefined

/** Asks a yes/no question on the terminal; only `y` or `yes` is yes. Ctrl+C or end of input is no. */
export const confirm = (question: string): Promise<boolean> =>
  new Promise((resolve) => {
    cancelPrompt = () => finish(false)
    write(process.stderr, question)
    let answer = ""
    const onData = (chunk: Buffer) => {
      answer += chunk.toString("utf8")
      if (answer.includes("\n") || answer.includes("\r")) finish(/^\s*y(es)?\s*$/i.test(answer.split(/[\r\n]/)[0]!))
    }
    const finish = (yes: boolean) => {
      cancelPrompt = undefined
      process.stdin.off("data", onData)
      process.stdin.off("end", onEnd)
      process.stdin.pause()
      resolve(yes)
    }
    const onEnd = () => finish(false)
    process.stdin.on("data", onData)
    process.stdin.on("end", onEnd)
    process.stdin.resume()
  })
