/* Instantiates the GUIDs declared in wfp_defs.h (once per program). */
#include <initguid.h>

#include "wfp_defs.h"
