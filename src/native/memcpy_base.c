/* Portable copy: dest[i] = src[i] (memmove: correct even for overlapping views). */
#include "raidtx.h"
#include <string.h>

void memcpy_base(uint8_t *dest, const uint8_t *src, size_t len)
{
	if (len && dest != src)
		memmove(dest, src, len);
}
