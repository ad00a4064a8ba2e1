/*
 * The one status enum every invocation returns (in a0). A caller's mistake
 * is always one of these, never a crash. Values are part of the ABI.
 */
#ifndef VIREO_STATUS_H
#define VIREO_STATUS_H

enum vireo_status {
	VIREO_OK = 0,
	VIREO_E_CAP = 1,         /* no object behind the capability selector */
	VIREO_E_RIGHTS = 2,      /* the capability lacks a needed right */
	VIREO_E_PROTOCOL = 3,    /* the object does not speak this protocol */
	VIREO_E_OP = 4,          /* unknown operation for this protocol */
	VIREO_E_ARG = 5,         /* malformed or out-of-range argument */
	VIREO_E_QUOTA = 6,       /* kernel-memory quota exhausted */
	VIREO_E_NOMEM = 7,       /* out of physical memory */
	VIREO_E_TIMEOUT = 8,     /* IPC timeout expired */
	VIREO_E_CANCELED = 9,    /* partner or object deleted while waiting */
	VIREO_E_BUSY = 10,       /* object in a state that forbids the operation */
	VIREO_E_NO_REPLY = 11,   /* reply without a caller to reply to */
	VIREO_E_OVERFLOW = 12,   /* message larger than the receiver accepts */
	VIREO_E_MAP = 13,        /* a typed item could not be mapped */
	VIREO_E_RANGE = 14,      /* address or index outside the space */
	VIREO_E_EXISTS = 15,     /* slot or mapping already occupied */
	VIREO_E_STALE = 16,      /* cached capability no longer valid; retry */
	VIREO_STATUS_COUNT
};

#endif
