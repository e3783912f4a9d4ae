#!/usr/bin/env node
// The package's bin. It exists before `dist/` is built, so pnpm can link it when the workspace
// installs; the command itself is the compiled dist/bin.js.
import "../dist/bin.js"
