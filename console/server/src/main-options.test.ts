import { parseMainOptions } from './main-options';

describe('console command line', () => {
  it('turns --tls self-signed into a self-signed HTTPS console and refuses other values', () => {
    expect(parseMainOptions(['--tls', 'self-signed', '--data-dir', '/tmp/x'], {}, '/nowhere')).toMatchObject({ selfSignedTls: true, dataDir: '/tmp/x' });
    expect(parseMainOptions(['--data-dir', '/tmp/x'], {}, '/nowhere').selfSignedTls).toBeUndefined();
    expect(() => parseMainOptions(['--tls', 'on'], {}, '/nowhere')).toThrow(/--tls takes "self-signed"/);
    expect(() => parseMainOptions(['--tls', 'self-signed', '--tls-cert', '/c', '--tls-key', '/k'], {}, '/nowhere')).toThrow(/exclude each other/);
  });
});
