/* SPDX-License-Identifier: Apache-2.0 */
/* portable.h - one qualifier for code the CPU and the GPU both compile.
 *
 * The per-order generator (order_gen.h), the draws it makes (philox.h,
 * mix.h, alias_pick) and the batch layout are written once in plain C and
 * compiled twice: by the C compiler into the CPU engine, and by nvcc into
 * the GPU stage (engine/gpu/), where ENGINE_HD makes them device functions
 * too. One source is how the two engines produce the same bytes. */
#ifndef SHOPSTREAM_PORTABLE_H
#define SHOPSTREAM_PORTABLE_H

#ifdef __CUDACC__
#define ENGINE_HD __host__ __device__
#else
#define ENGINE_HD
#endif

#endif
