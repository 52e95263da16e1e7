/** Endpoint integrity in the agents view: residual limits, hardening switches, key pinning (English). */
export const integrityEn = {
  'cap.residuals': 'Residual limits (information)',
  'cap.residual.stdin-scripts': 'scripts fed on stdin are not judged',
  'cap.residual.anonymous-exec-memory': 'code run from memfd or anonymous memory',
  'cap.residual.userns-new-filesystem-race': 'a filesystem made in a user namespace may run before it is watched',
  'cap.residual.direct-loader': 'the dynamic loader run directly on a file',
  'cap.residual.window-capture-exclusion-linux': 'no window capture exclusion on Linux',
  'cap.residual.name-rules-by-resolved-name': 'name rules match standard program links only (prefer sha256 rules)',
  'cap.residual.kill-after-start': 'blocked programs are stopped after they start',
  'cap.residual.closedBy': 'closed by hardening switch {switch}',
  'cap.residual.closableBy': 'hardening switch {switch} closes it',
  'cap.hardening.problem': 'Hardening {switch} requested but not in force ({state})',
  'cap.hardening.on': 'Hardening {switch}: on ({value})',
  'cap.trust.key.config': 'Console key pinned by configuration',
  'cap.trust.key.first-use': 'Console key pinned on first use',
  'cap.trust.key.none': 'Console key not pinned yet',
} as const;
