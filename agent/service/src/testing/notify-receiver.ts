import { spawn, type ChildProcess } from 'node:child_process';

/** One datagram as systemd would receive it: the state text and the sender pid the kernel vouches for. */
export interface NotifyMessage {
  state: string;
  /** From SCM_CREDENTIALS (SO_PASSCRED, as systemd reads it). */
  pid: number | null;
}

// Python, because Node has no Unix datagram sockets; the script is fixed, the address an argument.
const RECEIVER = `
import json, socket, struct, sys
address = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(("\\0" + address[1:]) if address.startswith("@") else address)
print(json.dumps({"listening": True}), flush=True)
while True:
    data, ancillary, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", payload[:12])[0]
    print(json.dumps({"state": data.decode("utf-8", "replace"), "pid": pid}), flush=True)
`;

/**
 * A stand-in for systemd's notification socket: a real AF_UNIX datagram socket at `address` (a
 * path, or `@name` for an abstract one) that records every message with its sender's pid.
 */
export class NotifyReceiver {
  readonly messages: NotifyMessage[] = [];

  private constructor(private readonly child: ChildProcess) {}

  static start(address: string): Promise<NotifyReceiver> {
    const child = spawn('python3', ['-c', RECEIVER, address], { stdio: ['ignore', 'pipe', 'pipe'] });
    const receiver = new NotifyReceiver(child);
    let buffered = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`notify receiver exited (${code}): ${stderr}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, newline)) as { listening?: true } & NotifyMessage;
          buffered = buffered.slice(newline + 1);
          if (line.listening) resolve(receiver);
          else receiver.messages.push({ state: line.state, pid: line.pid });
        }
      });
    });
  }

  states(): string[] {
    return this.messages.map((m) => m.state);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
