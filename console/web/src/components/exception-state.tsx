import type { ExceptionState, ExceptionView } from '@dlp/shared';
import { Badge, type BadgeTone } from './badges';
import { useI18n } from '../i18n';

const STATE_TONES: Record<ExceptionState, BadgeTone> = { pending: 'amber', approved: 'green', denied: 'red', revoked: 'grey', expired: 'grey' };

/** The exception's state as a coloured badge: pending amber, approved green, denied red, revoked/expired grey. */
export function ExceptionStateBadge({ state }: { state: ExceptionState }) {
  const { t } = useI18n();
  return <Badge tone={STATE_TONES[state]}>{t(`exceptions.state.${state}`)}</Badge>;
}

/** Whether the agent has the grant (or the revoke): officers need to know it is really in force. */
export function DeliveryNote({ exception }: { exception: ExceptionView }) {
  const { t } = useI18n();
  const { delivery, state } = exception;
  if (state !== 'approved' && state !== 'revoked') return null;
  if (!delivery) return <span className="muted small">{t('exceptions.delivery.waiting')}</span>;
  if (delivery.status === 'rejected') {
    return <span className="delivery-rejected small">{t('exceptions.delivery.rejected', { error: delivery.error ?? t('common.none') })}</span>;
  }
  return <span className="delivery-applied small">{t(delivery.action === 'revoke' ? 'exceptions.delivery.revoked' : 'exceptions.delivery.applied')}</span>;
}
