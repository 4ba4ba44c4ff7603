/* The service's watch of dropped backup traffic (WatchDrops, on by
 * default): a subscription to WFP's net events on a session of its own; a
 * thread of its own explains each drop (drop_context.h) and, for a flow an
 * applied profile documents, counts it per rule in status.json and writes
 * a warning (event 17) at most once per flow per 10 minutes. The
 * subscription's callback only queues, and the loop only tells the watch
 * that the rules may have changed, so a burst of drops never delays a
 * reconcile. docs/watch.md. Windows only. */
#ifndef FW_DROP_WATCH_H
#define FW_DROP_WATCH_H

#include "service_status.h"

#include <stdbool.h>

#define FW_DROP_REPORT_PERIOD_SECONDS 600 /* one report per flow per 10 minutes */

typedef struct fw_drop_watch fw_drop_watch;

fw_drop_watch *fw_drop_watch_create(fw_service_status *status);
/* After each reconcile, on the loop's thread: on or off (WatchDrops); the
 * rules are read again before the next drop is explained; a subscription
 * lost with BFE is made again; net events turned off are said once. */
void fw_drop_watch_update(fw_drop_watch *w, bool on);
void fw_drop_watch_free(fw_drop_watch *w);

#endif
