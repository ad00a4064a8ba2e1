/* Basic ABI types shared by the kernel and user programs. */
#ifndef VIREO_TYPES_H
#define VIREO_TYPES_H

#include <stdint.h>

typedef uint64_t vireo_word_t;
/* A capability selector: an index into the calling task's capability space. */
typedef uint64_t vireo_cap_t;

#define VIREO_CAP_INVALID ((vireo_cap_t)-1)

#endif
