/* recov kernels (2data and datap) for GFNI + AVX-512: multiplies by 2 and by the recovery constants with
 * gf2p8affineqb (bit matrices for 0x11d) */
#include "isa_gfni.h"
#include "kern_recov.h"
