import type { AlertNotification } from '@dlp/shared';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import type { AlertSender } from './alert-sender';
import { octetCountingFrame, syslogMessage } from './syslog-format';

export interface SyslogSenderOptions {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  facility: number;
  timeoutMs: number;
  /** RFC 5424 HOSTNAME; this machine's name by default. */
  hostname?: string;
}

function withTimeout(work: (settle: (err?: Error) => void) => void, timeoutMs: number, onTimeout: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      onTimeout();
      reject(new Error(`not sent within ${timeoutMs} ms`));
    }, timeoutMs);
    work((err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * RFC 5424 messages with a CEF payload. UDP: one datagram per alert (loss cannot be seen, as with any
 * UDP syslog). TCP: one long-lived connection, octet-counting framing (RFC 6587), reconnected after
 * any error; a send counts once the kernel took the bytes, and a peer that stops reading fails it.
 */
export function createSyslogSender(options: SyslogSenderOptions): AlertSender {
  const header = { facility: options.facility, hostname: options.hostname ?? osHostname(), procId: String(process.pid) };
  let udp: UdpSocket | null = null;
  let tcp: Socket | null = null;
  let tcpReady: Promise<Socket> | null = null;

  const dropTcp = (): void => {
    tcp?.destroy();
    tcp = null;
    tcpReady = null;
  };

  const tcpSocket = (): Promise<Socket> => {
    tcpReady ??= new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        tcp = socket;
        resolve(socket);
      });
      socket.on('error', (err) => {
        if (tcp !== socket) reject(err);
        dropTcp();
      });
      socket.on('close', () => {
        if (tcp === socket || tcp === null) dropTcp();
      });
      // Anything the collector sends back is ignored.
      socket.on('data', () => undefined);
    });
    return tcpReady;
  };

  return {
    async send(notification: AlertNotification) {
      const message = syslogMessage(notification, { ...header, at: new Date(notification.sentAt * 1000) });
      if (options.protocol === 'udp') {
        udp ??= createSocket(isIPv6(options.host) ? 'udp6' : 'udp4').on('error', () => undefined);
        const socket = udp;
        await withTimeout((settle) => socket.send(Buffer.from(message, 'utf8'), options.port, options.host, (err) => settle(err ?? undefined)), options.timeoutMs, () => undefined);
        return;
      }
      await withTimeout(
        (settle) => {
          tcpSocket().then(
            (socket) => socket.write(octetCountingFrame(message), (err) => settle(err ?? undefined)),
            (err: unknown) => settle(err instanceof Error ? err : new Error(String(err))),
          );
        },
        options.timeoutMs,
        dropTcp,
      );
    },
    close() {
      udp?.close();
      udp = null;
      dropTcp();
    },
  };
}
