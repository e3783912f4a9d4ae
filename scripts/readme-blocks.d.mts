export declare const READMES: ReadonlyArray<string>

export interface ReadmeBlock {
  readonly readme: string
  readonly line: number
  readonly kinds: ReadonlyArray<"npm" | "pnpm" | "serve" | "run" | "vitest">
  readonly file: string | undefined
  readonly copy: string | undefined
  readonly prints: string | undefined
  readonly msw: boolean
  readonly lang: string
  readonly text: string
}

export declare const readmeBlocks: (root: string) => ReadonlyArray<ReadmeBlock>
export declare const commands: (block: ReadmeBlock) => ReadonlyArray<string>
