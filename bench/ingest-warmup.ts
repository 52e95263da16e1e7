/**
 * Batches each simulated agent (and each raw baseline) sends before the clock starts, so both
 * ingest benchmarks measure sustained ingest: a console runs for months, and its first batches pay
 * for one-off work (JIT compilation, the first prepared statements, growing fresh files), which made
 * short runs costlier per event than long ones on the 2-core VM (docs/BENCHMARKS.md).
 */
export const INGEST_WARMUP_BATCHES = 2;
