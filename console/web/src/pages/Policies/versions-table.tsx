import { useState } from 'react';
import type { PolicySummary } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { ModeBadge } from './policy-list-page';
import { LocalTime } from '../../components/local-time';

/**
 * Published versions, newest first. Two radio columns pick the versions to compare; an older
 * version can be rolled back to (republished as a new version).
 */
export function VersionsTable({
  policyId,
  versions,
  canRollBack,
  onCompare,
  onRolledBack,
}: {
  policyId: string;
  versions: readonly PolicySummary[];
  canRollBack: boolean;
  onCompare(range: { from: number; to: number }): void;
  onRolledBack(): void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const rollback = useAction();
  const current = versions[0]?.version ?? 1;
  const [from, setFrom] = useState(versions[1]?.version ?? current);
  const [to, setTo] = useState(current);
  const [confirming, setConfirming] = useState<number | null>(null);

  const rollBack = async (version: number) => {
    if (await rollback.run(() => api.policies.rollback(policyId, version))) {
      setConfirming(null);
      onRolledBack();
    }
  };

  return (
    <>
      {rollback.error !== null && <ErrorBanner error={rollback.error} />}
      <table className="data-table compact-table versions-table">
        <thead>
          <tr>
            <th scope="col">{t('policies.col.version')}</th>
            <th scope="col">{t('policies.col.serial')}</th>
            <th scope="col">{t('policies.col.mode')}</th>
            <th scope="col">{t('policies.col.published')}</th>
            <th scope="col">{t('policies.diff.from')}</th>
            <th scope="col">{t('policies.diff.to')}</th>
            {canRollBack && <th scope="col">{t('exceptions.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version.version}>
              <th scope="row">
                v{version.version} {version.version === current && <span className="muted small">{t('policies.current')}</span>}
              </th>
              <td className="mono">{version.serial}</td>
              <td>
                <ModeBadge mode={version.mode} />
              </td>
              <td className="cell-nowrap"><LocalTime iso={version.publishedAt} /></td>
              <td>
                <input type="radio" name="diff-from" aria-label={t('policies.diff.fromVersion', { version: version.version })} checked={from === version.version} onChange={() => setFrom(version.version)} />
              </td>
              <td>
                <input type="radio" name="diff-to" aria-label={t('policies.diff.toVersion', { version: version.version })} checked={to === version.version} onChange={() => setTo(version.version)} />
              </td>
              {canRollBack && (
                <td className="cell-actions">
                  {version.version !== current &&
                    (confirming === version.version ? (
                      <>
                        <button type="button" className="button button-small button-danger" onClick={() => void rollBack(version.version)} disabled={rollback.running}>
                          {t('policies.rollbackConfirm', { version: version.version })}
                        </button>
                        <button type="button" className="button button-small" onClick={() => setConfirming(null)}>
                          {t('common.cancel')}
                        </button>
                      </>
                    ) : (
                      <button type="button" className="button button-small" onClick={() => setConfirming(version.version)}>
                        {t('policies.rollback')}
                      </button>
                    ))}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions form-actions-start">
        <button type="button" className="button" onClick={() => onCompare({ from, to })} disabled={from === to}>
          {t('policies.diff.compare', { from, to })}
        </button>
      </div>
    </>
  );
}
