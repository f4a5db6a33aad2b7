// The release of this package: `--version` on both programs, the registry's
// /api/status and /openapi.json. Kept equal to package.json and deno.json by
// test/architecture/version.test.ts.

export const VERSION = '0.1.0';
