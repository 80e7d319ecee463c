/* pb: version and the things every command shares. */
#ifndef PB_PB_H
#define PB_PB_H

#define PB_VERSION "0.1.0"

#endif
