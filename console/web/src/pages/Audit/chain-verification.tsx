import { useState } from 'react';
import type { AuditVerifyResult } from '@dlp/shared';
import { useApi } from '../../api';
import { useAction, type Action } from '../../hooks/use-action';
import { formatCount, useI18n } from '../../i18n';

/** The verify button's state and the console's last answer. */
export interface ChainVerification {
  action: Action;
  result: AuditVerifyResult | null;
  verify(): void;
}

/** "Verify chain": the console re-walks every row's hash and answers OK or the first broken row. */
export function useChainVerification(): ChainVerification {
  const api = useApi();
  const action = useAction();
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  return { action, result, verify: () => void action.run(async () => setResult(await api.audit.verify())) };
}

/**
 * OK shows the row count and the head hash (worth writing down outside the console: removing rows
 * at the end leaves a shorter valid chain); broken names the first row that does not match.
 */
export function ChainResultBanner({ result }: { result: AuditVerifyResult }) {
  const { t, language } = useI18n();
  if (!result.ok) {
    return (
      <div className="banner banner-error" role="alert" data-chain="broken">
        {t('audit.chainBroken', { id: result.firstBrokenId, reason: result.reason })}
      </div>
    );
  }
  return (
    <div className="banner banner-success chain-ok" role="status" data-chain="ok">
      <span>
        {t('audit.chainOk', { rows: formatCount(result.rows, language) })} <code title={result.headHash}>{result.headHash}</code>
      </span>
    </div>
  );
}
