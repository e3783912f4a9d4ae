/**
 * Seeding the standalone server from a JSON file.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { isIP } from "node:net"
import { rsaVerifier } from "@effect-bybit/signing"
import type { MockExchangeOptions } from "./Exchange.js"
import { WITHDRAWAL_TEXT_CHARS } from "./internal/limits.js"
import { AMOUNT, COIN, WITHDRAW_ID } from "./internal/params.js"
import { type MockAccount, type MockWithdrawal, WITHDRAWAL_STATUSES, type WithdrawalStatus } from "./models.js"

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Account and withdrawal texts are kept for the exchange's life: each has a size cap. */
const str = (
  o: Record<string, unknown>,
  name: string,
  where: string,
  fallback?: string,
  max: number = WITHDRAWAL_TEXT_CHARS
): string => {
  const v = o[name]
  if (v === undefined && fallback !== undefined) return fallback
  if (typeof v !== "string" || (fallback === undefined && v === "")) {
    throw new TypeError(`${where}.${name}: expected a ${fallback === undefined ? "non-empty " : ""}string`)
  }
  if (v.length > max) throw new TypeError(`${where}.${name}: at most ${max} characters`)
  return v
}

/** A string field that must also match `pattern` (the rule the Bybit routes apply to the same field). */
const matching = (
  o: Record<string, unknown>,
  name: string,
  where: string,
  pattern: RegExp,
  expected: string,
  fallback?: string
): string => {
  const v = str(o, name, where, fallback)
  if (!pattern.test(v))
    throw new TypeError(`${where}.${name}: expected ${expected}, got ${JSON.stringify(v.slice(0, 64))}`)
  return v
}

const ms = (o: Record<string, unknown>, name: string, where: string, fallback: number): number => {
  const v = o[name]
  if (v === undefined) return fallback
  if (Number.isSafeInteger(v) && (v as number) >= 0) return v as number
  if (typeof v === "string" && /^\d{1,16}$/.test(v)) return Number(v)
  throw new TypeError(`${where}.${name}: expected milliseconds (a non-negative integer or a string of digits)`)
}

/**
 * Reads one account of a seed file (or of `POST /__admin/accounts`).
 *
 * @throws TypeError naming the first invalid field, prefixed with `where`.
 * @since 0.1.0
 * @category constructors
 */
export const parseAccount = (u: unknown, where: string): MockAccount => {
  if (!isObject(u)) throw new TypeError(`${where}: expected an object`)
  const permissions = u.permissions
  if (!isObject(permissions) || typeof permissions.withdraw !== "boolean") {
    throw new TypeError(`${where}.permissions: expected { "withdraw": true | false }`)
  }
  const ips = u.ips
  if (
    ips !== undefined &&
    !(
      Array.isArray(ips) &&
      ips.length <= 64 &&
      ips.every((ip) => typeof ip === "string" && ip.length <= 64 && isIP(ip) !== 0)
    )
  ) {
    throw new TypeError(`${where}.ips: expected an array of at most 64 IPv4 or IPv6 addresses`)
  }
  const secret = u.secret === undefined ? undefined : str(u, "secret", where, undefined, 256)
  const rsaPublicKeyPem =
    u.rsaPublicKeyPem === undefined ? undefined : str(u, "rsaPublicKeyPem", where, undefined, 8192)
  if (rsaPublicKeyPem !== undefined) {
    // The key the exchange verifies signatures with: parsed here, so a bad one is refused as input.
    try {
      rsaVerifier(rsaPublicKeyPem)
    } catch (error) {
      throw new TypeError(`${where}.rsaPublicKeyPem: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  return {
    uid: str(u, "uid", where),
    apiKey: str(u, "apiKey", where),
    ...(secret === undefined ? {} : { secret }),
    ...(rsaPublicKeyPem === undefined ? {} : { rsaPublicKeyPem }),
    permissions: { withdraw: permissions.withdraw },
    ...(ips === undefined ? {} : { ips: ips as Array<string> })
  }
}

/**
 * Reads one withdrawal of a seed file (or of `POST /__admin/withdrawals`), filling the defaults. Its
 * fields follow the rules the routes apply: `withdrawId` 1-20 digits (the cancel body's `id`),
 * `coin` 1-20 upper-case letters or digits, `amount` and `withdrawFee` plain decimals.
 *
 * @throws TypeError naming the first invalid field, prefixed with `where`.
 * @since 0.1.0
 * @category constructors
 */
export const parseWithdrawal = (u: unknown, where: string, now: number): MockWithdrawal => {
  if (!isObject(u)) throw new TypeError(`${where}: expected an object`)
  const status = str(u, "status", where)
  if (!WITHDRAWAL_STATUSES.includes(status as WithdrawalStatus)) {
    throw new TypeError(`${where}.status: expected one of ${WITHDRAWAL_STATUSES.join(", ")}`)
  }
  const withdrawType = u.withdrawType ?? 0
  if (withdrawType !== 0 && withdrawType !== 1) throw new TypeError(`${where}.withdrawType: expected 0 or 1`)
  const createTime = ms(u, "createTime", where, now)
  return {
    withdrawId: matching(u, "withdrawId", where, WITHDRAW_ID, "1-20 decimal digits"),
    uid: str(u, "uid", where),
    coin: matching(u, "coin", where, COIN, "1-20 upper-case letters or digits"),
    chain: str(u, "chain", where),
    amount: matching(u, "amount", where, AMOUNT, 'a plain decimal such as "12.5"'),
    withdrawFee: matching(u, "withdrawFee", where, AMOUNT, 'a plain decimal such as "0.3"', "0"),
    status: status as WithdrawalStatus,
    toAddress: str(u, "toAddress", where),
    tag: str(u, "tag", where, ""),
    txID: str(u, "txID", where, ""),
    createTime,
    updateTime: ms(u, "updateTime", where, createTime),
    withdrawType
  }
}

/**
 * Reads exchange options from parsed seed-file JSON: optional `accounts`, `withdrawals` (each
 * replacing the default seed's), `now` and `clientIp`. Omitted withdrawal fields get defaults.
 *
 * @throws TypeError naming the first invalid field.
 * @since 0.1.0
 * @category constructors
 */
export const parseSeedFile = (json: unknown, now: number = Date.now()): MockExchangeOptions => {
  if (!isObject(json)) throw new TypeError("seed file: expected a JSON object")
  const { accounts, withdrawals, clientIp } = json
  if (accounts !== undefined && !Array.isArray(accounts)) throw new TypeError("accounts: expected an array")
  if (withdrawals !== undefined && !Array.isArray(withdrawals)) throw new TypeError("withdrawals: expected an array")
  if (clientIp !== undefined && typeof clientIp !== "string") throw new TypeError("clientIp: expected a string")
  const frozen = json.now === undefined ? undefined : ms(json, "now", "seed file", 0)
  return {
    ...(accounts === undefined ? {} : { accounts: accounts.map((a, i) => parseAccount(a, `accounts[${i}]`)) }),
    ...(withdrawals === undefined
      ? {}
      : { withdrawals: withdrawals.map((w, i) => parseWithdrawal(w, `withdrawals[${i}]`, now)) }),
    ...(frozen === undefined ? {} : { now: frozen }),
    ...(clientIp === undefined ? {} : { clientIp })
  }
}

/**
 * Reads and parses a seed file (see `parseSeedFile`).
 *
 * @throws Error when the file cannot be read or is not valid JSON, TypeError for an invalid field.
 * @since 0.1.0
 * @category constructors
 */
export const loadSeedFile = (path: string): MockExchangeOptions => {
  const text = readFileSync(path, "utf8")
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`seed file ${path} is not valid JSON: ${String(error)}`)
  }
  return parseSeedFile(json)
}
