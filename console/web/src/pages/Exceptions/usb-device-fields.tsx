import { useI18n } from '../../i18n';

/** A USB device as typed by an officer (ids not yet normalised). */
export interface UsbDeviceInput {
  vendorId: string;
  productId: string;
  serial: string;
}

/** An empty device form. */
export const EMPTY_USB_DEVICE: UsbDeviceInput = { vendorId: '', productId: '', serial: '' };

/** Vendor id, product id and serial number of one USB stick, side by side. */
export function UsbDeviceFields({ value, onChange }: { value: UsbDeviceInput; onChange(next: UsbDeviceInput): void }) {
  const { t } = useI18n();
  return (
    <div className="field-row">
      <label className="field">
        <span>{t('unlock.vendorId')}</span>
        <input name="vendorId" className="mono" placeholder="0781" maxLength={6} value={value.vendorId} onChange={(e) => onChange({ ...value, vendorId: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('unlock.productId')}</span>
        <input name="productId" className="mono" placeholder="5567" maxLength={6} value={value.productId} onChange={(e) => onChange({ ...value, productId: e.target.value })} />
      </label>
      <label className="field field-grow">
        <span>{t('unlock.serial')}</span>
        <input name="serial" className="mono" value={value.serial} onChange={(e) => onChange({ ...value, serial: e.target.value })} />
      </label>
    </div>
  );
}
