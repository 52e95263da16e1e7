import { shutdownFilesystem } from './mount-commands';

describe('file system shutdown', () => {
  it('refuses a mount point that is not on the device it was asked to shut down', async () => {
    // /proc has no shutdown operation, so even a broken check could not harm this host: the error
    // message tells which check stopped it.
    await expect(shutdownFilesystem('/proc', '7:99')).rejects.toThrow(/not the expected file system/);
  });

  it('rejects device numbers that are not numbers, without running anything', async () => {
    await expect(shutdownFilesystem('/media/stick', '7')).rejects.toThrow(/not a device number/);
    await expect(shutdownFilesystem('/media/stick', '7:0; rm -rf /')).rejects.toThrow(/not a device number/);
  });

  it('does not follow a symlink in place of the mount point', async () => {
    // /proc/self is a symlink: O_NOFOLLOW makes the open fail before any ioctl.
    await expect(shutdownFilesystem('/proc/self', '0:0')).rejects.toThrow(/open:/);
  });
});
