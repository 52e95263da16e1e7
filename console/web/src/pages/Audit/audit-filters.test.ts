import { NO_AUDIT_FILTERS, toAuditFilters } from './audit-filters';

describe('toAuditFilters', () => {
  it('leaves empty fields out and trims the rest', () => {
    expect(toAuditFilters({ ...NO_AUDIT_FILTERS, actor: ' olivia ', action: 'exception.' })).toEqual({
      actor: 'olivia',
      action: 'exception.',
      targetType: undefined,
      from: undefined,
      to: undefined,
    });
  });

  it('includes the whole "to" day by ending at the next local midnight', () => {
    const filters = toAuditFilters({ ...NO_AUDIT_FILTERS, fromDate: '2026-03-01', toDate: '2026-03-01' });
    expect(filters.from).toBe(new Date(2026, 2, 1).toISOString());
    expect(filters.to).toBe(new Date(2026, 2, 2).toISOString());
  });
});
