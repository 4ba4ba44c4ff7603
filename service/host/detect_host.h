/* Detection on this computer (detect.h), read through the SCM, HKLM and
 * the executables' version resources. Windows only. */
#ifndef FW_DETECT_HOST_H
#define FW_DETECT_HOST_H

#include "detect.h"

void fw_detect_host(fw_detection *out);

#endif
