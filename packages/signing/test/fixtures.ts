/** The test-only keys in `fixtures/` (see fixtures/README.md: never used anywhere real). */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Absolute path of a file in `fixtures/`. */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

const read = (name: string): string => readFileSync(fixturePath(name), "utf8")

export const keys = {
  rsaPrivatePkcs8: read("rsa-private-pkcs8.pem"),
  rsaPrivatePkcs1: read("rsa-private-pkcs1.pem"),
  rsaPublicSpki: read("rsa-public-spki.pem"),
  rsaPublicPkcs1: read("rsa-public-pkcs1.pem"),
  rsaPrivateEncrypted: read("rsa-private-encrypted.pem"),
  ed25519Private: read("ed25519-private.pem"),
  ed25519Public: read("ed25519-public.pem"),
  ecPrivate: read("ec-p256-private.pem"),
  ecPublic: read("ec-p256-public.pem")
} as const

/** The base64 body of a PEM (between the armour lines), the part that must never leak. */
export const pemBody = (pem: string): string =>
  pem
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("-----"))
    .join("")
