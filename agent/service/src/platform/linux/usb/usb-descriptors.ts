/**
 * Parses the sysfs `descriptors` file of a USB device: the 18-byte device descriptor followed by the
 * raw configuration descriptors. The kernel reads them at enumeration even when the device is not
 * authorized, so we can judge a device by its interfaces before letting it bind.
 */

export interface DescribedInterface {
  configValue: number;
  interfaceNumber: number;
  interfaceClass: number;
}

const DEVICE_DESCRIPTOR_LENGTH = 18;
const TYPE_CONFIGURATION = 2;
const TYPE_INTERFACE = 4;

/** Interfaces of the first configuration (alternate setting 0 only). Tolerates truncated input. */
export function interfacesFromDescriptors(raw: Uint8Array): DescribedInterface[] {
  const out: DescribedInterface[] = [];
  let offset = DEVICE_DESCRIPTOR_LENGTH;
  let configValue: number | null = null;
  while (offset + 2 <= raw.length) {
    const length = raw[offset] ?? 0;
    const type = raw[offset + 1] ?? 0;
    if (length < 2 || offset + length > raw.length) break;
    if (type === TYPE_CONFIGURATION) {
      // Only the first configuration: nearly every device has one, and the kernel picks it.
      if (configValue !== null) break;
      configValue = length >= 6 ? (raw[offset + 5] ?? 1) : 1;
    } else if (type === TYPE_INTERFACE && configValue !== null && length >= 9) {
      const interfaceNumber = raw[offset + 2] ?? 0;
      const alternate = raw[offset + 3] ?? 0;
      if (alternate === 0) out.push({ configValue, interfaceNumber, interfaceClass: raw[offset + 5] ?? 0 });
    }
    offset += length;
  }
  return out;
}

/** Builds a descriptors blob (device descriptor + one configuration) — the inverse, for fake trees. */
export function buildDescriptors(device: { vendorId: string; productId: string; deviceClass: number }, interfaceClasses: number[]): Buffer {
  const deviceDescriptor = Buffer.alloc(DEVICE_DESCRIPTOR_LENGTH);
  deviceDescriptor[0] = DEVICE_DESCRIPTOR_LENGTH;
  deviceDescriptor[1] = 1;
  deviceDescriptor.writeUInt16LE(0x0200, 2);
  deviceDescriptor[4] = device.deviceClass;
  deviceDescriptor[7] = 64;
  deviceDescriptor.writeUInt16LE(parseInt(device.vendorId, 16), 8);
  deviceDescriptor.writeUInt16LE(parseInt(device.productId, 16), 10);
  deviceDescriptor[17] = 1;
  const interfaces = interfaceClasses.map((cls, number) => Buffer.from([9, TYPE_INTERFACE, number, 0, 0, cls, 0, 0, 0]));
  const total = 9 + interfaces.length * 9;
  const config = Buffer.from([9, TYPE_CONFIGURATION, total & 0xff, total >> 8, interfaces.length, 1, 0, 0x80, 50]);
  return Buffer.concat([deviceDescriptor, config, ...interfaces]);
}
