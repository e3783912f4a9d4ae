// The scrubber of server text: what the client sent never comes back through an error, a log or a
// span; control characters become spaces; the text is cut to 300; only the first 8 KiB are read.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Scrub from "../src/Scrub.js"

const SECRET = "hmacSecret_with-Some0Case"
const SIGNATURE = "Zm9vYmFyYmF6cXV4c2lnbmF0dXJl+/9=" // not shaped like one: only the signature rule catches it
const HEX_SIGNATURE = "3f1a9b7c5d2e4f608192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
const PEM = [
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
  "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu",
  "NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ",
  "-----END PRIVATE KEY-----"
].join("\n")
const scrub = Scrub.make([SECRET, ...Scrub.pemLines(PEM)])

describe("Scrub.make", () => {
  it("replaces the request's signature in any letter case", () => {
    for (const echoed of [SIGNATURE, SIGNATURE.toUpperCase(), SIGNATURE.toLowerCase()]) {
      expect(scrub(`error sign! sign=${echoed} end`, SIGNATURE)).toBe("error sign! sign=<redacted> end")
    }
  })

  it("replaces the signature exactly when text before it changes length in lower case (İ)", () => {
    expect(scrub(`İİİİ sign=${SIGNATURE} end`, SIGNATURE)).toBe("İİİİ sign=<redacted> end")
  })

  it("replaces a signature holding regex characters literally", () => {
    expect(scrub("a+b.c*d? x", "+b.c*d?")).toBe("a<redacted> x")
    expect(scrub("aXbYcZd", ".b.c.")).toBe("aXbYcZd")
  })

  it("ignores an empty signature", () => {
    expect(scrub("nothing to hide", "")).toBe("nothing to hide")
  })

  it("replaces a known secret in any letter case, every occurrence", () => {
    expect(scrub(`key ${SECRET} and ${SECRET.toUpperCase()}.`)).toBe("key <redacted> and <redacted>.")
  })

  it("replaces the longer of two secrets that overlap, leaving no tail of it", () => {
    const s = Scrub.make(["abcdef", "abcdefghijkl"])
    expect(s("x abcdefghijkl y")).toBe("x <redacted> y")
  })

  it("ignores an empty secret (it would match everywhere)", () => {
    expect(Scrub.make(["", SECRET])("plain text")).toBe("plain text")
  })

  it("replaces a whole PEM block", () => {
    expect(scrub(`bad key: ${PEM} (check it)`)).toBe("bad key: <redacted> (check it)")
  })

  it("replaces a PEM block that is cut off (no END line) to the end of the text", () => {
    const cut = PEM.split("\n").slice(0, 3).join("\n")
    expect(scrub(`got ${cut}`)).toBe("got <redacted>")
  })

  it("replaces any PEM block, also one it was not told of", () => {
    const other = "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"
    expect(Scrub.make([])(`x ${other} y`)).toBe("x <redacted> y")
  })

  it("replaces each line of the PEM on its own, wherever it appears", () => {
    for (const line of PEM.split("\n").slice(1, -1)) {
      const out = scrub(`line: ${line} !`)
      expect(out).toBe("line: <redacted> !")
    }
  })

  it("replaces a run of 64 or more hex digits, and keeps a shorter one", () => {
    expect(Scrub.make([])(`sig ${HEX_SIGNATURE} end`)).toBe("sig <redacted> end")
    expect(Scrub.make([])(`sig ${HEX_SIGNATURE.toUpperCase()}00 end`)).toBe("sig <redacted> end")
    const short = HEX_SIGNATURE.slice(0, 63)
    expect(Scrub.make([])(`sig ${short} end`)).toBe(`sig ${short} end`)
  })

  it("replaces a run of 256 or more base64 characters (an RSA signature), and keeps a shorter one", () => {
    const b64 = `${"QUJD".repeat(86)}==`
    expect(Scrub.make([])(`sig ${b64} end`)).toBe("sig <redacted> end")
    const short = "QUJD".repeat(63)
    expect(Scrub.make([])(`sig ${short} end`)).toBe(`sig ${short} end`)
  })

  it("turns control characters (C0, DEL, C1, line and paragraph separators) into one space per run", () => {
    expect(Scrub.make([])("a\r\nb\tc\u0000\u0007d\u007fe\u0085f\u2028g\u2029h")).toBe("a b c d e f g h")
    expect(Scrub.make([])("line1\n\n\nline2")).toBe("line1 line2")
  })

  it("cuts the text to 300 characters, ending in ...", () => {
    // (words, not one long run of letters: that would be shaped like a base64 signature)
    const out = Scrub.make([])("x ".repeat(500))
    expect(out).toHaveLength(300)
    expect(out.endsWith("...")).toBe(true)
    const exactly = "y.".repeat(150)
    expect(Scrub.make([])(exactly)).toBe(exactly)
    expect(Scrub.make([])(`${exactly}z`)).toBe(`${exactly.slice(0, 297)}...`)
  })

  it("cuts after replacing: a secret beyond 300 characters is replaced, not cut in half", () => {
    const out = scrub(`${"z ".repeat(145)}${SECRET}`)
    expect(out).toBe(`${"z ".repeat(145)}<redacted>`)
  })

  it("reads only the first 8 KiB: what lies beyond never shows, even when the start shrinks to nothing", () => {
    const text = `start${"\n".repeat(9_000)}tail`
    expect(Scrub.make([])(text)).toBe("start ")
    const pem = `start ${"-----BEGIN PRIVATE KEY-----"}${"A".repeat(10_000)}-----END PRIVATE KEY----- tail`
    expect(Scrub.make([])(pem)).toBe("start <redacted>")
  })

  it("lets no part of a secret or signature through when the 8 KiB cut falls inside it", () => {
    for (const hidden of [SECRET, SIGNATURE, HEX_SIGNATURE, PEM.split("\n")[1]!]) {
      for (const before of [1, 10, hidden.length - 1]) {
        const text = `start${"\n".repeat(8192 - 5 - before)}${hidden} and more`
        const out = scrub(text, SIGNATURE)
        expect(out).toBe("start ")
      }
    }
  })

  it("scrubs a long text quickly (only 8 KiB are read)", () => {
    const started = performance.now()
    for (const huge of [
      `${"-----BEGIN X-----".repeat(1_000)}${"a-".repeat(2_000_000)}`,
      `${"a-".repeat(4_000)}!${"b".repeat(2_000_000)}`,
      `${"a-".repeat(5_000_000)}`
    ]) {
      Scrub.make([SECRET])(huge, SIGNATURE)
    }
    // Reading all of 10 MB a few times is milliseconds; a scan that goes quadratic on it takes hours.
    // The bound tells those apart on any machine, however loaded.
    expect(performance.now() - started).toBeLessThan(30_000)
  })

  it("never lets a secret or the signature through, wherever they sit in the first 8 KiB (property)", () => {
    const filler = fc.string({ maxLength: 400 })
    fc.assert(
      fc.property(
        filler,
        filler,
        fc.constantFrom(SECRET, SIGNATURE, SECRET.toUpperCase()),
        fc.boolean(),
        (a, b, hidden, control) => {
          const text = `${a}${control ? "\n\u0000" : ""}${hidden}${b}`
          const out = scrub(text, SIGNATURE)
          expect(out.toLowerCase().includes(hidden.toLowerCase())).toBe(false)
          expect(out.length).toBeLessThanOrEqual(300)
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked
          expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(out)).toBe(false)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe("Scrub.pemLines", () => {
  it("gives each base64 line of the body, not the markers", () => {
    expect(Scrub.pemLines(PEM)).toEqual(PEM.split("\n").slice(1, -1))
  })

  it("reads CRLF and literal \\n line breaks, trimming each line, and drops lines under 16 characters", () => {
    const lines = PEM.split("\n")
    const escaped = `${lines[0]}\\n  ${lines[1]}  \\n${lines[2]}\r\n${lines[3]}\r\nshort=\n${lines[4]}`
    expect(Scrub.pemLines(escaped)).toEqual([lines[1], lines[2], lines[3]])
  })
})
