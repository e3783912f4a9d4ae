export declare const PACKAGES: ReadonlyArray<{ readonly dir: string; readonly out: string }>
export declare const undocumented: (dir: string) => ReadonlyArray<string>
