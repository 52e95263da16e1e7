import type { EventSearchFilter, ImpactBucket, ImpactBucketName, ImpactReport } from '@dlp/shared';
import { formatCount, useI18n, type MessageKey } from '../../i18n';
import { BUCKET_TITLE, groupNameOf, impactSearchHref, partLabelOf } from './impact-links';

const BUCKET_HINT: Record<ImpactBucketName, MessageKey> = {
  alreadyBlocked: 'impactPreview.bucketHint.alreadyBlocked',
  newlyBlocked: 'impactPreview.bucketHint.newlyBlocked',
  noLongerBlocked: 'impactPreview.bucketHint.noLongerBlocked',
};

/** Colour means something: red for what the draft newly blocks, amber for a loosening, grey for the status quo. */
const BUCKET_TONE: Record<ImpactBucketName, string> = {
  alreadyBlocked: 'impact-bucket-quiet',
  newlyBlocked: 'impact-bucket-new',
  noLongerBlocked: 'impact-bucket-loosened',
};

type CountName = 'hosts' | 'users' | 'events';
const COUNT_LABEL: Record<CountName, MessageKey> = { hosts: 'impactPreview.hosts', users: 'impactPreview.users', events: 'impactPreview.events' };

/**
 * One count: a link to the search of exactly these events when one search shows them (`filters`),
 * else plain text. `exact` false marks a link whose search also shows other events.
 */
function CountCell({ name, value, filters, exact, context }: { name: CountName; value: number; filters: EventSearchFilter | null; exact: boolean; context: string }) {
  const { t, language } = useI18n();
  const text = formatCount(value, language);
  if (filters === null || value === 0) return <span data-count={name}>{text}</span>;
  return (
    <a href={impactSearchHref(filters)} data-count={name} data-exact={exact ? 'true' : 'false'} title={t('impactPreview.openSearch', { what: context })}>
      {text}
      {!exact && <sup aria-label={t('impactPreview.notExactMark')}>*</sup>}
    </a>
  );
}

/** Hosts, users and events of a bucket or a part of it, each a link to the same search. */
function Counts({ counts, filters, exact, context }: { counts: Pick<ImpactBucket, CountName>; filters: EventSearchFilter | null; exact: boolean; context: string }) {
  const { t } = useI18n();
  return (
    <dl className="impact-counts">
      {(['hosts', 'users', 'events'] as const).map((name) => (
        <div key={name}>
          <dt>{t(COUNT_LABEL[name])}</dt>
          <dd>
            <CountCell name={name} value={counts[name]} filters={filters} exact={exact} context={context} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** One bucket: its hosts, users and events, where they are (parts), and which programs and devices (slices). */
export function ImpactBucketCard({ name, bucket, report }: { name: ImpactBucketName; bucket: ImpactBucket; report: ImpactReport }) {
  const { t, language } = useI18n();
  const title = t(BUCKET_TITLE[name]);
  const inexact = bucket.parts.some((part) => !part.exact) || bucket.slices.some((slice) => !slice.exact);
  return (
    <section className={`impact-bucket ${BUCKET_TONE[name]}`} data-bucket={name} aria-label={title}>
      <h3>{title}</h3>
      <p className="muted small">{t(BUCKET_HINT[name])}</p>
      <Counts counts={bucket} filters={bucket.filters} exact context={title} />
      {bucket.filters === null && bucket.events > 0 && <p className="muted small">{t('impactPreview.severalSearches')}</p>}
      {bucket.parts.length > 0 && (
        <div className="impact-parts">
          <h4>{t('impactPreview.parts')}</h4>
          <ul className="plain-list">
            {bucket.parts.map((part) => {
              const label = partLabelOf(report, part, t);
              return (
                <li key={`${part.groupId}-${part.type}-${part.recordedAction}`} data-part={`${part.type}:${part.recordedAction}`}>
                  <span className="impact-part-label">{label}</span>
                  <Counts counts={part} filters={part.filters} exact={part.exact} context={`${title}: ${label}`} />
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {bucket.slices.length > 0 && (
        <details className="impact-slices">
          <summary>{t('impactPreview.slices', { count: formatCount(bucket.slices.length + bucket.moreSlices, language) })}</summary>
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">{t(name === 'noLongerBlocked' ? 'impactPreview.column.ruleThen' : 'impactPreview.column.rule')}</th>
                <th scope="col">{t('impactPreview.column.subject')}</th>
                <th scope="col">{t('impactPreview.column.where')}</th>
                <th scope="col">{t('impactPreview.hosts')}</th>
                <th scope="col">{t('impactPreview.users')}</th>
                <th scope="col">{t('impactPreview.events')}</th>
              </tr>
            </thead>
            <tbody>
              {bucket.slices.map((slice) => {
                const context = `${title}: ${slice.subject}`;
                return (
                  <tr key={`${slice.groupId}-${slice.type}-${slice.recordedAction}-${slice.subject}-${slice.ruleId ?? ''}`}>
                    <td className="mono">{slice.ruleId ?? t('impactPreview.defaultRule')}</td>
                    <td className="mono impact-subject" title={slice.subject}>
                      {slice.subject}
                    </td>
                    <td>
                      {groupNameOf(report, slice.groupId)} · {t(`action.${slice.recordedAction}`)}
                    </td>
                    {(['hosts', 'users', 'events'] as const).map((count) => (
                      <td key={count} className="numeric">
                        <CountCell name={count} value={slice[count]} filters={slice.filters} exact={slice.exact} context={context} />
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {bucket.moreSlices > 0 && <p className="muted small">{t('impactPreview.moreSlices', { count: formatCount(bucket.moreSlices, language) })}</p>}
        </details>
      )}
      {inexact && <p className="muted small">* {t('impactPreview.notExact')}</p>}
    </section>
  );
}
