#!/usr/bin/env node
// The `effect-bybit` command. Node's compile cache (Node >= 22.1) keeps the compiled modules on disk,
// so a second start skips most of the parsing: a tool for emergencies should start fast.
import * as Module from "node:module"

;(Module as { readonly enableCompileCache?: () => unknown }).enableCompileCache?.()
const { main } = await import("./main.js")
process.exitCode = await main(process.argv.slice(2))
