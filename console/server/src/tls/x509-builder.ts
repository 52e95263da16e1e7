import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4 } from 'node:net';

/**
 * A minimal DER/X.509 v3 builder: just enough for one self-signed ECDSA P-256 server certificate
 * (RFC 5280), so the console needs neither an openssl binary nor a package to make one.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const octetString = (content: Buffer): Buffer => tlv(0x04, content);
const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);

/** A positive INTEGER: a leading 0 keeps a set high bit from reading as negative. */
function integer(value: Buffer): Buffer {
  let bytes = value;
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) bytes = bytes.subarray(1);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectAltName: '2.5.29.17',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

/** SAN entries: [2] dNSName, [7] iPAddress (4 or 16 bytes). */
function subjectAltNames(names: readonly string[]): Buffer {
  const entries = names.map((name) => {
    if (isIPv4(name)) return tlv(0x87, Buffer.from(name.split('.').map(Number)));
    if (name === '::1') return tlv(0x87, Buffer.from([...Array<number>(15).fill(0), 1]));
    return tlv(0x82, Buffer.from(name, 'ascii'));
  });
  return sequence(...entries);
}

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
}

export interface SelfSignedOptions {
  commonName: string;
  /** Host names and IPv4 addresses (and ::1) the certificate is valid for. */
  altNames: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

/** A fresh ECDSA P-256 key and a self-signed server certificate for it. */
export function createSelfSignedCertificate(options: SelfSignedOptions): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const algorithm = sequence(objectId(OID.ecdsaWithSha256));
  const name = sequence(set(sequence(objectId(OID.commonName), utf8String(options.commonName))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const extensions = sequence(
    sequence(objectId(OID.subjectAltName), octetString(subjectAltNames(options.altNames))),
    sequence(objectId(OID.extendedKeyUsage), octetString(sequence(objectId(OID.serverAuth)))),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name,
    sequence(time(options.notBefore), time(options.notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const body = der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? '';
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
