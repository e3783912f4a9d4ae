export declare const READMES: ReadonlyArray<string>

export type Project = "effect4" | "effect3" | "plain"
export declare const PROJECTS: ReadonlyArray<Project>
export declare const PROJECT_OF: Readonly<Record<string, Project>>

export interface ReadmeBlock {
  readonly readme: string
  readonly line: number
  readonly kinds: ReadonlyArray<"npm" | "pnpm" | "serve" | "run" | "vitest">
  readonly file: string | undefined
  readonly copy: string | undefined
  readonly prints: ReadonlyArray<string>
  readonly msw: boolean
  readonly proxy: boolean
  readonly project: Project
  readonly lang: string
  readonly text: string
}

export interface UnmarkedBlock {
  readonly readme: string
  readonly line: number
  readonly lang: string
  readonly text: string
}

export declare const parseMarker: (
  text: string,
  where: string
) => Pick<ReadmeBlock, "kinds" | "file" | "copy" | "prints" | "msw" | "proxy"> & {
  readonly project: Project | undefined
}
export declare const readmeBlocks: (root: string) => ReadonlyArray<ReadmeBlock>
export declare const unmarkedBlocks: (root: string, readmes: ReadonlyArray<string>) => ReadonlyArray<UnmarkedBlock>
export declare const commands: (block: ReadmeBlock) => ReadonlyArray<string>
export declare const PACKAGE_READMES: ReadonlyArray<string>
export declare const GUIDES: ReadonlyArray<string>
export declare const REFERENCE_PAGES: ReadonlyArray<string>

export interface ErrorList {
  readonly page: string
  readonly line: number
  readonly operation: string
  readonly tags: ReadonlyArray<string>
  readonly text: string
}
export declare const errorLists: (root: string, pages: ReadonlyArray<string>) => ReadonlyArray<ErrorList>
