import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate, type SelfSignedCertificate } from '../tls/x509-builder';

/** A certificate for 127.0.0.1 that is its own CA, valid from a minute ago for a day. */
export function loopbackCertificate(commonName: string): SelfSignedCertificate {
  return createSelfSignedCertificate({ commonName, altNames: ['127.0.0.1'], notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });
}

export interface HttpsReceiver {
  /** `https://127.0.0.1:<port>/<path>` */
  url: string;
  /** The receiver's CA, as an admin would paste it. */
  caPem: string;
  /** Requests answered so far (each with 204). */
  deliveries(): number;
  close(): Promise<void>;
}

/** A webhook receiver on loopback whose certificate comes from a CA of its own, as a firm's SIEM has. */
export async function startHttpsReceiver(commonName: string, path = '/siem'): Promise<HttpsReceiver> {
  const certificate = loopbackCertificate(commonName);
  let deliveries = 0;
  const server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => {
    req.resume();
    req.on('end', () => {
      deliveries += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    caPem: certificate.certPem,
    deliveries: () => deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
