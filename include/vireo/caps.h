/* Capability selectors every task starts with, and the root task's extras. */
#ifndef VIREO_CAPS_H
#define VIREO_CAPS_H

#include <vireo/types.h>

#define VIREO_SEL_TASK 1    /* the task itself */
#define VIREO_SEL_THREAD 2  /* its first thread */
#define VIREO_SEL_FACTORY 3 /* where it creates objects (charged to its quota) */
#define VIREO_SEL_VCON 4    /* kernel console */
#define VIREO_SEL_PARENT 5  /* programs the root task starts: exit gate (vireo/env.h) */
#define VIREO_SEL_SCHEDULER 6 /* the root task: the Scheduler */
#define VIREO_SEL_PLATFORM 7  /* the root task: Platform_control */
#define VIREO_SEL_ICU 8       /* the root task: the Icu */
#define VIREO_SEL_DEBUGGER 9  /* the root task: the kernel Debugger */
#define VIREO_SEL_FIRST_FREE 16

#endif
