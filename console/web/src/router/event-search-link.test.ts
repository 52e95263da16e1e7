import { paramsOfSearch, searchFiltersFromParams, searchHref, selectedEventOf } from './event-search-link';

const AGENT = '0190a1b2-0000-7000-8000-000000000001';

describe('search filters in the address', () => {
  it('writes short names, leaves blanks out, and reads back the same filters', () => {
    const filters = { agentId: AGENT, type: 'usb', ruleId: 'no-usb', triageState: 'new', from: '2026-05-01T00:00:00.000Z', q: '' } as const;
    const href = searchHref(filters, { agentId: AGENT, seq: 7 });
    expect(href).toBe(`#/search?from=2026-05-01T00%3A00%3A00.000Z&agent=${AGENT}&type=usb&rule=no-usb&triage=new&event=${AGENT}%3A7`);
    const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
    expect(searchFiltersFromParams(params)).toEqual({ agentId: AGENT, type: 'usb', ruleId: 'no-usb', triageState: 'new', from: '2026-05-01T00:00:00.000Z' });
    expect(selectedEventOf(params)).toEqual({ agentId: AGENT, seq: 7 });
    expect(paramsOfSearch({}).agent).toBeUndefined();
    // The group filter (no field on the form) travels in links such as the impact preview's.
    expect(searchFiltersFromParams(new URLSearchParams(searchHref({ groupId: 'g-1', action: 'blocked' }).split('?')[1]))).toEqual({ groupId: 'g-1', action: 'blocked' });
  });

  it('takes a hand-typed day as the start of that local day, and ignores unknown keys and bad event refs', () => {
    const params = new URLSearchParams('from=2026-05-01&colour=red&event=nope:1&host=%20ws-01%20');
    expect(searchFiltersFromParams(params)).toEqual({ from: new Date(2026, 4, 1).toISOString(), host: 'ws-01' });
    expect(selectedEventOf(params)).toBeNull();
    expect(selectedEventOf(new URLSearchParams(`event=${AGENT}:0`))).toBeNull();
  });
});
