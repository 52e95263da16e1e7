/** Test helpers: read the parts of a MIME message as nodemailer writes it (no parser dependency). */

export interface MimePart {
  contentType: string;
  headers: string;
  body: string;
}

function decode(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Leaf parts of a multipart message, decoded to text. */
export function mimeParts(raw: string): MimePart[] {
  const parts: MimePart[] = [];
  const walk = (entity: string): void => {
    const split = entity.indexOf('\r\n\r\n');
    const headers = split >= 0 ? entity.slice(0, split) : entity;
    const body = split >= 0 ? entity.slice(split + 4) : '';
    const unfolded = headers.replace(/\r\n[ \t]+/g, ' ');
    const contentType = /content-type:\s*([^;\r\n]+)/i.exec(unfolded)?.[1]?.trim().toLowerCase() ?? 'text/plain';
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
    if (contentType.startsWith('multipart/') && boundary) {
      for (const child of body.split(`--${boundary}`).slice(1)) {
        if (child.startsWith('--')) break;
        walk(child.replace(/^\r\n/, ''));
      }
      return;
    }
    parts.push({ contentType, headers: unfolded, body: decode(unfolded, body) });
  };
  walk(raw);
  return parts;
}

/** A header of the top-level message (unfolded). */
export function mimeHeader(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1];
}
