import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics-registry';

/** Open file descriptors (sockets included), where /proc exists; -1 elsewhere. */
function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

/**
 * The usual process series (names as Prometheus client libraries use them, so stock dashboards
 * work): CPU, resident memory, heap, open fds, start time, event loop delay.
 */
export function registerProcessMetrics(registry: MetricsRegistry): void {
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  registry.gauge('process_cpu_seconds_total', 'User and system CPU time of the console process, in seconds.', () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1e6;
  }, 'counter');
  registry.gauge('process_resident_memory_bytes', 'Resident set size in bytes.', () => process.memoryUsage.rss());
  registry.gauge('process_open_fds', 'Open file descriptors.', openFds);
  registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', () => startSeconds);
  registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed);
  registry.gauge('nodejs_eventloop_delay_p99_seconds', 'Event loop delay, 99th percentile since the previous scrape, in seconds.', () => {
    const p99 = loop.percentile(99) / 1e9;
    // Each scrape reports the window since the last one.
    loop.reset();
    return Number.isFinite(p99) ? p99 : 0;
  });
}
