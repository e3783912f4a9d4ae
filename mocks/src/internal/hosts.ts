/**
 * The origin of every Bybit V5 REST host (mainnet, bytick, testnet, demo, the regional mainnets, Japan).
 * Source: https://bybit-exchange.github.io/docs/v5/guide ("Base endpoint").
 *
 * @since 0.1.0
 * @category constants
 */
export const BYBIT_ORIGINS: ReadonlyArray<string> = [
  "https://api.bybit.com",
  "https://api.bytick.com",
  "https://api-testnet.bybit.com",
  "https://api-demo.bybit.com",
  "https://api.bybit.nl",
  "https://api.bybit.tr",
  "https://api.bybit.kz",
  "https://api.bybitgeorgia.ge",
  "https://api.bybit.ae",
  "https://api.bybit.eu",
  "https://api.bybit.id",
  "https://api.manepa.jp",
  "https://api-testnet.manepa.jp"
]
