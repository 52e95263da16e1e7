/** Route paths of the policy pages, for links. */
export const policyPaths = {
  list: '/policies',
  policy: (id: string) => `/policies/${encodeURIComponent(id)}`,
  draft: (policyId: string, draftId: string) => `/policies/${encodeURIComponent(policyId)}/drafts/${encodeURIComponent(draftId)}`,
};
