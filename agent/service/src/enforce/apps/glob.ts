/**
 * The path-glob language of app rules lives in @dlp/shared (shared/src/matching/glob.ts), next to
 * the app matcher the agent and the console's impact preview share. Change it there.
 */
export { compileGlob, isGlob, type GlobMatcher } from '@dlp/shared';
