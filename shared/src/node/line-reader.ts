import type net from 'node:net';

export interface LineHandlers {
  line(line: string): void;
  /** The buffered, unfinished line passed `maxBytes`: it is dropped. */
  tooLong(): void;
}

/**
 * Splits a socket's text into lines, skipping blank ones and bounding an unfinished line: the one
 * line framing of the agent's local socket, for the agent, its clients and test doubles alike.
 */
export function readLines(socket: net.Socket, maxBytes: number, handlers: LineHandlers): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') handlers.line(line);
    }
    if (Buffer.byteLength(buffered) > maxBytes) {
      buffered = '';
      handlers.tooLong();
    }
  });
}
