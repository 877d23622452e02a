/* Portable fill: dest[i] = value. */
#include "raidtx.h"
#include <string.h>

void memset_base(uint8_t *dest, int value, size_t len)
{
	if (len)
		memset(dest, value, len);
}
