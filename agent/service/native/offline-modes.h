#ifndef DLP_OFFLINE_MODES_H
#define DLP_OFFLINE_MODES_H

/* Each returns the process exit status. */
int run_decide_mode(void);
int run_sha256_mode(const char *file);
int run_parse_mountinfo_mode(const char *file);

#endif
