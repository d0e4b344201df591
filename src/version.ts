/** Kept in step with package.json by test/unit/version.test.ts. */
export const TOOL_NAME = 'openwebui-preflight';
export const TOOL_VERSION = '1.0.0';
