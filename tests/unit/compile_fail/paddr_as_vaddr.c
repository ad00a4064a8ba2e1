/* A physical address must not be usable where a virtual one is expected.
 * expect-error: incompatible type for argument 1 of .va_ptr.
 */
#include <kernel/types.h>

void *f(paddr_t p);

void *f(paddr_t p)
{
#ifndef CONTROL
	return va_ptr(p);
#else
	return va_ptr(va((uintptr_t)pa_val(p)));
#endif
}
