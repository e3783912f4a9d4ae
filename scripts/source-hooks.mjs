// `node --import ./scripts/source-hooks.mjs --conditions=@effect-bybit/source file.ts`: runs the
// workspace's TypeScript as it is, on Node 24's own type stripping, without a compiler in between
// (tsx starts esbuild and compiles each file; the examples start faster without it).
//
// The one thing Node does not do itself: the sources import each other as `./Module.js` (what tsc
// emits and NodeNext requires), and only `./Module.ts` exists. A relative `.js` import from a `.ts`
// file that Node cannot find is retried as `.ts`; everything else resolves as usual.
import { registerHooks } from "node:module"

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      const retry =
        error?.code === "ERR_MODULE_NOT_FOUND" &&
        specifier.startsWith(".") &&
        specifier.endsWith(".js") &&
        context.parentURL?.endsWith(".ts")
      if (!retry) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  }
})
