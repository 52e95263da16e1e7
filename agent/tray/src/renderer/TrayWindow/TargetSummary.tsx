import type { ExceptionRequestTarget } from '@dlp/shared';
import { shortSha256 } from '../text/format';
import { useTexts } from '../text/texts';

/** What an exception would be for: a program by path and fingerprint, or one USB device. */
export function TargetSummary({ target }: { target: ExceptionRequestTarget }) {
  const { page } = useTexts();
  if (target.kind === 'app') {
    return (
      <span className="target">
        <span className="target__kind">{page.target.program}</span> <span className="target__path">{target.exePath}</span>{' '}
        <span className="target__detail" title={`${page.target.fingerprint}: ${target.sha256}`}>
          SHA-256 {shortSha256(target.sha256)}…
        </span>
      </span>
    );
  }
  const { vendorId, productId, serial } = target.device;
  return (
    <span className="target">
      <span className="target__kind">{page.target.usbDevice}</span> <span className="target__path">{`${vendorId}:${productId}`}</span>{' '}
      <span className="target__detail">{`${page.target.serial} ${serial}`}</span>
    </span>
  );
}
