/**
 * The public market data the mock serves: a few instruments per category and a few coins with their
 * chains, shaped as Bybit's pages show them (Get Instruments Info, Get Coin Info). Small on purpose:
 * enough for a client (ccxt's `loadMarkets`) to load markets and currencies, not a market copy.
 */

/**
 * An instrument category of `GET /v5/market/instruments-info`.
 *
 * @since 0.1.0
 * @category models
 */
export type Category = "spot" | "linear" | "inverse" | "option"

/**
 * Every category, in Bybit's order.
 *
 * @since 0.1.0
 * @category constants
 */
export const CATEGORIES: ReadonlyArray<Category> = ["spot", "linear", "inverse", "option"]

/**
 * An instrument as Bybit lists it (fields vary by category; all values are strings or nested objects
 * of strings, except a few booleans and numbers as the docs show).
 *
 * @since 0.1.0
 * @category models
 */
export interface Instrument {
  readonly symbol: string
  readonly status: string
  readonly baseCoin: string
  readonly [field: string]: unknown
}

const spot = (symbol: string, baseCoin: string, quoteCoin: string, filters: Record<string, object>): Instrument => ({
  symbol,
  baseCoin,
  quoteCoin,
  innovation: "0",
  status: "Trading",
  marginTrading: "utaOnly",
  stTag: "0",
  ...filters,
  riskParameters: { priceLimitRatioX: "0.05", priceLimitRatioY: "0.05" }
})

const contract = (
  fields: {
    readonly symbol: string
    readonly contractType: string
    readonly baseCoin: string
    readonly quoteCoin: string
    readonly settleCoin: string
    readonly launchTime: string
    readonly deliveryTime?: string
    readonly priceScale: string
    readonly maxLeverage: string
    readonly tickSize: string
    readonly qtyStep: string
    readonly maxOrderQty: string
    readonly minNotionalValue?: string
  },
  status = "Trading"
): Instrument => ({
  symbol: fields.symbol,
  contractType: fields.contractType,
  status,
  baseCoin: fields.baseCoin,
  quoteCoin: fields.quoteCoin,
  launchTime: fields.launchTime,
  deliveryTime: fields.deliveryTime ?? "0",
  deliveryFeeRate: fields.deliveryTime === undefined ? "" : "0.0005",
  priceScale: fields.priceScale,
  leverageFilter: { minLeverage: "1", maxLeverage: fields.maxLeverage, leverageStep: "0.01" },
  priceFilter: { minPrice: fields.tickSize, maxPrice: "1999999.00", tickSize: fields.tickSize },
  lotSizeFilter: {
    maxOrderQty: fields.maxOrderQty,
    minOrderQty: fields.qtyStep,
    qtyStep: fields.qtyStep,
    postOnlyMaxOrderQty: fields.maxOrderQty,
    maxMktOrderQty: fields.maxOrderQty,
    minNotionalValue: fields.minNotionalValue ?? ""
  },
  unifiedMarginTrade: true,
  fundingInterval: fields.contractType.endsWith("Perpetual") ? 480 : 0,
  settleCoin: fields.settleCoin,
  copyTrading: fields.contractType === "LinearPerpetual" ? "both" : "none",
  upperFundingRate: fields.contractType.endsWith("Perpetual") ? "0.005" : "",
  lowerFundingRate: fields.contractType.endsWith("Perpetual") ? "-0.005" : "",
  isPreListing: false,
  preListingInfo: null
})

const option = (
  symbol: string,
  baseCoin: string,
  optionsType: "Call" | "Put",
  deliveryTime: string,
  tickSize: string,
  qtyStep: string
): Instrument => ({
  symbol,
  optionsType,
  status: "Trading",
  baseCoin,
  quoteCoin: "USD",
  settleCoin: "USDC",
  launchTime: "1790409600000",
  deliveryTime,
  deliveryFeeRate: "0.00015",
  priceFilter: { minPrice: tickSize, maxPrice: "10000000", tickSize },
  lotSizeFilter: { maxOrderQty: "10000", minOrderQty: qtyStep, qtyStep }
})

/** Deliveries of the futures and options below: 2026-12-25 and 2027-03-26, 08:00 UTC. */
const DEC_2026 = "1798185600000"
const MAR_2027 = "1806048000000"

/**
 * The instruments of each category.
 *
 * @since 0.1.0
 * @category constants
 */
export const INSTRUMENTS: Readonly<Record<Category, ReadonlyArray<Instrument>>> = {
  spot: [
    spot("BTCUSDT", "BTC", "USDT", {
      lotSizeFilter: {
        basePrecision: "0.000001",
        quotePrecision: "0.00000001",
        minOrderQty: "0.000048",
        maxOrderQty: "71.73956243",
        minOrderAmt: "1",
        maxOrderAmt: "2000000"
      },
      priceFilter: { tickSize: "0.01" }
    }),
    spot("ETHUSDT", "ETH", "USDT", {
      lotSizeFilter: {
        basePrecision: "0.00001",
        quotePrecision: "0.0000001",
        minOrderQty: "0.00062",
        maxOrderQty: "1229.2336343",
        minOrderAmt: "1",
        maxOrderAmt: "2000000"
      },
      priceFilter: { tickSize: "0.01" }
    }),
    spot("USDCUSDT", "USDC", "USDT", {
      lotSizeFilter: {
        basePrecision: "0.01",
        quotePrecision: "0.0001",
        minOrderQty: "1",
        maxOrderQty: "1000000",
        minOrderAmt: "1",
        maxOrderAmt: "1000000"
      },
      priceFilter: { tickSize: "0.0001" }
    })
  ],
  linear: [
    contract({
      symbol: "BTCUSDT",
      contractType: "LinearPerpetual",
      baseCoin: "BTC",
      quoteCoin: "USDT",
      settleCoin: "USDT",
      launchTime: "1585526400000",
      priceScale: "2",
      maxLeverage: "100.00",
      tickSize: "0.10",
      qtyStep: "0.001",
      maxOrderQty: "1190.000",
      minNotionalValue: "5"
    }),
    contract({
      symbol: "ETHUSDT",
      contractType: "LinearPerpetual",
      baseCoin: "ETH",
      quoteCoin: "USDT",
      settleCoin: "USDT",
      launchTime: "1615766400000",
      priceScale: "2",
      maxLeverage: "100.00",
      tickSize: "0.01",
      qtyStep: "0.01",
      maxOrderQty: "7240.00",
      minNotionalValue: "5"
    }),
    contract({
      symbol: "BTC-25DEC26",
      contractType: "LinearFutures",
      baseCoin: "BTC",
      quoteCoin: "USDC",
      settleCoin: "USDC",
      launchTime: "1790409600000",
      deliveryTime: DEC_2026,
      priceScale: "2",
      maxLeverage: "50.00",
      tickSize: "0.50",
      qtyStep: "0.001",
      maxOrderQty: "500.000",
      minNotionalValue: "1"
    })
  ],
  inverse: [
    contract({
      symbol: "BTCUSD",
      contractType: "InversePerpetual",
      baseCoin: "BTC",
      quoteCoin: "USD",
      settleCoin: "BTC",
      launchTime: "1542268800000",
      priceScale: "2",
      maxLeverage: "100.00",
      tickSize: "0.50",
      qtyStep: "1",
      maxOrderQty: "1000000"
    }),
    contract({
      symbol: "ETHUSD",
      contractType: "InversePerpetual",
      baseCoin: "ETH",
      quoteCoin: "USD",
      settleCoin: "ETH",
      launchTime: "1548633600000",
      priceScale: "2",
      maxLeverage: "50.00",
      tickSize: "0.05",
      qtyStep: "1",
      maxOrderQty: "1000000"
    })
  ],
  option: [
    option("BTC-26MAR27-120000-C", "BTC", "Call", MAR_2027, "5", "0.01"),
    option("BTC-26MAR27-120000-P", "BTC", "Put", MAR_2027, "5", "0.01"),
    option("ETH-26MAR27-4000-C", "ETH", "Call", MAR_2027, "0.1", "0.1")
  ]
}

/**
 * A coin with its chains, as `GET /v5/asset/coin/query-info` lists it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CoinInfo {
  readonly name: string
  readonly coin: string
  readonly remainAmount: string
  readonly chains: ReadonlyArray<Record<string, string>>
}

const chain = (
  chainName: string,
  chainType: string,
  fields: {
    readonly confirmation: string
    readonly withdrawFee: string
    readonly depositMin: string
    readonly withdrawMin: string
    readonly minAccuracy: string
    readonly contractAddress?: string
    readonly safeConfirmNumber: string
  }
): Record<string, string> => ({
  chain: chainName,
  chainType,
  confirmation: fields.confirmation,
  withdrawFee: fields.withdrawFee,
  depositMin: fields.depositMin,
  withdrawMin: fields.withdrawMin,
  minAccuracy: fields.minAccuracy,
  chainDeposit: "1",
  chainWithdraw: "1",
  withdrawPercentageFee: "0",
  contractAddress: fields.contractAddress ?? "",
  safeConfirmNumber: fields.safeConfirmNumber
})

/**
 * The coins, with the chains the default withdrawals use (USDT on ETH and TRX, BTC on BTC).
 *
 * @since 0.1.0
 * @category constants
 */
export const COINS: ReadonlyArray<CoinInfo> = [
  {
    name: "BTC",
    coin: "BTC",
    remainAmount: "150",
    chains: [
      chain("BTC", "BTC", {
        confirmation: "1",
        withdrawFee: "0.0005",
        depositMin: "0.0001",
        withdrawMin: "0.001",
        minAccuracy: "8",
        safeConfirmNumber: "1"
      })
    ]
  },
  {
    name: "ETH",
    coin: "ETH",
    remainAmount: "1200",
    chains: [
      chain("ETH", "Ethereum", {
        confirmation: "6",
        withdrawFee: "0.0012",
        depositMin: "0.0001",
        withdrawMin: "0.0024",
        minAccuracy: "8",
        safeConfirmNumber: "6"
      })
    ]
  },
  {
    name: "USDT",
    coin: "USDT",
    remainAmount: "5000000",
    chains: [
      chain("ETH", "ERC20", {
        confirmation: "6",
        withdrawFee: "1",
        depositMin: "0",
        withdrawMin: "10",
        minAccuracy: "6",
        contractAddress: "0xdac17f958d2ee523a2206206994597c13d831ec7",
        safeConfirmNumber: "6"
      }),
      chain("TRX", "TRC20", {
        confirmation: "20",
        withdrawFee: "1",
        depositMin: "0",
        withdrawMin: "10",
        minAccuracy: "6",
        contractAddress: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        safeConfirmNumber: "20"
      })
    ]
  },
  {
    name: "USDC",
    coin: "USDC",
    remainAmount: "2000000",
    chains: [
      chain("ETH", "ERC20", {
        confirmation: "6",
        withdrawFee: "1",
        depositMin: "0",
        withdrawMin: "10",
        minAccuracy: "6",
        contractAddress: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        safeConfirmNumber: "6"
      })
    ]
  }
]

/**
 * The address shape of each chain the catalog has (what `withdraw/create` checks): EVM hex, Tron
 * base58 `T…`, Bitcoin base58 (`1…`, `3…`) or bech32 (`bc1…`).
 *
 * @since 0.1.0
 * @category constants
 */
export const ADDRESS_SHAPES: Readonly<Record<string, RegExp>> = {
  ETH: /^0x[0-9a-fA-F]{40}$/,
  TRX: /^T[1-9A-HJ-NP-Za-km-z]{33}$/,
  BTC: /^(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})$/
}

/**
 * The chains the catalog lists for a coin; `undefined` for a coin it does not have.
 *
 * @since 0.1.0
 * @category constants
 */
export const chainsOf = (coin: string): ReadonlyArray<string> | undefined =>
  COINS.find((c) => c.coin === coin)?.chains.map((c) => c.chain!)
