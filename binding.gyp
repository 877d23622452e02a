# The raidtx native engine. Each ISA's kernels are a static library of their own with that ISA's
# flags; the glue, dispatch and portable kernels carry none (never -march=native), so the addon
# loads on any x86-64 (or arm64) CPU and picks its kernels at run time.
{
  'variables': {
    'raidtx_cflags': ['-std=gnu11', '-O3', '-fPIC', '-fvisibility=hidden', '-Wall', '-Wextra', '-Wno-unused-parameter'],
  },
  'targets': [
    {
      'target_name': 'raidtx_native',
      'sources': [
        'src/native/binding.c',
        'src/native/io.c',
        'src/native/args.c',
        'src/native/record.c',
        'src/native/job.c',
        'src/native/dispatch.c',
        'src/native/cpu.c',
        'src/native/pool.c',
        'src/native/ops.c',
        'src/native/gf.c',
        'src/native/xor_base.c',
        'src/native/xor_val_base.c',
        'src/native/pq_base.c',
        'src/native/pq_val_base.c',
        'src/native/recov_base.c',
        'src/native/memcpy_base.c',
        'src/native/memset_base.c',
      ],
      'cflags': ['<@(raidtx_cflags)'],
      'cflags!': ['-O2', '-O0'],
      'defines': ['NAPI_VERSION=8'],
      'conditions': [
        ['target_arch=="x64"', {
          'dependencies': ['raidtx_avx2', 'raidtx_avx512', 'raidtx_gfni'],
        }],
        ['target_arch=="arm64"', {
          'sources': [
            'src/native/xor_neon.c',
            'src/native/xor_val_neon.c',
            'src/native/pq_neon.c',
            'src/native/pq_val_neon.c',
            'src/native/recov_neon.c',
            'src/native/memcpy_neon.c',
            'src/native/memset_neon.c',
          ],
        }],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'raidtx_avx2',
          'type': 'static_library',
          'sources': [
            'src/native/xor_avx2.c',
            'src/native/xor_val_avx2.c',
            'src/native/pq_avx2.c',
            'src/native/pq_val_avx2.c',
            'src/native/recov_avx2.c',
            'src/native/memcpy_avx2.c',
            'src/native/memset_avx2.c',
          ],
          'cflags': ['<@(raidtx_cflags)', '-mavx2'],
          'cflags!': ['-O2', '-O0'],
        },
        {
          'target_name': 'raidtx_avx512',
          'type': 'static_library',
          'sources': [
            'src/native/xor_avx512.c',
            'src/native/xor_val_avx512.c',
            'src/native/pq_avx512.c',
            'src/native/pq_val_avx512.c',
            'src/native/recov_avx512.c',
            'src/native/memcpy_avx512.c',
            'src/native/memset_avx512.c',
          ],
          'cflags': ['<@(raidtx_cflags)', '-mavx512f', '-mavx512bw', '-mavx512vl'],
          'cflags!': ['-O2', '-O0'],
        },
        {
          'target_name': 'raidtx_gfni',
          'type': 'static_library',
          'sources': [
            'src/native/pq_gfni.c',
            'src/native/pq_val_gfni.c',
            'src/native/recov_gfni.c',
          ],
          'cflags': ['<@(raidtx_cflags)', '-mavx512f', '-mavx512bw', '-mavx512vl', '-mgfni'],
          'cflags!': ['-O2', '-O0'],
        },
      ],
    }],
  ],
}
