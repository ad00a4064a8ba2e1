/*
 * CRC-32 as in IEEE 802.3, zlib and PNG: reflected polynomial 0xEDB88320,
 * initial value and final xor 0xFFFFFFFF. The kernel prints it for each boot
 * archive member so system tests can check contents with Python's
 * zlib.crc32().
 */
#ifndef KERNEL_CRC32_H
#define KERNEL_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of len bytes at data; crc32("123456789", 9) == 0xCBF43926. */
uint32_t crc32(const void *data, size_t len);

/*
 * Continue a CRC-32 over more bytes: crc32_update(crc32(a), b) equals the CRC
 * of a followed by b, and crc32_update(0, b) == crc32(b) (zlib's convention).
 */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
