/** The diff lives in shared, so the web editor shows a draft's changes with the same rules. */
export { diffPolicyDocuments } from '@dlp/shared';
