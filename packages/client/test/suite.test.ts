// The shared behavioural suite (@effect-bybit/suite), run against this line through its driver.
import { runSuite } from "@effect-bybit/suite"
import { describe, expect, it } from "vitest"
import { edition } from "./edition.js"

runSuite(edition, { describe, it, expect })
