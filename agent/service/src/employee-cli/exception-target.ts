import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The request's target from `--usb VVVV:PPPP:SERIAL` or `--app FILE` (hashed here, as the user who
 * runs the command: a file they cannot read is not one they can ask to run). Left unvalidated:
 * the IPC schema judges it and names the bad field.
 */
export async function exceptionTarget(usb: string | undefined, app: string | undefined): Promise<unknown> {
  if (usb !== undefined) {
    const [vendorId, productId, ...serial] = usb.split(':');
    return { kind: 'usb-device', device: { vendorId: vendorId?.toLowerCase(), productId: productId?.toLowerCase(), serial: serial.join(':') } };
  }
  const exePath = path.resolve(app ?? '');
  try {
    return { kind: 'app', sha256: await sha256OfFile(exePath), exePath };
  } catch (err) {
    throw new UsageError(`cannot read ${exePath}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
