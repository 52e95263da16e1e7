/* `dlp-exec-guard --close-write MOUNT`: reports files written and closed on one file system
 * (fanotify FAN_CLOSE_WRITE), for the agent's removable-media content channel. */
#ifndef DLP_CLOSE_WRITE_H
#define DLP_CLOSE_WRITE_H

int run_close_write_mode(const char *mount_point);

#endif
