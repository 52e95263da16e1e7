/* `dlp-exec-guard --sd-notify STATE`: one sd_notify datagram to $NOTIFY_SOCKET, for the agent. */
#ifndef DLP_SD_NOTIFY_H
#define DLP_SD_NOTIFY_H

int run_sd_notify_mode(const char *state);

#endif
