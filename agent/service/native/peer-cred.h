/* `dlp-exec-guard --peer-cred`: who is on the other end of the Unix socket on stdin. */
#ifndef DLP_PEER_CRED_H
#define DLP_PEER_CRED_H

int run_peer_cred_mode(void);

#endif
